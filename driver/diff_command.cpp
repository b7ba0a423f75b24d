// romfit diff: what changed between two ROMs or two build directories.
#include <map>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "support/error.h"
#include "driver/command.h"
#include "driver/report_options.h"
#include "driver/rom_report.h"
#include "report/diff_format.h"
#include "report/rom_attribution.h"
#include "report/rom_diff.h"

namespace romfit::driver {
namespace {

// Pairs OLD and NEW: two ROMs, or the ROMs of the same name in two dirs.
llvm::Expected<std::vector<std::pair<std::string, std::string>>>
pairRoms(const std::string &before, const std::string &after) {
  bool beforeIsDir = llvm::sys::fs::is_directory(before);
  if (beforeIsDir != llvm::sys::fs::is_directory(after))
    return makeError("diff: '{}' and '{}' must both be ROMs or both be build directories", before,
                     after);
  if (!beforeIsDir)
    return std::vector<std::pair<std::string, std::string>>{{before, after}};
  auto oldRoms = report::romsNamedBy(before);
  if (!oldRoms)
    return oldRoms.takeError();
  auto newRoms = report::romsNamedBy(after);
  if (!newRoms)
    return newRoms.takeError();
  std::map<std::string, std::string> newByName;
  for (const std::string &rom : *newRoms)
    newByName[llvm::sys::path::filename(rom).str()] = rom;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string &rom : *oldRoms) {
    auto match = newByName.find(llvm::sys::path::filename(rom).str());
    if (match != newByName.end())
      pairs.emplace_back(rom, match->second);
  }
  if (pairs.empty())
    return makeError("diff: no ROM of the same name in '{}' and '{}'", before, after);
  return pairs;
}

llvm::Expected<int> runDiff(const ParsedArguments &arguments) {
  auto budget = budgetOption(arguments);
  if (!budget)
    return budget.takeError();
  auto format = reportFormatOption(arguments, report::Format::Table);
  if (!format)
    return format.takeError();
  if (*format == report::Format::Html)
    return makeError("--format: diff writes table, json, csv or markdown");
  size_t limit = *format == report::Format::Table || *format == report::Format::Markdown ? 40 : 0;
  if (auto text = arguments.get("--limit"))
    if (llvm::StringRef(*text).getAsInteger(10, limit))
      return makeError("--limit: '{}' is not a number", *text);

  auto pairs = pairRoms(arguments.positionals[0], arguments.positionals[1]);
  if (!pairs)
    return pairs.takeError();
  // Diffs point into the reports, so the reports are all made first.
  std::vector<report::RomReport> reports;
  for (const auto &[before, after] : *pairs)
    for (const std::string &path : {before, after}) {
      auto attributed = report::attributeRom(path, *budget);
      if (!attributed)
        return attributed.takeError();
      reports.push_back(std::move(*attributed));
    }
  std::vector<report::RomDiff> diffs;
  for (size_t i = 0; i + 1 < reports.size(); i += 2)
    diffs.push_back(report::diffReports(reports[i], reports[i + 1]));

  std::string text;
  switch (*format) {
  case report::Format::Json: text = report::jsonText(report::diffJson(diffs)); break;
  case report::Format::Csv: text = report::diffCsv(diffs); break;
  case report::Format::Markdown: text = report::diffMarkdown(diffs, limit); break;
  default: text = report::diffTable(diffs, limit, textStyle(arguments)); break;
  }
  if (llvm::Error error = writeReportOutput(arguments, text))
    return error;
  return kExitOk;
}

const RegisterCommand kDiff{
    CommandSpec{"diff",
                "what grew, shrank, appeared or went between two ROMs or build dirs",
                "[--format table|json|csv|markdown] [--limit N] [--budget SIZE] [-o FILE] OLD NEW",
                "Compares two ROMs (or the ROMs of the same name in two build directories) row by "
                "row: images, sections, members and symbols, matched by name. Each level lists "
                "what was added, removed, grew or shrank, sorted by the change in raw bytes, "
                "with the change in the ROM's compressed bytes beside it. The summary line is "
                "bloat-o-meter's, over the finest level both ROMs have: 'add/remove: a/r "
                "grow/shrink: g/s up/down: u/-d (total)' in raw bytes; the ROM line gives the "
                "file sizes and the budget headroom before and after.\n\n--limit shows the "
                "largest N changes per level (default 40 for table and markdown; 0 for all).",
                {reportFormatSpec("table|json|csv|markdown"),
                 {{"--limit"}, "N", "largest N changes per level (0: all)"},
                 budgetSpec(),
                 bytesSpec(),
                 outputSpec()},
                2,
                2},
    runDiff};

} // namespace
} // namespace romfit::driver
