#pragma once
// Decodes one canonical Huffman set of an EFI block: a lookup table for
// short codes, a per-length walk for the rest. Only complete codes (and the
// single-symbol form) are accepted, as the specification's decoder demands.
#include <array>
#include <cstdint>
#include <vector>

#include <llvm/ADT/ArrayRef.h>

#include "compress/efi_bit_reader.h"
#include "compress/efi_format.h"

namespace romfit::efi {

class EfiHuffmanDecoder {
public:
  // False when the lengths (each 0..kMaxCodeLength) do not form a complete
  // prefix code.
  bool assignLengths(llvm::ArrayRef<uint8_t> lengths);
  void assignSingleSymbol(unsigned symbol);

  unsigned decode(MsbBitReader &reader) const {
    if (onlySymbol_ >= 0)
      return static_cast<unsigned>(onlySymbol_);
    uint32_t bits = reader.peek(kMaxCodeLength);
    uint16_t entry = fastTable_[bits >> (kMaxCodeLength - kFastBits)];
    if (unsigned length = entry & kLengthMask) {
      reader.skip(length);
      return entry >> kLengthFieldBits;
    }
    return decodeLong(reader, bits);
  }

private:
  static constexpr unsigned kFastBits = 10;
  static constexpr unsigned kLengthFieldBits = 5;
  static constexpr uint16_t kLengthMask = (1u << kLengthFieldBits) - 1;

  unsigned decodeLong(MsbBitReader &reader, uint32_t bits) const;

  int onlySymbol_ = -1;
  // symbol << kLengthFieldBits | length; length 0 marks codes longer than kFastBits.
  std::array<uint16_t, 1u << kFastBits> fastTable_{};
  std::array<uint32_t, kMaxCodeLength + 1> countOfLength_{};
  std::array<uint32_t, kMaxCodeLength + 1> firstCodeOfLength_{};
  std::array<uint32_t, kMaxCodeLength + 1> firstIndexOfLength_{};
  std::vector<uint16_t> symbolsByCode_;
};

} // namespace romfit::efi
