// romfit diff: what changed between two ROMs or two build directories.
#include "support/error.h"
#include "driver/command.h"
#include "driver/report_options.h"
#include "driver/rom_report.h"
#include "report/diff_format.h"
#include "report/rom_attribution.h"
#include "report/rom_diff.h"

namespace romfit::driver {
namespace {

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

  auto compared = report::diffRomsNamedBy(arguments.positionals[0], arguments.positionals[1],
                                           *budget);
  if (!compared)
    return compared.takeError();
  const std::vector<report::RomDiff> &diffs = compared->diffs;

  std::string text;
  switch (*format) {
  case report::Format::Json: text = report::jsonText(report::diffJson(diffs)); break;
  case report::Format::Csv: text = report::diffCsv(diffs); break;
  case report::Format::Markdown: text = report::diffMarkdown(diffs, limit); break;
  case report::Format::Table: text = report::diffTable(diffs, limit, textStyle(arguments)); break;
  case report::Format::Html: return makeError("--format: diff writes table, json, csv or markdown");
  }
  if (llvm::Error error = writeReportOutput(arguments, text))
    return error;
  return kExitOk;
}

const RegisterCommand kDiff{
    CommandSpec{
        .name = "diff",
        .summary = "what grew, shrank, appeared or went between two ROMs or build dirs",
        .usage = "[--format table|json|csv|markdown] [--limit N] [--budget SIZE] [-o FILE] OLD NEW",
        .description = "Compares two ROMs (or the ROMs of the same name in two build directories) row by "
                "row: images, sections, members and symbols, matched by name. Each level lists "
                "what was added, removed, grew or shrank, sorted by the change in raw bytes, "
                "with the change in the ROM's compressed bytes beside it. The summary line is "
                "bloat-o-meter's, over the finest level both ROMs have: 'add/remove: a/r "
                "grow/shrink: g/s up/down: u/-d (total)' in raw bytes; the ROM line gives the "
                "file sizes and the budget headroom before and after.\n\n--limit shows the "
                "largest N changes per level (default 40 for table and markdown; 0 for all).",
        .options = {reportFormatSpec("table|json|csv|markdown"),
                 {{"--limit"}, "N", "largest N changes per level (0: all)"},
                 budgetSpec(),
                 bytesSpec(),
                 outputSpec()},
        .minPositionals = 2,
        .maxPositionals = 2,
    },
    runDiff};

} // namespace
} // namespace romfit::driver
