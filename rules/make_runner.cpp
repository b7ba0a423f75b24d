#include "rules/make_runner.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>
#include <llvm/ADT/SmallVector.h>

#include "support/child_process.h"
#include "rules/link_recipe.h"

namespace romfit::rules {

using support::GrowingFile;
using support::ScratchDirectory;

llvm::Expected<std::string> findMake() {
  const char *fromEnvironment = std::getenv("MAKE");
  std::string name = fromEnvironment && *fromEnvironment ? fromEnvironment : "make";
  auto found = llvm::sys::findProgramByName(name);
  if (!found)
    return makeError("cannot find '{}' on PATH (install make)", name);
  return *found;
}

namespace {

// Shows what make is doing: on a terminal one line rewritten in place, else
// each new line as it is.
class Progress {
public:
  Progress(llvm::StringRef label, bool quiet)
      : label_(label.str()), quiet_(quiet), terminal_(::isatty(STDOUT_FILENO)) {}
  ~Progress() { finish(); }

  void update(llvm::StringRef output) {
    if (quiet_)
      return;
    llvm::StringRef fresh = output.drop_front(std::min(shown_, output.size()));
    size_t end = fresh.rfind('\n');
    if (end == llvm::StringRef::npos)
      return;
    llvm::SmallVector<llvm::StringRef, 16> lines;
    fresh.take_front(end).split(lines, '\n', -1, /*KeepEmpty=*/false);
    shown_ += end + 1;
    for (llvm::StringRef line : lines) {
      if (terminal_) {
        std::string text = line.trim().str();
        if (text.size() > 76)
          text = text.substr(0, 73) + "...";
        fmt::print("\r\033[K  {}: {}", label_, text);
        live_ = true;
      } else {
        fmt::print("  {}: {}\n", label_, line.rtrim().str());
      }
    }
    std::fflush(stdout);
  }

  void finish() {
    if (live_)
      fmt::print("\r\033[K");
    live_ = false;
    std::fflush(stdout);
  }

private:
  std::string label_;
  bool quiet_;
  bool terminal_;
  bool live_ = false;
  size_t shown_ = 0;
};

std::string tail(llvm::StringRef text, size_t lines) {
  size_t position = text.rtrim().size();
  for (size_t seen = 0; seen < lines && position > 0; ++seen) {
    size_t newline = text.rfind('\n', position - 1);
    if (newline == llvm::StringRef::npos) {
      position = 0;
      break;
    }
    position = newline;
  }
  return text.drop_front(position).trim().str();
}

} // namespace

llvm::Expected<std::string> runWithProgress(const std::vector<std::string> &command,
                                            llvm::StringRef label, bool quiet,
                                            support::ProcessRunner &runner) {
  auto scratch = ScratchDirectory::create("romfit-" + label.str());
  if (!scratch)
    return scratch.takeError();
  std::string log = scratch->path() + "/output.log";
  auto started = runner.start(command, log, log);
  if (!started)
    return started.takeError();
  std::unique_ptr<support::RunningProcess> process = std::move(*started);

  Progress progress(label, quiet);
  GrowingFile output(log);
  std::optional<int> status;
  while (!(status = process->exitStatus())) {
    if (output.refresh())
      progress.update(output.text());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  output.refresh();
  progress.update(output.text() + "\n");
  progress.finish();
  if (*status != 0)
    return makeError("{} failed (exit status {}): {}\n--- last lines of its output ---\n{}",
                     label.str(), *status, joinCommand(command), tail(output.text(), 20));
  return output.text();
}

llvm::Expected<std::string> runMake(const MakeInvocation &invocation,
                                    support::ProcessRunner &runner) {
  auto make = findMake();
  if (!make)
    return make.takeError();
  std::vector<std::string> command{*make, "-C", invocation.directory};
  command.insert(command.end(), invocation.arguments.begin(), invocation.arguments.end());
  return runWithProgress(command, "make", invocation.quiet, runner);
}

} // namespace romfit::rules
