// romfit efirom: the command lines of EDK2's EfiRom (as QEMU's roms/Makefile
// and Fedora's ipxe.spec call it) and of iPXE's util/efirom, so a packaging
// script can point its EFIROM at romfit without other changes.
#include <fmt/format.h>
#include <llvm/Support/Path.h>

#include "driver/command.h"
#include "driver/efirom_command_lines.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::driver {
namespace {

namespace edk2 = pci::edk2;

llvm::Expected<int> runEdk2(llvm::ArrayRef<std::string> arguments) {
  auto line = parseEdk2(arguments);
  if (!line)
    return line.takeError();
  if (line->dump) {
    const std::string &path = line->inputs.front().path;
    auto bytes = readFileBytes(path);
    if (!bytes)
      return bytes.takeError();
    auto text = edk2::dumpRom(*bytes, line->layout.pci23);
    if (!text)
      return withContext(text.takeError(), path);
    fmt::print("{}", *text);
    return kExitOk;
  }
  if (line->output.empty()) {
    llvm::SmallString<256> output(line->inputs.front().path);
    llvm::sys::path::replace_extension(output, ".rom");
    line->output = output.str().str();
  }
  auto rom = edk2::buildRomFromFiles(line->inputs, line->layout, line->output);
  if (!rom)
    return rom.takeError();
  if (llvm::Error error = writeFileAtomically(line->output, *rom))
    return error;
  if (line->verbose)
    fmt::print("wrote {} ({} B, {} images)\n", line->output, rom->size(), line->inputs.size());
  return kExitOk;
}

llvm::Expected<int> runIpxe(llvm::ArrayRef<std::string> arguments) {
  auto line = parseIpxeEfirom(arguments);
  if (!line)
    return line.takeError();
  auto pe = readFileBytes(line->input);
  if (!pe)
    return pe.takeError();
  auto wrapped = pci::wrapEfiDriver(*pe, line->options);
  if (!wrapped)
    return withContext(wrapped.takeError(), line->input);
  if (llvm::Error error = writeFileAtomically(line->output, wrapped->image))
    return error;
  return kExitOk;
}

llvm::Expected<int> runEfirom(const ParsedArguments &parsed) {
  llvm::ArrayRef<std::string> arguments = parsed.positionals;
  if (arguments.empty())
    return makeError("no arguments (see 'romfit efirom --help')");
  if (arguments.front() == "--edk2")
    return runEdk2(arguments.drop_front());
  if (arguments.front() == "--ipxe")
    return runIpxe(arguments.drop_front());
  if (arguments.front() == "--version") {
    fmt::print("romfit efirom: EDK2 EfiRom's and iPXE's efirom command lines\n");
    return kExitOk;
  }
  return looksLikeIpxe(arguments) ? runIpxe(arguments) : runEdk2(arguments);
}

RegisterCommand registerEfirom(
    CommandSpec{
        .name = "efirom",
        .summary = "EDK2's EfiRom and iPXE's efirom command lines, romfit's encoder behind -ec",
        .usage = "[--edk2|--ipxe] ARGUMENTS...",
        .description =
            "EDK2 EfiRom's form, as QEMU's roms/Makefile and Fedora's ipxe.spec use it:\n"
            "  romfit efirom -f VENDOR -i DEVICE [DEVICE...] [-p|--pci23] [-n]\n"
            "                [-l CLASS] [-r REV] [-b LEGACY]... [-e EFI]... [-ec EFI]... -o OUT\n"
            "  romfit efirom -d|--dump [-p] ROM\n"
            "Images follow in the order given; -l and -r apply to the next file (and to the\n"
            "one before it when that has none), as in EfiRom. -e stores a PE as it is, -ec\n"
            "EFI-compresses it with romfit's encoder; the layout is EfiRom's byte for byte\n"
            "(PCI 3.0 PCIR unless -p, a device list when -i gives two or more IDs, no\n"
            "checksum in EFI images). Numbers are decimal, or hexadecimal with 0x.\n"
            "\n"
            "iPXE util/efirom's form (IDs in hexadecimal; -c compresses):\n"
            "  romfit efirom [-v VENDOR] [-d DEVICE] [-c] IN OUT\n"
            "\n"
            "The form is told by the arguments: two file names with only -v, -d and -c are\n"
            "iPXE's; anything else is EfiRom's. --edk2 or --ipxe as the first argument\n"
            "settles it; so does the name romfit runs under: a link named EfiRom is\n"
            "EfiRom's form, one named efirom is iPXE's (catrom and catrom.pl are\n"
            "'romfit catrom'). Outputs are written whole or not at all.",
        .options = {},
        .rawArguments = true,
    },
    runEfirom);

} // namespace
} // namespace romfit::driver
