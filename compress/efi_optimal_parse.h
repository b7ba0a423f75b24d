#pragma once
// Optimal parsing for EFI compression: literals and matches chosen by a
// shortest path over their bit costs under the Huffman codes of a previous
// parse, re-estimated over a few passes (the approach zopfli takes for
// DEFLATE). Every match length from kMinMatch to the longest is considered
// at every position, each at the nearest distance that reaches it.
#include <cstdint>
#include <vector>

#include <llvm/ADT/ArrayRef.h>

#include "compress/efi_token.h"

namespace romfit::efi {

struct OptimalParseOptions {
  // Shortest-path passes in all, after the initial lazy parse; the cheapest
  // parse wins, so more passes never make the output larger.
  unsigned passes = 12;
  // Times the block ranges that cost passes are re-split from the best
  // parse; each split costs about as much as a few passes.
  unsigned splitRounds = 3;
  // Nodes the match finder's descent visits per position (the 8 KiB window
  // holds at most 8192: all of them, so every position's matches are exact).
  unsigned maxChainLength = kWindowSize;
  // Symbol costs from the previous pass: its Huffman code lengths (whole
  // bits), or its symbol statistics (-log2 of the frequency, fractional).
  bool entropyCosts = false;
};

std::vector<LzToken> optimalParse(llvm::ArrayRef<uint8_t> input,
                                  const OptimalParseOptions &options = {});

// The exact size in bits of the blocks encodeTokens writes for `tokens`
// (without the stream header and final padding).
uint64_t encodedBlockBits(llvm::ArrayRef<LzToken> tokens);

} // namespace romfit::efi
