#include "support/file_io.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include "support/error.h"

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

namespace {

llvm::Error writeFailed(llvm::StringRef path, std::error_code error) {
  return makeError("{}: cannot write: {}", path.str(), error.message());
}

// Writes everything or reports why not; the stream's own error is cleared,
// since raw_fd_ostream aborts the program on an unchecked one.
std::error_code writeAll(llvm::raw_fd_ostream &stream, llvm::ArrayRef<uint8_t> bytes) {
  stream.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  stream.flush();
  std::error_code error = stream.error();
  stream.clear_error();
  return error;
}

} // namespace

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes) {
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(path, status)) {
    if (status.type() == llvm::sys::fs::file_type::directory_file)
      return writeFailed(path, std::make_error_code(std::errc::is_a_directory));
    // A device (/dev/null) cannot be renamed over: it is written in place.
    if (status.type() != llvm::sys::fs::file_type::regular_file) {
      std::error_code error;
      llvm::raw_fd_ostream device(path, error);
      if (!error)
        error = writeAll(device, bytes);
      return error ? writeFailed(path, error) : llvm::Error::success();
    }
  }
  // A temporary beside `path`, renamed over it only once complete. LLVM's
  // signal handlers remove it on SIGINT and SIGTERM; discard() on failure.
  auto temporary = llvm::sys::fs::TempFile::create(path + ".tmp%%%%%%%");
  if (!temporary)
    return withContext(temporary.takeError(), path.str() + ": cannot write");
  std::error_code error;
  {
    llvm::raw_fd_ostream stream(temporary->FD, /*shouldClose=*/false);
    error = writeAll(stream, bytes);
  }
  if (error) {
    llvm::consumeError(temporary->discard());
    return writeFailed(path, error);
  }
  if (llvm::Error kept = temporary->keep(path))
    return withContext(std::move(kept), path.str() + ": cannot write");
  return llvm::Error::success();
}

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef text) {
  return writeFileAtomically(
      path, llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(text.data()), text.size()));
}

} // namespace romfit
