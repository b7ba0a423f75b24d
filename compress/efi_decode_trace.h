#pragma once
// Where an EFI stream's bits go: the decoder records, for every literal and
// match, which output bytes it produced and how many bits it took, so a
// report can charge each byte of the original the bits really spent on it.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

#include "compress/efi_compress.h"

namespace romfit::efi {

struct DecodeTrace {
  struct Token {
    uint32_t outputOffset = 0;
    uint32_t length = 0;  // 1 for a literal
    uint32_t bits = 0;    // code plus position bits
    uint32_t distance = 0; // 0 for a literal
  };
  std::vector<Token> tokens;
  // Each block's symbol count and its three code tables.
  uint64_t blockHeaderBits = 0;
  // Every bit of the stream after its 8-byte header: tokens, block headers
  // and the padding that ends the last byte all come out of these.
  uint64_t bodyBits = 0;

  uint64_t tokenBits() const {
    uint64_t total = 0;
    for (const Token &token : tokens)
      total += token.bits;
    return total;
  }
};

// decompress(), recording `trace` as it goes.
llvm::Expected<std::vector<uint8_t>> decompressTraced(llvm::ArrayRef<uint8_t> stream,
                                                      DecodeTrace &trace,
                                                      size_t maxOutput = kMaxDecompressedSize);

} // namespace romfit::efi
