#pragma once
// LZMA for legacy (BIOS) payloads, through liblzma: raw LZMA1 with lc=2,
// lp=0, pb=0 and an end-of-payload marker, the only form iPXE's real-mode
// decompressor (unlzma.S) accepts.
#include <cstddef>
#include <cstdint>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

namespace romfit::lzma {

inline constexpr uint32_t kLiteralContextBits = 2;
inline constexpr uint32_t kLiteralPositionBits = 0;
inline constexpr uint32_t kPositionBits = 0;
// Decoded output past this is refused: a legacy payload lives below 1 MiB.
inline constexpr size_t kMaxDecompressedSize = 16u * 1024 * 1024;

llvm::Expected<std::vector<uint8_t>> compress(llvm::ArrayRef<uint8_t> input);
llvm::Expected<std::vector<uint8_t>> decompress(llvm::ArrayRef<uint8_t> stream,
                                                size_t maxOutput = kMaxDecompressedSize);

} // namespace romfit::lzma
