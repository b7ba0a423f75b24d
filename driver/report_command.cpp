// romfit report: every byte of a ROM attributed (ROM, image, section,
// member, symbol) with its raw and compressed size against the budget.
#include <cstdlib>

#include <fmt/format.h>
#include <llvm/Support/Process.h>

#include "support/file_io.h"
#include "driver/command.h"
#include "driver/report_options.h"
#include "driver/rom_report.h"
#include "report/report_format.h"
#include "report/rom_attribution.h"

namespace romfit::driver {
namespace {

llvm::Expected<int> runReport(const ParsedArguments &arguments) {
  auto budget = budgetOption(arguments);
  if (!budget)
    return budget.takeError();
  auto format = reportFormatOption(arguments, report::Format::Table);
  if (!format)
    return format.takeError();
  int defaultDepth =
      *format == report::Format::Table || *format == report::Format::Markdown ? 2 : report::kDepthAll;
  auto depth = depthOption(arguments, defaultDepth);
  if (!depth)
    return depth.takeError();

  auto level = compressionLevelOption(arguments);
  if (!level)
    return level.takeError();

  auto attributed = report::reportRomsNamedBy(arguments.positionals, *budget, *level);
  if (!attributed)
    return attributed.takeError();
  const std::vector<report::RomReport> &reports = *attributed;

  std::string text;
  switch (*format) {
  case report::Format::Table:
    text = report::reportTable(reports, *depth, textStyle(arguments));
    break;
  case report::Format::Json: text = report::jsonText(report::reportJson(reports, *depth)); break;
  case report::Format::Csv: text = report::reportCsv(reports, *depth); break;
  case report::Format::Markdown: text = report::reportMarkdown(reports, *depth); break;
  case report::Format::Html: text = report::reportHtml(reports); break;
  }
  if (llvm::Error error = writeReportOutput(arguments, text))
    return error;

  int status = kExitOk;
  for (const report::RomReport &report : reports)
    if (!report.budget.fits())
      status = kExitCheckFailed;
  return status;
}

const RegisterCommand kReport{
    CommandSpec{
        .name = "report",
        .summary = "attribute every byte of a ROM: images, sections, members, symbols",
        .usage = "[--format table|json|csv|markdown|html] [--depth N] [--budget SIZE] [--bytes] "
        "[--level fast|optimal] [-o FILE] ROM|EFIDRV|OUTDIR...",
        .description = "Attributes every byte of each ROM: ROM, then image (legacy, efi:x86_64, ...), then PE "
        "section, then archive member, then symbol. 'raw' is the row's bytes in the linked "
        "image; 'compressed' the bytes it occupies in the ROM file (inside an EFI-compressed "
        "image, the bits the stream really spent on the row's bytes); 'share' is the row's "
        "part of its image's compressed bytes. Headers, padding, alignment and relocation "
        "tables are rows of their own, and at every level the rows add up to the file "
        "exactly.\n\n"
        "Symbol detail comes from the linked ELF files and maps `romfit build` keeps beside "
        "each ROM (OUTDIR/ID/efi-ARCH/); a ROM without them (Debian's, say) is attributed down "
        "to PE sections, and the report says so. An OUTDIR names its *.rom files (not the "
        "*.unpruned.rom comparisons). An EFI driver file (.efidrv) is reported as a ROM "
        "would hold it: compressed by romfit at --level (default optimal; fast is about ten "
        "times quicker), without ROM header or padding.\n\n"
        "--depth counts from the ROM (0): 1 images, 2 sections, 3 members, 4 symbols; the "
        "default is 2 for table and markdown, everything for json, csv and html. Exit status "
        "1 when a ROM is over budget.",
        .options = {reportFormatSpec("table|json|csv|markdown|html"), depthSpec(), budgetSpec(), bytesSpec(),
         {{"--level"}, "LEVEL", "fast|optimal: how an EFI driver file is compressed (default optimal)"},
         outputSpec()},
        .minPositionals = 1,
    },
    runReport};

} // namespace
} // namespace romfit::driver
