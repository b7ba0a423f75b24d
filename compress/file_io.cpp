#include "compress/file_io.h"

#include <cstring>

#include <llvm/Support/FileOutputBuffer.h>

#include "compress/error.h"

namespace romfit {

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("{}: cannot read: {}", path.str(), buffer.getError().message());
  return std::move(*buffer);
}

llvm::Expected<Bytes> readFileBytes(llvm::StringRef path) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  auto bytes = asBytes(**buffer);
  return Bytes(bytes.begin(), bytes.end());
}

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes) {
  // FileOutputBuffer writes to a unique temporary beside `path` and renames
  // on commit; destroying it uncommitted removes the temporary.
  auto output = llvm::FileOutputBuffer::create(path, bytes.size());
  if (!output)
    return withContext(output.takeError(), path.str() + ": cannot write");
  if (!bytes.empty())
    std::memcpy((*output)->getBufferStart(), bytes.data(), bytes.size());
  if (llvm::Error error = (*output)->commit())
    return withContext(std::move(error), path.str() + ": cannot write");
  return llvm::Error::success();
}

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef text) {
  return writeFileAtomically(
      path, llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(text.data()), text.size()));
}

} // namespace romfit
