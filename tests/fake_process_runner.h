#pragma once
// A ProcessRunner that runs nothing: it records each command and lets the
// test play the program's part (write its output files, choose its exit
// status), so orchestration is tested without make, ninja or QEMU.
#include <functional>
#include <string>
#include <vector>

#include "support/file_io.h"
#include "support/process_runner.h"

namespace romfit::testing {

struct FakeRun {
  std::vector<std::string> command;
  std::string stdoutPath, stderrPath;
};

class FakeProcessRunner : public support::ProcessRunner {
public:
  // Returns the exit status; nullopt plays a program that keeps running
  // until it is stopped.
  using Behaviour = std::function<std::optional<int>(const FakeRun &)>;
  explicit FakeProcessRunner(Behaviour behaviour) : behaviour_(std::move(behaviour)) {}

  llvm::Expected<std::unique_ptr<support::RunningProcess>> start(
      const std::vector<std::string> &command, llvm::StringRef stdoutPath,
      llvm::StringRef stderrPath) override {
    runs.push_back({command, stdoutPath.str(), stderrPath.str()});
    return std::make_unique<Process>(behaviour_(runs.back()), &stopped, &polls);
  }

  std::vector<FakeRun> runs;
  int stopped = 0;  // stop() on a process still running
  int polls = 0;    // exitStatus() calls, across all runs

private:
  class Process : public support::RunningProcess {
  public:
    Process(std::optional<int> status, int *stopped, int *polls)
        : status_(status), stopped_(stopped), polls_(polls) {}
    std::optional<int> exitStatus() override {
      ++*polls_;
      return status_;
    }
    void stop() override {
      if (!status_)
        ++*stopped_;
    }

  private:
    std::optional<int> status_;
    int *stopped_;
    int *polls_;
  };
  Behaviour behaviour_;
};

// The value of `name=` inside a QEMU option such as "file,id=console,path=X".
inline std::string optionValue(const std::vector<std::string> &command, llvm::StringRef name) {
  for (llvm::StringRef argument : command) {
    size_t at = argument.find(name.str() + "=");
    if (at != llvm::StringRef::npos)
      return argument.drop_front(at + name.size() + 1).split(',').first.str();
  }
  return "";
}

} // namespace romfit::testing
