#include "pipeline/make_runner.h"

#include <unistd.h>

#include <chrono>
#include <map>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>
#include <llvm/ADT/SmallVector.h>

#include "support/child_process.h"
#include "support/interrupt.h"
#include "pipeline/link_recipe.h"

namespace romfit::pipeline {

using support::Argv;
using support::joinCommand;

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

namespace {

// Any tool's run, as a make's is reported.
using ToolRun = MakeRun;

struct ToolJob {
  std::vector<std::string> command;
  std::string label;
  bool quiet = false;
};

// Runs the jobs at once, each with its own progress, until all have ended.
llvm::Expected<std::vector<ToolRun>> runAllToTheEnd(const std::vector<ToolJob> &jobs,
                                                    support::ProcessRunner &runner) {
  auto scratch = ScratchDirectory::create("romfit-" + (jobs.empty() ? "tool" : jobs.front().label));
  if (!scratch)
    return scratch.takeError();
  struct Running {
    std::unique_ptr<support::RunningProcess> process;
    GrowingFile output;
    Progress progress;
    std::optional<int> status;
  };
  std::vector<std::unique_ptr<Running>> running;
  for (size_t index = 0; index < jobs.size(); ++index) {
    std::string log = fmt::format("{}/output-{}.log", scratch->path(), index);
    auto started = runner.start(jobs[index].command, log, log);
    if (!started)
      return started.takeError();  // those started already are stopped as `running` goes
    running.push_back(std::make_unique<Running>(
        Running{std::move(*started), GrowingFile(log), Progress(jobs[index].label, jobs[index].quiet), {}}));
  }
  // A make with nothing to do ends in milliseconds, and a no-op build is
  // measured against make's own: the first polls come soon, then every 100 ms.
  auto pause = std::chrono::milliseconds(2);
  for (;;) {
    if (support::interruptSignal())
      return support::interruptedError();  // `running` stops what is left
    bool allEnded = true;
    for (auto &job : running) {
      if (!job->status)
        job->status = job->process->exitStatus();
      if (job->output.refresh())
        job->progress.update(job->output.text());
      allEnded = allEnded && job->status;
    }
    if (allEnded)
      break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
  std::vector<ToolRun> runs;
  for (auto &job : running) {
    job->output.refresh();
    job->progress.update(job->output.text() + "\n");
    job->progress.finish();
    runs.push_back(ToolRun{*job->status, job->output.text()});
  }
  return runs;
}

llvm::Expected<ToolRun> runToTheEnd(const std::vector<std::string> &command,
                                    llvm::StringRef label, bool quiet,
                                    support::ProcessRunner &runner) {
  auto runs = runAllToTheEnd({ToolJob{command, label.str(), quiet}}, runner);
  if (!runs)
    return runs.takeError();
  return std::move(runs->front());
}

llvm::Error toolFailed(llvm::StringRef label, const std::vector<std::string> &command,
                       const ToolRun &run) {
  return makeError("{} failed (exit status {}): {}\n--- last lines of its output ---\n{}",
                   label.str(), run.status, joinCommand(command), tail(run.output, 20));
}

llvm::Expected<std::vector<std::string>> makeCommand(const MakeInvocation &invocation,
                                                     llvm::ArrayRef<std::string> options) {
  auto make = findMake();
  if (!make)
    return make.takeError();
  std::vector<std::string> command{*make, "-C", invocation.directory};
  command.insert(command.end(), options.begin(), options.end());
  command.insert(command.end(), invocation.arguments.begin(), invocation.arguments.end());
  return command;
}

} // namespace

llvm::Expected<std::string> runWithProgress(const std::vector<std::string> &command,
                                            llvm::StringRef label, bool quiet,
                                            support::ProcessRunner &runner) {
  auto run = runToTheEnd(command, label, quiet, runner);
  if (!run)
    return run.takeError();
  if (run->status != 0)
    return toolFailed(label, command, *run);
  return run->output;
}

llvm::Expected<std::string> runMake(const MakeInvocation &invocation,
                                    support::ProcessRunner &runner) {
  auto command = makeCommand(invocation, {});
  if (!command)
    return command.takeError();
  return runWithProgress(*command, "make", invocation.quiet, runner);
}

llvm::Expected<std::vector<MakeRun>> runMakesTogether(const std::vector<MakeInvocation> &makes,
                                                      support::ProcessRunner &runner) {
  std::vector<ToolJob> jobs;
  for (const MakeInvocation &make : makes) {
    auto command = makeCommand(make, {});
    if (!command)
      return command.takeError();
    jobs.push_back({std::move(*command), "make", make.quiet});
  }
  return runAllToTheEnd(jobs, runner);
}

llvm::Error makeFailed(const MakeInvocation &invocation, const MakeRun &run) {
  auto command = makeCommand(invocation, {});
  if (!command)
    return command.takeError();
  return toolFailed("make", *command, run);
}

llvm::Expected<bool> makeTargetsUpToDate(const MakeInvocation &invocation,
                                         support::ProcessRunner &runner) {
  auto command = makeCommand(invocation, {"-q"});
  if (!command)
    return command.takeError();
  auto run = runToTheEnd(*command, "make", /*quiet=*/true, runner);
  if (!run)
    return run.takeError();
  // make -q: 0 up to date, 1 something to remake, 2 an error.
  if (run->status == 0 || run->status == 1)
    return run->status == 0;
  return toolFailed("make", *command, *run);
}

namespace {

bool isMakeOption(llvm::StringRef argument) {
  return argument.startswith("-") || argument.contains('=');
}

// The bin directory a target is in ("bin-x86_64-efi" for
// bin-x86_64-efi/blib.a), empty for one outside them (util/elf2efi64).
llvm::StringRef binDirOf(llvm::StringRef target) {
  llvm::StringRef first = target.split('/').first;
  return first == "bin" || first.startswith("bin-") ? first : llvm::StringRef();
}

// One make per bin directory that `make` builds, with its variables: iPXE's
// `make -q` for targets in several bin directories always answers "remake"
// (it builds each directory in a sub-make of a phony target), so whether a
// directory went stale is asked of each alone. Targets outside the bin
// directories go with the first.
std::vector<MakeInvocation> perBinDirectory(const MakeInvocation &make) {
  std::vector<std::string> options, binDirs;
  std::map<std::string, std::vector<std::string>> targets;
  for (const std::string &argument : make.arguments) {
    if (isMakeOption(argument)) {
      options.push_back(argument);
      continue;
    }
    std::string binDir = binDirOf(argument).str();
    if (!binDir.empty() && !llvm::is_contained(binDirs, binDir))
      binDirs.push_back(binDir);
    targets[binDir].push_back(argument);
  }
  if (binDirs.empty())
    binDirs.push_back("");
  else if (targets.count(""))
    llvm::append_range(targets[binDirs.front()], targets[""]);
  std::vector<MakeInvocation> makes;
  for (const std::string &binDir : binDirs) {
    MakeInvocation one{make.directory, options, make.quiet};
    llvm::append_range(one.arguments, targets[binDir]);
    makes.push_back(std::move(one));
  }
  return makes;
}

} // namespace

bool makeDidNothing(llvm::StringRef output, const MakeInvocation &invocation) {
  llvm::SmallVector<llvm::StringRef, 16> lines;
  output.split(lines, '\n', -1, /*KeepEmpty=*/false);
  std::vector<llvm::StringRef> saidUpToDate;
  for (llvm::StringRef line : lines) {
    line = line.trim();
    // make's own messages start "make: " or, from a sub-make, "make[1]: ".
    auto [program, message] = line.split(": ");
    if (!program.startswith("make") || message.size() == line.size())
      return false;
    if (message.startswith("Entering directory ") || message.startswith("Leaving directory "))
      continue;
    llvm::StringRef target;
    if (message.consume_front("Nothing to be done for ")) {
      target = message;
      if (!target.consume_back("."))
        return false;
    } else if (message.consume_back(" is up to date.")) {
      target = message;
    } else {
      return false;
    }
    // Quoted 'X' (make 4) or `X' (make 3).
    if (target.size() < 2 || !(target.startswith("'") || target.startswith("`")) ||
        !target.endswith("'"))
      return false;
    saidUpToDate.push_back(target.drop_front().drop_back());
  }
  // A silent recipe (an @-command that prints nothing) leaves no line of its
  // own, only the missing "up to date" for the target that it made.
  for (const std::string &argument : invocation.arguments)
    if (!isMakeOption(argument) && !llvm::is_contained(saidUpToDate, argument))
      return false;
  return true;
}

llvm::Error runMakesUntilSettled(const std::vector<MakeInvocation> &makes,
                                 support::ProcessRunner &runner) {
  bool anyDidWork = false;
  for (const MakeInvocation &make : makes) {
    auto built = runMake(make, runner);
    if (!built)
      return built.takeError();
    anyDidWork = anyDidWork || !makeDidNothing(*built, make);
  }
  // Makes that had nothing to do touched nothing another depends on.
  if (!anyDidWork)
    return llvm::Error::success();
  std::vector<MakeInvocation> directories;
  for (const MakeInvocation &make : makes)
    llvm::append_range(directories, perBinDirectory(make));
  if (directories.size() < 2)
    return llvm::Error::success();
  // A make can leave other directories stale, so after each run every other
  // directory is asked in turn; the round ends when all of them have
  // answered "up to date" since the last run. The first round asks every
  // directory, the last one built too when its make built several (an
  // earlier directory's first build in that same make can have left
  // it stale). Each directory made the others stale once (its first build);
  // twice that many re-runs is a tree that does not settle.
  bool lastMakeBuiltOneDirectory = perBinDirectory(makes.back()).size() == 1;
  size_t needed = directories.size() - (lastMakeBuiltOneDirectory ? 1 : 0), upToDateSinceLastRun = 0, reruns = 0;
  for (size_t index = 0; upToDateSinceLastRun < needed; index = (index + 1) % directories.size()) {
    auto upToDate = makeTargetsUpToDate(directories[index], runner);
    if (!upToDate)
      return upToDate.takeError();
    if (*upToDate) {
      ++upToDateSinceLastRun;
      continue;
    }
    if (++reruns > 2 * directories.size()) {
      auto command = makeCommand(directories[index], {});
      return makeError("make does not settle: after {} re-runs, `{}` still has targets to "
                       "remake once the other makes have run (does the Makefile rewrite a "
                       "shared file on every run?)",
                       reruns - 1, command ? joinCommand(*command) : "make");
    }
    if (auto built = runMake(directories[index], runner); !built)
      return built.takeError();
    upToDateSinceLastRun = 0;
    needed = directories.size() - 1;
  }
  return llvm::Error::success();
}

} // namespace romfit::pipeline
