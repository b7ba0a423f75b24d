// romfit inspect: every image of a PCI expansion ROM and the ROM against
// its size budget.
#include <fmt/format.h>

#include "report/budget.h"
#include "report/rom_inspection.h"
#include "driver/command.h"
#include "driver/rom_report.h"

namespace romfit::driver {
namespace {

llvm::Expected<int> runInspect(const ParsedArguments &arguments) {
  auto budget = budgetOption(arguments);
  if (!budget)
    return budget.takeError();
  bool json = arguments.has("--json");
  int status = kExitOk;
  for (const std::string &path : arguments.positionals) {
    if (!json && &path != &arguments.positionals.front())
      fmt::print("\n");
    auto loaded = loadRom(path);
    if (!loaded)
      return loaded.takeError();
    BudgetLine line = measureAgainstBudget(loaded->rom.fileSize, *budget);
    if (json)
      fmt::print("{}\n", report::romInspectionJson(loaded->path, loaded->rom, line));
    else
      fmt::print("{}", report::romInspectionText(loaded->path, loaded->rom, line));
    if (!line.fits())
      status = kExitCheckFailed;
  }
  return status;
}

RegisterCommand registerInspect(
    CommandSpec{
        .name = "inspect",
        .summary = "show the images of PCI option ROMs and their size against the budget",
        .usage = "[--json] [--budget SIZE] ROM...",
        .description =
            "Walks each ROM image by image: offset, length, code type, vendor/device, class,\n"
            "device list, last-image flag and checksum; for legacy images the init size and\n"
            "the $PnP, UNDI and iPXE headers; for EFI images machine, subsystem, compression\n"
            "and the PE inside. Ends with the total against the budget, the BAR size QEMU\n"
            "would map (next power of two) and the headroom. Exit status 1 when a ROM is\n"
            "over budget.",
        .options = {{{"--json"}, "", "one JSON document per ROM, one per line"},
                    {{"--budget"}, "SIZE", "size budget (default 256KiB)"}},
        .minPositionals = 1,
    },
    runInspect);

} // namespace
} // namespace romfit::driver
