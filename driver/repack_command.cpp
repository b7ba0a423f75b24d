// romfit repack: the same ROM with its EFI drivers EFI-compressed, and the
// before/after budget table that shows what compression bought.
#include <fmt/format.h>

#include "report/budget.h"
#include "support/error.h"
#include "support/file_io.h"
#include "rom/pci_rom_repack.h"
#include "driver/command.h"
#include "driver/rom_report.h"

namespace romfit::driver {
namespace {

llvm::Expected<int> runRepack(const ParsedArguments &arguments) {
  auto output = arguments.get("--output");
  if (!output)
    return makeError("'romfit repack' needs -o OUT");
  auto budget = budgetOption(arguments);
  if (!budget)
    return budget.takeError();
  const std::string &input = arguments.positionals.front();
  auto bytes = readFileBytes(input);
  if (!bytes)
    return bytes.takeError();
  auto level = compressionLevelOption(arguments);
  if (!level)
    return level.takeError();
  auto repacked = pci::repack(*bytes, !arguments.has("--no-compress"), *level);
  if (!repacked)
    return withContext(repacked.takeError(), input);

  BudgetLine before = measureAgainstBudget(bytes->size(), *budget);
  BudgetLine after = measureAgainstBudget(repacked->rom.size(), *budget);
  fmt::print("{} -> {}\n", input, *output);
  fmt::print("  {:<10} {:>12} {:>12} {:>12}\n", "image", "before B", "after B", "change B");
  for (const pci::RepackedImage &image : repacked->images)
    fmt::print("  {:<10} {:>12} {:>12} {:>12}\n", image.kind, withThousands(image.before),
               withThousands(image.after), signedThousands(int64_t(image.after) - int64_t(image.before)));
  fmt::print("  {:<10} {:>12} {:>12} {:>12}\n", "total", withThousands(before.size),
             withThousands(after.size), signedThousands(int64_t(after.size) - int64_t(before.size)));
  fmt::print("  {:<10} {:>11.1f}% {:>11.1f}%\n", "of budget", before.percentOfBudget(),
             after.percentOfBudget());
  fmt::print("  {:<10} {:>12} {:>12}\n", "BAR", withThousands(before.barSize),
             withThousands(after.barSize));
  fmt::print("  {:<10} {:>12} {:>12}   (budget {} B)\n", "headroom", signedThousands(before.headroom),
             signedThousands(after.headroom), withThousands(*budget));
  if (!after.fits()) {
    fmt::print(stderr, "romfit repack: {} would be {} B over the {} B budget; nothing written\n",
               *output, withThousands(uint64_t(-after.headroom)), withThousands(*budget));
    return kExitCheckFailed;
  }
  if (llvm::Error error = writeFileAtomically(*output, repacked->rom))
    return error;
  return kExitOk;
}

RegisterCommand registration{
    CommandSpec{
        .name = "repack",
        .summary = "re-emit a ROM with its EFI drivers EFI-compressed, with a before/after budget table",
        .usage = "ROM -o OUT [--no-compress] [--level fast|optimal] [--budget SIZE]",
        .description = "Legacy images are kept byte for byte (only the last-image flag and its checksum\n"
        "change); every EFI image is unwrapped to its PE and wrapped again, compressed,\n"
        "with the same vendor, device, class and device list. Over budget: exit 1 and\n"
        "no output file.",
        .options = {
            {{"-o", "--output"}, "OUT", "where to write the repacked ROM"},
            {{"--no-compress"}, "", "wrap EFI drivers uncompressed"},
            {{"--level"}, "LEVEL", "EFI compression: optimal (smallest, default) or fast"},
            {{"--budget"}, "SIZE", "size budget (default 256KiB)"},
        },
        .minPositionals = 1,
        .maxPositionals = 1,
    },
    runRepack};

} // namespace
} // namespace romfit::driver
