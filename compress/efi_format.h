#pragma once
// Constants of the EFI compression format (UEFI specification, "Compression
// Algorithm Specification"), shared by the encoder and the decoder. The
// names follow the roles the specification gives the three Huffman sets.
#include <cstddef>
#include <cstdint>

namespace romfit::efi {

// u32 LE compressed size (excluding this header), u32 LE original size.
inline constexpr size_t kHeaderSize = 8;

inline constexpr unsigned kWindowBits = 13;
inline constexpr unsigned kWindowSize = 1u << kWindowBits;
// The specification bounds String Position (distance - 1) at 8190, one short
// of what the 13-bit position code could say; EDK2's encoder keeps to it.
inline constexpr unsigned kMaxDistance = kWindowSize - 1;
inline constexpr unsigned kMinMatch = 3;
inline constexpr unsigned kMaxMatch = 256;

// Char/length set: 256 literals then one symbol per match length 3..256.
inline constexpr unsigned kCharLenSymbols = 510;
inline constexpr unsigned kCharLenCountBits = 9;
inline constexpr unsigned kMatchSymbolBias = 256 - kMinMatch;

// Position set: symbol p is the bit width of (distance - 1), 0..13.
inline constexpr unsigned kPositionSymbols = kWindowBits + 1;
inline constexpr unsigned kPositionCountBits = 4;

// Code-length set ("PT"): symbols 0..2 are zero runs, k >= 3 is length k - 2.
inline constexpr unsigned kCodeLengthSymbols = 19;
inline constexpr unsigned kCodeLengthCountBits = 5;
// After this many code-length-set lengths a 2-bit count of skipped zeros follows.
inline constexpr unsigned kCodeLengthSkipAfter = 3;
inline constexpr unsigned kMaxZeroSkip = 3;

// Zero-run symbols of the code-length set and the runs they stand for.
inline constexpr unsigned kZeroRunSingle = 0;      // one zero
inline constexpr unsigned kZeroRunShort = 1;       // 3 + 4 bits zeros
inline constexpr unsigned kZeroRunLong = 2;        // 20 + 9 bits zeros
inline constexpr unsigned kShortRunBase = 3, kShortRunExtraBits = 4;
inline constexpr unsigned kLongRunBase = 20, kLongRunExtraBits = 9;
inline constexpr unsigned kLengthSymbolBias = 2;

inline constexpr unsigned kMaxCodeLength = 16;
// Code lengths of the code-length and position sets are written in 3 bits;
// the value 7 is extended by a unary run of ones ended by a zero.
inline constexpr unsigned kSmallLengthBits = 3;
inline constexpr unsigned kExtendedLengthMarker = 7;

// The block header's symbol count is 16 bits wide.
inline constexpr unsigned kMaxBlockSymbols = 0xFFFF;

inline unsigned bitWidth(uint32_t value) {
  unsigned width = 0;
  while (value) {
    ++width;
    value >>= 1;
  }
  return width;
}

// The position symbol of a match distance (1..kMaxDistance) and the extra bits
// after it: distance - 1 without its leading one bit.
inline unsigned positionSymbol(unsigned distance) { return bitWidth(distance - 1); }
inline unsigned positionExtraBits(unsigned symbol) { return symbol > 1 ? symbol - 1 : 0; }

} // namespace romfit::efi
