#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

namespace romfit {

using Bytes = std::vector<uint8_t>;

// The largest file romfit reads (docs/limits.md): iPXE's largest input, a
// bin directory's blib.a, is 44 MB.
inline constexpr uint64_t kMaxInputFileSize = uint64_t(256) << 20;

// Reads a whole file, a pipe or a device (up to kMaxInputFileSize); the
// error names the path.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(llvm::StringRef path);
llvm::Expected<Bytes> readFileBytes(llvm::StringRef path);

// Writes through a temporary in the same directory and renames it into
// place, so a failure or a kill never leaves a partial file at `path`.
// A device such as /dev/null is written in place.
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes);
llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef text);

inline llvm::ArrayRef<uint8_t> asBytes(const llvm::MemoryBuffer &buffer) {
  return {reinterpret_cast<const uint8_t *>(buffer.getBufferStart()), buffer.getBufferSize()};
}

} // namespace romfit
