#pragma once
// The Huffman stage of the EFI encoder: turns a run of LzTokens into one
// block (symbol count, code-length set, char/length set, position set, then
// the symbols). Any parser can use it; planBlock's exact bit counts let block
// splitting and cost-driven parsers compare alternatives without writing.
#include <array>
#include <cstdint>
#include <vector>

#include <llvm/ADT/ArrayRef.h>

#include "compress/efi_bit_writer.h"
#include "compress/efi_format.h"
#include "compress/efi_token.h"

namespace romfit::efi {

struct EfiSymbolCounts {
  std::array<uint32_t, kCharLenSymbols> charLen{};
  std::array<uint32_t, kPositionSymbols> position{};
  uint32_t tokens = 0;

  void add(const LzToken &token);
  void addAll(llvm::ArrayRef<LzToken> tokens);
  EfiSymbolCounts &operator+=(const EfiSymbolCounts &other);
  EfiSymbolCounts &operator-=(const EfiSymbolCounts &other);
};

// One Huffman set as a block header transmits it: either a prefix code, or a
// single symbol that costs zero bits per occurrence.
struct EfiHuffmanSet {
  std::vector<uint8_t> lengths; // all 0 when onlySymbol is set
  std::vector<uint16_t> codes;
  int onlySymbol = -1;

  // With lengthCost (kMaxCodeLength + 1 entries), the lengths minimise data
  // bits plus lengthCost[length] per used symbol instead of data bits alone.
  static EfiHuffmanSet fromFrequencies(llvm::ArrayRef<uint32_t> frequencies,
                                       llvm::ArrayRef<uint32_t> lengthCost = {});
  bool isSingleSymbol() const { return onlySymbol >= 0; }
  unsigned bitsOf(unsigned symbol) const { return isSingleSymbol() ? 0 : lengths[symbol]; }
};

// A char/length code length, or a run of zero lengths, as a symbol of the
// code-length set plus its extra bits.
struct CodeLengthToken {
  uint8_t symbol;
  uint16_t extra;
};

struct EfiBlockPlan {
  uint32_t tokenCount = 0;
  EfiHuffmanSet codeLength;
  EfiHuffmanSet charLen;
  EfiHuffmanSet position;
  std::vector<CodeLengthToken> charLenLengthTokens;
  uint64_t headerBits = 0;
  uint64_t payloadBits = 0;

  uint64_t totalBits() const { return headerBits + payloadBits; }
  // Bits one token costs under this block's codes.
  unsigned tokenBits(const LzToken &token) const;
};

// How planBlock chooses code lengths.
enum class EfiCodeSearch {
  // Length-limited Huffman codes: the fewest data bits, and cheap enough to
  // price the thousands of candidate blocks that splitting and parsing try.
  Huffman,
  // Also weighs what each length costs in the header (a char/length length
  // through the code-length code, a position or code-length length in 3 bits
  // or unary), trading a few data bits for more header bits saved. Never
  // larger than Huffman; several times slower, so for blocks being written.
  HeaderAware,
};

// Requires 1 <= counts.tokens <= kMaxBlockSymbols.
EfiBlockPlan planBlock(const EfiSymbolCounts &counts, EfiCodeSearch search = EfiCodeSearch::Huffman);

// `tokens` must be the tokens `plan` was made from.
void writeBlock(const EfiBlockPlan &plan, llvm::ArrayRef<LzToken> tokens, MsbBitWriter &writer);

} // namespace romfit::efi
