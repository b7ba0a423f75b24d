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
#include "driver/command.h"
#include "driver/rom_report.h"

namespace romfit::driver {
namespace {

struct OutputFile {
  std::string name;
  pci::Bytes bytes;
  std::string what;
};

std::string imageBaseName(size_t index, const pci::Image &image) {
  if (image.efi)
    return fmt::format("image{}-efi-{}", index, pe::machineFileTag(image.efi->machine));
  return fmt::format("image{}-{}", index, pci::codeTypeName(image.pcir.codeType));
}

llvm::Expected<std::vector<OutputFile>> planOutputs(const LoadedRom &loaded) {
  std::vector<OutputFile> outputs;
  for (size_t i = 0; i < loaded.rom.images.size(); ++i) {
    const pci::Image &image = loaded.rom.images[i];
    llvm::ArrayRef<uint8_t> bytes = pci::imageBytes(loaded.bytes, image);
    std::string base = imageBaseName(i, image);
    // Flagged last, each file is a ROM of its own: the legacy image of an
    // efi-*.rom comes out identical to the matching pxe-*.rom.
    pci::Bytes standalone(bytes.begin(), bytes.end());
    if (llvm::Error error = pci::setLastImageFlag(standalone, true))
      return withContext(std::move(error), loaded.path);
    outputs.push_back({base + (image.efi ? ".efirom" : ".rom"), std::move(standalone),
                       fmt::format("image {} ({})", i, describeImageType(image))});
    if (!image.efi)
      continue;
    auto pe = pci::extractPe(loaded.bytes, image);
    if (!pe)
      return withContext(pe.takeError(), loaded.path);
    outputs.push_back({base + ".efi", std::move(*pe),
                       fmt::format("PE of image {}{}", i,
                                   image.efi->isCompressed() ? ", decompressed" : "")});
  }
  return outputs;
}

llvm::Expected<int> runUnpack(const ParsedArguments &arguments) {
  auto directory = arguments.get("--output");
  if (!directory)
    return makeError("'romfit unpack' needs -o DIR");
  auto loaded = loadRom(arguments.positionals[0]);
  if (!loaded)
    return loaded.takeError();
  // Everything is decoded before the first file is written, so bad input
  // leaves nothing behind.
  auto outputs = planOutputs(*loaded);
  if (!outputs)
    return outputs.takeError();
  if (std::error_code error = llvm::sys::fs::create_directories(*directory))
    return makeError("{}: cannot create directory: {}", *directory, error.message());
  for (const OutputFile &output : *outputs) {
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
