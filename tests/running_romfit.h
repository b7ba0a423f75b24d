#pragma once
// A romfit started in the background, and what it may leave running: for
// the tests that kill or interrupt it mid-build.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>

#include "tests/test_support.h"

namespace romfit::testing {

// Its stdout and stderr in files.
class RunningRomfit {
public:
  RunningRomfit(const std::vector<std::string> &arguments, const std::string &stdoutPath,
                const std::string &stderrPath = "/dev/null") {
    std::vector<llvm::StringRef> argv{ROMFIT_BINARY};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    llvm::Optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef(stdoutPath),
                                                  llvm::StringRef(stderrPath)};
    process_ = llvm::sys::ExecuteNoWait(ROMFIT_BINARY, argv, llvm::None, redirects);
  }
  bool started() const { return process_.Pid > 0; }
  bool finished() {
    if (!done_ && ::waitpid(process_.Pid, &status_, WNOHANG) == process_.Pid)
      done_ = true;
    return done_;
  }
  // Sends `signal` unless it ended already, and waits for the end.
  void kill(int signal) {
    if (!finished()) {
      ::kill(process_.Pid, signal);
      ::waitpid(process_.Pid, &status_, 0);
      done_ = true;
    }
  }
  // The signal that ended it, or 0 when it exited.
  int endedBySignal() const { return done_ && WIFSIGNALED(status_) ? WTERMSIG(status_) : 0; }

private:
  llvm::sys::ProcessInfo process_;
  bool done_ = false;
  int status_ = 0;
};

// Polls until `ready` holds or the process ends.
template <typename Condition>
void waitFor(RunningRomfit &romfit, Condition ready,
             std::chrono::milliseconds poll = std::chrono::milliseconds(2)) {
  while (!ready() && !romfit.finished())
    std::this_thread::sleep_for(poll);
}

// Every process whose working directory lies under `directory`, or whose
// command line names it: what a killed `romfit build` may leave running
// (ninja's and make's children, QEMU booting OUTDIR's ROM). A scan of /proc
// that stops on an error (an entry gone while it is read) is made again: a
// partial scan would say nothing runs when something does.
inline std::vector<int> processesUsing(const std::string &directory) {
  std::vector<int> found;
  for (int attempt = 0; attempt < 5; ++attempt) {
    found.clear();
    std::error_code error;
    for (llvm::sys::fs::directory_iterator it("/proc", error), end; it != end && !error;
         it.increment(error)) {
      int pid = 0;
      if (llvm::StringRef(llvm::sys::path::filename(it->path())).getAsInteger(10, pid))
        continue;
      llvm::SmallString<256> cwd;
      bool inside = !llvm::sys::fs::real_path(it->path() + "/cwd", cwd) &&
                    llvm::StringRef(cwd).startswith(directory);
      std::string commandLine = readText(it->path() + "/cmdline");
      if (inside || commandLine.find(directory) != std::string::npos)
        found.push_back(pid);
    }
    if (!error)
      break;
  }
  return found;
}

// Waits until nothing runs in `directory` and still nothing does half a
// second later: one look at /proc can fall between a process that ends and
// the one it was about to start.
inline void waitUntilNothingRunsIn(const std::string &directory) {
  pollUntil(
      [&] {
        if (!processesUsing(directory).empty())
          return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        return processesUsing(directory).empty();
      },
      std::chrono::seconds(150));
  EXPECT_TRUE(processesUsing(directory).empty()) << "processes still run in " << directory;
}

} // namespace romfit::testing
