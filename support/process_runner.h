#pragma once
// The one seam between romfit and the programs it runs (make, ninja, QEMU):
// orchestration asks a ProcessRunner, so tests can hand it a fake that
// records the commands and plays a program's part, the way ninja tests its
// builder against a fake command runner.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::support {

class RunningProcess {
public:
  virtual ~RunningProcess() = default;
  // The exit status once the process has ended on its own; never blocks.
  virtual std::optional<int> exitStatus() = 0;
  // Ends it, and whatever it started, if it is still running.
  virtual void stop() = 0;
};

class ProcessRunner {
public:
  virtual ~ProcessRunner() = default;
  // stdin is empty; stdout and stderr go to files (the same path merges them).
  virtual llvm::Expected<std::unique_ptr<RunningProcess>> start(
      const std::vector<std::string> &command, llvm::StringRef stdoutPath,
      llvm::StringRef stderrPath) = 0;
};

// Real child processes (support::ChildProcess): each leads a process group
// of its own, and is ended with it when romfit is interrupted.
ProcessRunner &systemProcessRunner();

// Waits for the process to end and returns its exit status, for callers with
// nothing to watch meanwhile (a build or boot that reads its output as it
// comes polls exitStatus itself). An interrupt stops the process and is an
// error (interruptedError).
llvm::Expected<int> waitForExit(RunningProcess &process);

} // namespace romfit::support
