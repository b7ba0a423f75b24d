#pragma once
// Running iPXE's own make: progress while it works (a live line on a
// terminal, plain lines otherwise) and, when it fails, the command and the
// tail of its output.
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "support/process_runner.h"

namespace romfit::pipeline {

struct MakeInvocation {
  std::string directory;               // run as make -C directory
  std::vector<std::string> arguments;  // variables and targets
  bool quiet = false;                  // no progress (dry runs)
};

// The program to run: $MAKE when set, else make from PATH.
llvm::Expected<std::string> findMake();

// Returns make's combined output.
llvm::Expected<std::string> runMake(const MakeInvocation &invocation,
                                    support::ProcessRunner &runner = support::systemProcessRunner());

// How one of several makes run at once ended, and what it printed.
struct MakeRun {
  int status = 0;
  std::string output;
};

// Starts every make at once and waits for all of them. A make that fails is
// not an error here (its status says so; makeFailed words it): the caller
// knows which failures matter. Only makes that write no file another reads
// may run together: dry runs, and makes in bin directories of their own.
llvm::Expected<std::vector<MakeRun>> runMakesTogether(
    const std::vector<MakeInvocation> &makes,
    support::ProcessRunner &runner = support::systemProcessRunner());

// The error for a make that failed: its command and the tail of its output.
llvm::Error makeFailed(const MakeInvocation &invocation, const MakeRun &run);

// Asks make whether the invocation's targets are up to date (`make -q`),
// running nothing: true when they are, false when make would remake one.
llvm::Expected<bool> makeTargetsUpToDate(
    const MakeInvocation &invocation,
    support::ProcessRunner &runner = support::systemProcessRunner());

// True when make's output says it ran no command: only make's own
// "Entering/Leaving directory" lines, and an "is up to date" or "Nothing to
// be done" for every target the invocation names. Anything else (a command's
// output, a message in another language) counts as work.
bool makeDidNothing(llvm::StringRef output, const MakeInvocation &invocation);

// Runs each make in turn; when one of them did work, asks each bin
// directory again until none would remake
// anything, re-running those that would. One make can leave another's
// targets out of date: iPXE's make touches config/named.h, a header every
// object depends on, the first time it builds a bin directory, so the first
// build of bin-arm64-efi makes bin-x86_64-efi's objects stale. Settled here,
// the next build's makes find nothing to do. When none did any work,
// nothing can have gone stale and none is asked. A directory is asked
// (`make -q`) and rebuilt alone: a make may build several. The error names
// a make that never settles.
llvm::Error runMakesUntilSettled(
    const std::vector<MakeInvocation> &makes,
    support::ProcessRunner &runner = support::systemProcessRunner());

// Runs any build tool the same way: progress lines prefixed with `label`,
// and on failure an error with the command and the tail of its output.
llvm::Expected<std::string> runWithProgress(
    const std::vector<std::string> &command, llvm::StringRef label, bool quiet,
    support::ProcessRunner &runner = support::systemProcessRunner());

} // namespace romfit::pipeline
