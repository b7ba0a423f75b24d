#include "support/process_runner.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "support/child_process.h"
#include "support/interrupt.h"

namespace romfit::support {
namespace {

class SystemProcess : public RunningProcess {
public:
  explicit SystemProcess(ChildProcess child) : child_(std::move(child)) {}
  std::optional<int> exitStatus() override { return child_.exitStatus(); }
  void stop() override { child_.stop(); }

private:
  ChildProcess child_;
};

class SystemProcessRunner : public ProcessRunner {
public:
  llvm::Expected<std::unique_ptr<RunningProcess>> start(const std::vector<std::string> &command,
                                                        llvm::StringRef stdoutPath,
                                                        llvm::StringRef stderrPath) override {
    auto child = ChildProcess::start(command, stdoutPath, stderrPath);
    if (!child)
      return child.takeError();
    return std::make_unique<SystemProcess>(std::move(*child));
  }
};

} // namespace

ProcessRunner &systemProcessRunner() {
  static SystemProcessRunner runner;
  return runner;
}

llvm::Expected<int> waitForExit(RunningProcess &process) {
  auto pause = std::chrono::milliseconds(5);
  while (true) {
    if (std::optional<int> status = process.exitStatus())
      return *status;
    if (interruptSignal()) {
      process.stop();
      return interruptedError();
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(200));
  }
}

} // namespace romfit::support
