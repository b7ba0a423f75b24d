#pragma once
// EFI compression: the format EFI_DECOMPRESS_PROTOCOL decodes (PCI ROM
// CompressionType 1), as the UEFI specification describes it: an 8-byte
// header (compressed size, original size, little-endian) and LZ77 with an
// 8 KiB window coded in Huffman blocks.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

#include "compress/efi_token.h"

namespace romfit::efi {

// Output sizes above this are refused before anything is allocated, so a
// tiny stream that claims gigabytes cannot exhaust memory. PCI ROM images
// are at most 16 MiB.
inline constexpr size_t kMaxDecompressedSize = 64u * 1024 * 1024;

// Fast: greedy parse with lazy evaluation (the strategy of EDK2's reference
// encoder). Optimal: shortest-path parsing over the codes' real bit costs,
// iterated a few passes; smaller output, several times slower.
enum class EfiLevel { Fast, Optimal };

// What pack, repack, build and report use unless told otherwise: the
// smallest ROM is the point of romfit.
inline constexpr EfiLevel kDefaultLevel = EfiLevel::Optimal;

llvm::StringRef levelName(EfiLevel level);  // "fast", "optimal"
// Errors name the text and the two levels.
llvm::Expected<EfiLevel> parseLevel(llvm::StringRef text);

std::vector<uint8_t> compress(llvm::ArrayRef<uint8_t> input, EfiLevel level);

// The complete stream (header included) for a parse of an input of
// `originalSize` bytes; block boundaries and codes are chosen here, so any
// parser can hand its tokens over. At Optimal, code lengths also weigh what
// they cost in the block headers (a few bytes per block, some milliseconds).
std::vector<uint8_t> encodeTokens(llvm::ArrayRef<LzToken> tokens, size_t originalSize,
                                  EfiLevel level = EfiLevel::Fast);

// Rejects corrupt or truncated streams with an error naming the byte offset;
// never reads or writes out of bounds.
llvm::Expected<std::vector<uint8_t>> decompress(llvm::ArrayRef<uint8_t> stream,
                                                size_t maxOutput = kMaxDecompressedSize);

} // namespace romfit::efi
