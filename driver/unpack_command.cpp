// romfit unpack: each image of a ROM as its own file, and the PE each EFI
// image carries.
#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "report/budget.h"
#include "support/error.h"
#include "support/file_io.h"
#include "rom/pci_rom.h"
#include "rom/pci_rom_pack.h"
#include "rom/pe_summary.h"
#include "rom/rom_assembly.h"
#include "driver/command.h"
#include "driver/rom_report.h"

namespace romfit::driver {
namespace {

llvm::Expected<int> runUnpack(const ParsedArguments &arguments) {
  auto directory = arguments.get("--output");
  if (!directory)
    return makeError("'romfit unpack' needs -o DIR");
  auto loaded = loadRom(arguments.positionals[0]);
  if (!loaded)
    return loaded.takeError();
  // Everything is decoded before the first file is written, so bad input
  // leaves nothing behind.
  auto outputs = pci::unpackRom(loaded->path, loaded->bytes, loaded->rom);
  if (!outputs)
    return outputs.takeError();
  if (std::error_code error = llvm::sys::fs::create_directories(*directory))
    return makeError("{}: cannot create directory: {}", *directory, error.message());
  for (const pci::UnpackedFile &output : *outputs) {
    llvm::SmallString<256> path(*directory);
    llvm::sys::path::append(path, output.name);
    if (llvm::Error error = writeFileAtomically(path, output.bytes))
      return error;
    fmt::print("wrote {} ({} B): {}\n", path.str().str(), withThousands(output.bytes.size()),
               output.what);
  }
  return kExitOk;
}

RegisterCommand registerUnpack(
    CommandSpec{
        .name = "unpack",
        .summary = "write each image of a PCI option ROM, and each EFI driver, to its own file",
        .usage = "ROM -o DIR",
        .description =
            "Each image is written as a ROM of its own (flagged as the last image, checksum\n"
            "kept valid): DIR/imageN-legacy.rom for legacy images and DIR/imageN-efi-MACHINE.efirom\n"
            "for EFI images, with the PE each EFI image carries as DIR/imageN-efi-MACHINE.efi\n"
            "(decompressed if the image is EFI-compressed). Creates DIR if missing.",
        .options = {{{"-o", "--output"}, "DIR", "directory for the extracted files"}},
        .minPositionals = 1,
        .maxPositionals = 1,
    },
    runUnpack);

} // namespace
} // namespace romfit::driver
