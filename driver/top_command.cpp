// romfit top: sizes in the linked image, largest first.
#include <fmt/format.h>

#include "analysis/size_attribution.h"
#include "support/error.h"
#include "driver/analysis_options.h"
#include "driver/command.h"

namespace romfit::driver {
namespace {

using namespace analysis;

llvm::Expected<int> runTop(const ParsedArguments &arguments) {
  std::string by = arguments.get("--by").value_or("member");
  SizeGrouping grouping;
  if (by == "member")
    grouping = SizeGrouping::Member;
  else if (by == "section")
    grouping = SizeGrouping::Section;
  else if (by == "symbol")
    grouping = SizeGrouping::Symbol;
  else
    return makeError("--by takes member, section or symbol, not '{}'", by);
  auto reachable = wantsReachableView(arguments);
  if (!reachable)
    return reachable.takeError();
  auto limit = limitFrom(arguments, 40);
  if (!limit)
    return limit.takeError();
  auto loaded = loadAnalysis(arguments);
  if (!loaded)
    return loaded.takeError();
  const LinkAnalysis &analysis = **loaded;
  auto options = viewOptionsFrom(analysis, arguments);
  if (!options)
    return options.takeError();
  Liveness view = *reachable ? analysis.reachable(*options) : analysis.linker;
  std::vector<SizeRow> rows = attributeSizes(analysis.graph, view, grouping);
  uint64_t total = 0, totalFile = 0;
  for (const SizeRow &row : rows) {
    total += row.size;
    totalFile += row.fileSize;
  }
  size_t shown = std::min(rows.size(), *limit);
  if (arguments.has("--json")) {
    llvm::json::Array list;
    for (size_t i = 0; i < shown; ++i)
      list.push_back(llvm::json::Object{{"name", rows[i].name},
                                        {"member", rows[i].member},
                                        {"size", int64_t(rows[i].size)},
                                        {"fileSize", int64_t(rows[i].fileSize)},
                                        {"sections", int64_t(rows[i].sections)}});
    printJson(llvm::json::Object{{"by", by},
                                 {"view", *reachable ? "reachable" : "linker"},
                                 {"total", int64_t(total)},
                                 {"totalFile", int64_t(totalFile)},
                                 {"rows", std::move(list)}});
    return kExitOk;
  }
  fmt::print("{:>10} {:>10}  {}\n", "size", "file", by);
  for (size_t i = 0; i < shown; ++i)
    fmt::print("{:>10} {:>10}  {}\n", rows[i].size, rows[i].fileSize, rows[i].name);
  if (shown < rows.size())
    fmt::print("{:>10} {:>10}  ({} more)\n", "", "", rows.size() - shown);
  fmt::print("{:>10} {:>10}  total ({})\n", total, totalFile, humanBytes(total));
  return kExitOk;
}

std::vector<OptionSpec> topOptions() {
  auto options = analysisOptions(kWithJson | kWithView | kWithLimit | kWithCuts);
  options.push_back({{"--by"}, "GROUP", "member (default), section or symbol"});
  return options;
}

RegisterCommand registerTop(
    CommandSpec{
        .name = "top",
        .summary = "list sizes in the linked image, largest first",
        .usage = "[--by member|section|symbol] [OPTIONS] -- LDCMD...",
        .description = std::string("Sizes are the sh_size of allocated input sections the view keeps\n"
                            "(\"file\" leaves out .bss); alignment padding is not counted.\n\n") +
                    kLinkCommandHelp,
        .options = topOptions(),
        .maxPositionals = 0,
        .takesLinkerCommand = true,
    },
    runTop);

} // namespace
} // namespace romfit::driver
