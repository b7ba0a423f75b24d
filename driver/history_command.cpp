// romfit history: bytes per ROM, image and member over a range of iPXE
// commits, and the commits that moved them.
#include <llvm/Support/FormatVariadic.h>

#include "driver/command.h"
#include "driver/history_options.h"
#include "driver/rom_report.h"
#include "history/history_run.h"
#include "support/byte_sizes.h"
#include "support/error.h"

namespace romfit::driver {
namespace {

llvm::Expected<int> runHistoryCommand(const ParsedArguments &arguments) {
  auto workspace = workspaceRequestFrom(arguments);
  if (!workspace)
    return workspace.takeError();
  auto budget = budgetOption(arguments);
  if (!budget)
    return budget.takeError();
  history::HistoryRequest request;
  request.workspace = std::move(*workspace);
  request.workspace.progress = stderr;
  request.budget = *budget;
  request.everyCommit = arguments.has("--every");
  auto range = arguments.get("--range");
  auto last = arguments.get("--last");
  request.tags = arguments.has("--tags");
  if (int(bool(range)) + int(bool(last)) + int(request.tags) != 1)
    return makeError("give --range A..B, --last N or --tags (one of them)");
  if (range)
    request.range = *range;
  else if (last && (llvm::StringRef(*last).getAsInteger(10, request.last) || request.last == 0))
    return makeError("--last: '{}' is not a number of commits", *last);
  if (auto stride = arguments.get("--stride"))
    if (llvm::StringRef(*stride).getAsInteger(10, request.stride) || request.stride == 0)
      return makeError("--stride: '{}' is not a number of commits", *stride);
  if (auto locate = arguments.get("--locate")) {
    auto bytes = parseByteSize(*locate);
    if (!bytes)
      return withContext(bytes.takeError(), "--locate");
    if (*bytes == 0)
      return makeError("--locate: give a step of at least 1 byte");
    request.locate = *bytes;
  }
  std::string format = arguments.get("--format").value_or("text");
  if (format != "text" && format != "markdown" && format != "json")
    return makeError("--format: '{}' is not text, markdown or json", format);
  size_t limit = 10;
  if (auto text = arguments.get("--limit"))
    if (llvm::StringRef(*text).getAsInteger(10, limit))
      return makeError("--limit: '{}' is not a number", *text);

  auto result = history::runHistory(request);
  if (!result)
    return result.takeError();
  if (format == "json")
    fmt::print("{}\n", llvm::formatv("{0:1}", history::moversJson(result->movers)).str());
  else if (format == "markdown")
    fmt::print("{}", history::moversMarkdown(result->movers, limit));
  else
    fmt::print("{}", history::moversText(result->movers, limit));
  if (!result->located.empty())
    fmt::print("\nsteps of at least {} B between samples, located:\n{}", withThousands(*request.locate),
               history::locatedStepsText(result->located));
  const std::string &dir = request.workspace.directory;
  fmt::print(stderr,
             "{} commits: {} built, {} skipped as unable to change a ROM, {} failed to build, "
             "{} already recorded\n{}/history.json, {}/history.html, {}/movers.{{txt,md,json}}\n",
             result->ordered.size(), result->built, result->skipped, result->failed,
             result->alreadyRecorded, dir, dir, dir);
  return kExitOk;
}

const RegisterCommand kHistory{
    CommandSpec{
        .name = "history",
        .summary = "bytes per ROM, image and member over iPXE's commits, and what moved them",
        .usage = "--ipxe REPO (--range A..B | --last N | --tags) [--stride K [--locate BYTES]]\n"
                 "       (--rom ID... | --rom-set qemu) [--image KIND]... [--config NAME] [--rules FILE]\n"
                 "       [--every] [--format text|markdown|json] [--limit N] -o DIR",
        .description =
            "Measures every commit of the range (A..B along B's first parents, or the last N of the "
            "repository's HEAD), oldest first. Each commit that needs it is built by romfit build "
            "(--no-verify unless --verify) in a work tree of DIR's own (DIR/worktree, a git worktree: "
            "the repository's own checkout is never touched), incrementally, into DIR/build; its "
            "ROM, image and member bytes, pruned and unpruned, are appended to DIR/history.json.\n\n"
            "A commit is built only when it can change a ROM: when, since the last built commit, it "
            "changes a file one of that commit's links depends on (the sources and headers of every "
            "linked object, from make's dependency files), the build system (Makefiles, linker "
            "scripts, config/, util/, scripts/), a driver's PCI_ROM line naming the ROM, or adds, "
            "removes or renames a file. Every other commit is recorded as skipped, with the reason "
            "and the built commit whose bytes it has. Where the rule cannot be applied (a linked "
            "object no dependency file describes, a build that failed) the next commit is built. "
            "--every builds every commit: the brute force to check the rule against.\n\n"
            "The builds run without git (a version string that quoted the commit would differ at every commit) and with "
            "SOURCE_DATE_EPOCH=1700000000 unless it is set, so a commit's bytes depend on its "
            "files alone.\n\n"
            "A rerun with the same DIR builds only the commits history.json lacks: an interrupted "
            "run resumes, and a longer range adds to a shorter one. Then it writes the movers (each "
            "image change against the commit before, with its top three member and symbol changes; "
            "each built commit's symbols are kept in DIR/symbols) to "
            "DIR/movers.txt, .md and .json, and prints the largest --limit (default 10), and "
            "DIR/history.html: a chart of bytes per image over the commits with the budget line.\n\n"
            "The long view: --tags measures iPXE's release tags (v*, reachable from HEAD) and HEAD; "
            "--stride K every K-th commit of the range (and its last). With --locate BYTES, each move "
            "of at least BYTES in a pruned image between two neighbouring samples is bisected to a "
            "commit that is BYTES or more from the earlier sample while its parent is not (romfit "
            "bisect's search, in the same DIR), printed and written to DIR/located.json. A sampled "
            "history can miss growth that a later commit in the same gap undid, and where the size "
            "crossed the line more than once in a gap, the commit found is one of the crossings: "
            "only the full range sees every step.",
        .options = [] {
          std::vector<OptionSpec> options = historyBuildOptionSpecs();
          options.insert(options.end(),
                         {{{"--range"}, "A..B", "the commits after A up to B"},
                          {{"--last"}, "N", "the last N commits of HEAD"},
                          {{"--tags"}, "", "iPXE's release tags (v*) reachable from HEAD, then HEAD"},
                          {{"--stride"}, "K", "every K-th commit of the range, and its last"},
                          {{"--locate"}, "BYTES", "bisect each move of at least BYTES between samples"},
                          {{"--every"}, "", "build every commit, skipping none"},
                          {{"--budget"}, "SIZE", "the chart's budget line (default 256KiB)"},
                          {{"--format"}, "FORMAT", "the movers on stdout: text (default), markdown or json"},
                          {{"--limit"}, "N", "the largest N movers (default 10; 0 all)"}});
          return options;
        }(),
        .maxPositionals = 0,
    },
    runHistoryCommand};

} // namespace
} // namespace romfit::driver
