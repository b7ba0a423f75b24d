#include "support/file_io.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include "support/error.h"

namespace romfit {

namespace {

llvm::Error overInputCap(llvm::StringRef path) {
  return makeError("{}: cannot read: over the {} MiB limit for an input file (docs/limits.md)",
                   path.str(), kMaxInputFileSize >> 20);
}

// A pipe or device has no size to check first: read it in chunks up to the
// cap (`extends /dev/zero` in a rule set must not read forever).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readStream(llvm::StringRef path) {
  llvm::Expected<llvm::sys::fs::file_t> file = llvm::sys::fs::openNativeFileForRead(path);
  if (!file)
    return makeError("{}: cannot read: {}", path.str(), llvm::toString(file.takeError()));
  std::string data;
  constexpr size_t kChunk = 1 << 16;
  for (;;) {
    size_t used = data.size();
    data.resize(used + kChunk);
    auto read = llvm::sys::fs::readNativeFile(*file, {data.data() + used, kChunk});
    if (!read) {
      llvm::sys::fs::closeFile(*file);
      return makeError("{}: cannot read: {}", path.str(), llvm::toString(read.takeError()));
    }
    data.resize(used + *read);
    if (*read == 0)
      break;
    if (data.size() > kMaxInputFileSize) {
      llvm::sys::fs::closeFile(*file);
      return overInputCap(path);
    }
  }
  llvm::sys::fs::closeFile(*file);
  return llvm::MemoryBuffer::getMemBufferCopy(data, path);
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> readFile(llvm::StringRef path) {
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return makeError("{}: cannot read: {}", path.str(), ec.message());
  if (llvm::sys::fs::is_directory(status))
    return makeError("{}: cannot read: {}", path.str(),
                     std::make_error_code(std::errc::is_a_directory).message());
  if (!llvm::sys::fs::is_regular_file(status))
    return readStream(path);
  if (status.getSize() > kMaxInputFileSize)
    return overInputCap(path);
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
