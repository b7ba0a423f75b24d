// romfit check: the CI gate. Exit 0 when every ROM fits (and grew no more
// than allowed), 1 when one does not, 2 on usage or input errors.
#include <cstdlib>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include "support/error.h"
#include "driver/command.h"
#include "driver/report_options.h"
#include "driver/rom_report.h"
#include "report/budget_check.h"
#include "report/report_format.h"

namespace romfit::driver {
namespace {

llvm::Error appendToStepSummary(const std::string &markdown) {
  const char *summaryPath = std::getenv("GITHUB_STEP_SUMMARY");
  if (!summaryPath || !*summaryPath)
    return llvm::Error::success();
  std::error_code error;
  llvm::raw_fd_ostream summary(summaryPath, error, llvm::sys::fs::OF_Append);
  if (error)
    return makeError("GITHUB_STEP_SUMMARY: cannot append to '{}': {}", summaryPath,
                     error.message());
  summary << markdown;
  return llvm::Error::success();
}

llvm::Expected<int> runCheck(const ParsedArguments &arguments) {
  report::CheckLimits limits;
  auto budget = budgetOption(arguments);
  if (!budget)
    return budget.takeError();
  limits.budget = *budget;
  std::optional<std::string> baseline = arguments.get("--baseline");
  if (auto text = arguments.get("--max-growth")) {
    if (!baseline)
      return makeError("--max-growth needs --baseline OLD to measure growth against");
    auto bytes = parseByteSize(*text);
    if (!bytes)
      return withContext(bytes.takeError(), "--max-growth");
    limits.maxGrowth = *bytes;
  }
  auto format = report::parseCheckFormat(arguments.get("--format").value_or("text"));
  if (!format)
    return format.takeError();

  auto checks = report::checkRomsNamedBy(arguments.positionals, baseline, limits);
  if (!checks)
    return checks.takeError();

  std::string text;
  switch (*format) {
  case report::CheckFormat::Json: text = report::jsonText(report::checkJson(*checks, limits)); break;
  case report::CheckFormat::Github:
    text = report::checkGithubAnnotations(*checks);
    if (llvm::Error error = appendToStepSummary(report::checkMarkdownSummary(*checks, limits)))
      return error;
    break;
  case report::CheckFormat::Text: text = report::checkText(*checks); break;
  }
  if (llvm::Error error = writeReportOutput(arguments, text))
    return error;
  return report::allPassed(*checks) ? kExitOk : kExitCheckFailed;
}

const RegisterCommand kCheck{
    CommandSpec{
        .name = "check",
        .summary = "fail when a ROM is over budget or grew too much (for CI)",
        .usage = "[--budget SIZE] [--max-growth SIZE --baseline OLD] [--format text|github|json] "
                "[-o FILE] ROM|OUTDIR...",
        .description = "Exit status 0 when every ROM fits its budget (and, with --max-growth, grew no "
                "more than allowed since --baseline), 1 when one does not, 2 on usage or input "
                "errors. A failure names the ROM, by how many bytes it failed, and the top "
                "contributors: what grew most since the baseline, or without one the largest "
                "members (sections for a ROM without build files).\n\n"
                "--baseline is a ROM, or a directory holding ROMs of the same names. "
                "--format github writes ::error/::notice workflow commands and appends a "
                "Markdown table to $GITHUB_STEP_SUMMARY when it is set; json follows "
                "docs/report-schema.md.",
        .options = {budgetSpec(),
                 {{"--max-growth"}, "SIZE", "fail when a ROM grew more than this since --baseline"},
                 {{"--baseline"}, "OLD", "the ROM (or directory of ROMs) to measure growth from"},
                 {{"--format"}, "FORMAT", "text|github|json"},
                 outputSpec()},
        .minPositionals = 1,
    },
    runCheck};

} // namespace
} // namespace romfit::driver
