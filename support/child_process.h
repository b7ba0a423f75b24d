#pragma once
// Running helper programs (QEMU, make) safely: a scratch directory removed on
// every path, a child process killed and reaped on every path, and a log file
// polled as it grows.
#include <signal.h>

#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/Optional.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Program.h>

#include "support/error.h"

namespace romfit::support {

// Removes its directory however the scope is left.
class ScratchDirectory {
public:
  static llvm::Expected<ScratchDirectory> create(llvm::StringRef prefix) {
    llvm::SmallString<256> path;
    if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(prefix, path))
      return makeError("cannot create a scratch directory: {}", ec.message());
    return ScratchDirectory(std::string(path));
  }
  ScratchDirectory(ScratchDirectory &&other) : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDirectory(const ScratchDirectory &) = delete;
  ScratchDirectory &operator=(const ScratchDirectory &) = delete;
  ScratchDirectory &operator=(ScratchDirectory &&) = delete;
  ~ScratchDirectory() {
    if (!path_.empty())
      llvm::sys::fs::remove_directories(path_);
  }
  const std::string &path() const { return path_; }

private:
  explicit ScratchDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Children still running when romfit is interrupted (Ctrl-C, SIGTERM) are
// ended, with their process groups, from LLVM's interrupt handler (SIGTERM,
// then SIGKILL after 2 s): a QEMU or make, or anything they started, must
// not outlive it.
void trackChild(pid_t pid);
void untrackChild(pid_t pid);
// The interrupt function (support/interrupt.h): signal-safe.
void endTrackedChildren();

// A running child (QEMU, make) that is killed and reaped however the scope is
// left, so a timeout, an error or a pass never leaves a process spinning.
class ChildProcess {
public:
  // stdin is empty; stdout and stderr go to files (the same path merges them).
  // The child leads a process group of its own, so stop() and an interrupt
  // end whatever it started too (make's compilers, ninja's linkers).
  static llvm::Expected<ChildProcess> start(const std::vector<std::string> &command,
                                            llvm::StringRef stdoutPath,
                                            llvm::StringRef stderrPath);
  ChildProcess(ChildProcess &&other) : info_(other.info_), running_(other.running_) {
    other.running_ = false;
  }
  ChildProcess(const ChildProcess &) = delete;
  ChildProcess &operator=(const ChildProcess &) = delete;
  ChildProcess &operator=(ChildProcess &&) = delete;
  ~ChildProcess() { stop(); }

  // The exit status once QEMU has ended on its own; never blocks.
  std::optional<int> exitStatus() {
    if (!running_)
      return exitStatus_;
    llvm::sys::ProcessInfo waited = llvm::sys::Wait(info_, 0, /*WaitUntilTerminates=*/false);
    if (waited.Pid == 0)
      return std::nullopt;
    untrackChild(info_.Pid);
    running_ = false;
    exitStatus_ = waited.ReturnCode;
    return exitStatus_;
  }

  void stop() {
    if (!running_)
      return;
    // SIGKILL: nothing the child holds is worth a graceful shutdown, and a
    // guest wedged in KVM may not honour SIGTERM promptly.
    ::kill(-info_.Pid, SIGKILL);
    llvm::sys::Wait(info_, 0, /*WaitUntilTerminates=*/true);
    untrackChild(info_.Pid);
    running_ = false;
  }

private:
  explicit ChildProcess(llvm::sys::ProcessInfo info) : info_(info) {}
  llvm::sys::ProcessInfo info_;
  bool running_ = true;
  std::optional<int> exitStatus_;
};

// Rereads a growing log only when it has grown.
class GrowingFile {
public:
  explicit GrowingFile(std::string path) : path_(std::move(path)) {}
  // True when the content changed since the last call.
  bool refresh() {
    uint64_t size = 0;
    if (llvm::sys::fs::file_size(path_, size) || size == size_)
      return false;
    auto buffer = llvm::MemoryBuffer::getFile(path_, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false,
                                              /*IsVolatile=*/true);
    if (!buffer)
      return false;
    size_ = size;
    text_ = (*buffer)->getBuffer().str();
    return true;
  }
  const std::string &text() const { return text_; }

private:
  std::string path_;
  uint64_t size_ = UINT64_MAX;
  std::string text_;
};

} // namespace romfit::support
