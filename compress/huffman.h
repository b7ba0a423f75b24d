#pragma once
// Length-limited canonical Huffman codes, independent of any one format.
#include <cstdint>
#include <vector>

#include <llvm/ADT/ArrayRef.h>

namespace romfit::huffman {

// Optimal code lengths (package-merge) no longer than maxLength for the
// symbols with a non-zero frequency; unused symbols get length 0. With fewer
// than two used symbols no prefix code is needed and every length is 0.
// Requires the number of used symbols to be at most 2^maxLength.
std::vector<uint8_t> limitedCodeLengths(llvm::ArrayRef<uint32_t> frequencies, unsigned maxLength);

// Canonical codes: shorter codes first, equal lengths in symbol order (the
// assignment DEFLATE and EFI compression both use).
std::vector<uint16_t> canonicalCodes(llvm::ArrayRef<uint8_t> lengths);

} // namespace romfit::huffman
