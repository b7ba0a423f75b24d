#pragma once
// The LZ77 parse of an input, as any parser (lazy, optimal) hands it to the
// block coder: one token per char/length symbol of the EFI format.
#include <cstdint>

#include "compress/efi_format.h"

namespace romfit::efi {

struct LzToken {
  uint16_t length = 0; // 0 for a literal, else kMinMatch..kMaxMatch
  uint16_t value = 0;  // the literal byte, or the match distance 1..kMaxDistance

  static LzToken literal(uint8_t byte) { return {0, byte}; }
  static LzToken match(unsigned length, unsigned distance) {
    return {static_cast<uint16_t>(length), static_cast<uint16_t>(distance)};
  }

  bool isMatch() const { return length != 0; }
  unsigned sourceBytes() const { return isMatch() ? length : 1; }
  unsigned charLenSymbol() const { return isMatch() ? length + kMatchSymbolBias : value; }
};

} // namespace romfit::efi
