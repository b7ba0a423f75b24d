// romfit bisect: the first commit where a ROM or image crosses a line.
#include "driver/command.h"
#include "driver/history_options.h"
#include "history/bisect.h"
#include "support/byte_sizes.h"
#include "support/error.h"

namespace romfit::driver {
namespace {

llvm::Expected<int> runBisectCommand(const ParsedArguments &arguments) {
  auto workspace = workspaceRequestFrom(arguments);
  if (!workspace)
    return workspace.takeError();
  if (workspace->romIds.size() != 1)
    return makeError("bisect follows one ROM: give --rom ID once");
  history::BisectRequest request;
  request.workspace = std::move(*workspace);
  request.workspace.progress = stderr;
  request.romId = request.workspace.romIds.front();
  auto good = arguments.get("--good"), bad = arguments.get("--bad");
  if (!good || !bad)
    return makeError("give --good A and --bad B");
  request.good = *good;
  request.bad = *bad;
  request.image = arguments.get("--of").value_or("");
  auto over = arguments.get("--over"), grew = arguments.get("--grew");
  if (bool(over) == bool(grew))
    return makeError("give --over SIZE or --grew BYTES (one of them)");
  auto size = parseByteSize(over ? *over : *grew);
  if (!size)
    return withContext(size.takeError(), over ? "--over" : "--grew");
  (over ? request.over : request.grew) = *size;

  auto result = history::runBisect(request);
  if (!result)
    return result.takeError();
  std::string what = request.image.empty() ? "ROM " + request.romId : request.romId + " " + request.image;
  fmt::print("crossed the line at: {} {}\n  {}: {} -> {} B ({})\n", result->first.id,
             result->first.subject, what, withThousands(result->before), withThousands(result->after),
             signedThousands(int64_t(result->after) - int64_t(result->before)));
  for (size_t i = 0; i < result->members.size() && i < 5; ++i)
    fmt::print("  {} {}\n", result->members[i].member, signedThousands(result->members[i].delta));
  fmt::print("{} builds for {} commits (at most {}: ceil(log2 of the range) + 2)\n", result->builds,
             result->rangeCommits, result->maximumBuilds);
  return kExitOk;
}

const RegisterCommand kBisect{
    CommandSpec{
        .name = "bisect",
        .summary = "the first iPXE commit where a ROM or image crosses a size",
        .usage = "--ipxe REPO --good A --bad B (--over SIZE | --grew BYTES) --rom ID [--of IMAGE]\n"
                 "       [--image KIND]... [--config NAME] [--rules FILE] -o DIR",
        .description =
            "Builds A and B, then halves the first-parent range between them until it finds the "
            "first commit whose ROM (or, with --of, one image: legacy, efi:x86_64, or "
            "\"efi:x86_64 unpruned\") is over SIZE bytes, or at least BYTES above A's. It builds "
            "at most ceil(log2 of the range) + 2 commits, fewer where a midpoint's changes since a "
            "built commit on either side cannot touch that commit's links (romfit history's rule: "
            "the midpoint then has its bytes, unbuilt). The builds and records are romfit "
            "history's: DIR may be a history's DIR, whose recorded commits are not built again.\n\n"
            "As git bisect does, it takes the size to cross the line once between A and B. Where it "
            "goes over, back and over again, the commit found crossed the line, but an earlier one "
            "may have too: romfit history over the range shows every step.",
        .options = [] {
          std::vector<OptionSpec> options = historyBuildOptionSpecs();
          options.insert(options.end(),
                         {{{"--good"}, "A", "a commit under the line"},
                          {{"--bad"}, "B", "a later commit past it"},
                          {{"--over"}, "SIZE", "the line: more than SIZE bytes (e.g. 256KiB)"},
                          {{"--grew"}, "BYTES", "the line: at least BYTES more than A"},
                          {{"--of"}, "IMAGE", "measure this image, not the whole ROM"}});
          return options;
        }(),
        .maxPositionals = 0,
    },
    runBisectCommand};

} // namespace
} // namespace romfit::driver
