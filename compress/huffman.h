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

// Code lengths of a complete prefix code, no longer than maxLength, for the
// symbols with a non-zero frequency, minimising
//   sum over used symbols of (frequency * length + lengthCost[length]),
// i.e. data bits plus whatever else each length costs (a format that
// transmits code lengths pays per length). With all lengthCost zero this is
// an optimal length-limited code. lengthCost has maxLength + 1 entries
// (index 0 unused). Same conventions as limitedCodeLengths otherwise.
// Takes O(maxLength * used^2) time, about a millisecond for 300 used
// symbols, and keeps tables of about (maxLength + 1) * used^2 bytes per
// thread between calls.
std::vector<uint8_t> costAwareCodeLengths(llvm::ArrayRef<uint32_t> frequencies, unsigned maxLength,
                                          llvm::ArrayRef<uint32_t> lengthCost);

// Canonical codes: shorter codes first, equal lengths in symbol order (the
// assignment DEFLATE and EFI compression both use).
std::vector<uint16_t> canonicalCodes(llvm::ArrayRef<uint8_t> lengths);

} // namespace romfit::huffman
