// romfit catrom: iPXE's util/catrom.pl, which chains ROM files into one.
#include <cstdio>

#include <fmt/format.h>

#include "driver/command.h"
#include "rom/rom_assembly.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::driver {
namespace {

llvm::Expected<int> runCatrom(const ParsedArguments &arguments) {
  auto rom = pci::catromFiles(arguments.positionals);
  if (!rom)
    return rom.takeError();
  if (auto output = arguments.get("--output")) {
    if (llvm::Error error = writeFileAtomically(*output, *rom))
      return error;
    return kExitOk;
  }
  if (std::fwrite(rom->data(), 1, rom->size(), stdout) != rom->size() || std::fflush(stdout))
    return makeError("could not write the ROM to standard output");
  return kExitOk;
}

RegisterCommand registerCatrom(
    CommandSpec{
        .name = "catrom",
        .summary = "chain ROM files into one, as iPXE's catrom.pl does",
        .usage = "ROM... [-o OUT]   (without -o the ROM goes to standard output)",
        .description =
            "Concatenates the ROM files given, clearing the last-image flag of the final\n"
            "image of every file but the last (its checksum byte compensates when the\n"
            "image had a valid checksum). Like 'catrom.pl ROM... > OUT'; a link to romfit\n"
            "named catrom or catrom.pl runs this command.",
        .options = {{{"-o", "--output"}, "OUT", "write here (atomically) instead of standard output"}},
        .minPositionals = 1,
    },
    runCatrom);

} // namespace
} // namespace romfit::driver
