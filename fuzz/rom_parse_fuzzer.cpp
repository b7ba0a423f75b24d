// The PCI expansion ROM parser on arbitrary files: the chain walk, every
// header, the EFI image's stream sizes, decompression and the PE summary
// (parse() does all of those), then the image splitting pack and repack use.
#include <cstddef>
#include <cstdint>

#include "rom/pci_rom.h"
#include "rom/pci_rom_pack.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::ArrayRef<uint8_t> bytes(data, size);
  auto rom = romfit::pci::parse(bytes);
  if (!rom) {
    llvm::consumeError(rom.takeError());
    return 0;
  }
  for (const romfit::pci::Image &image : rom->images) {
    if (!image.efi)
      continue;
    // parse() already summarised this PE; extracting it again is what
    // unpack does and must agree with what inspect reported.
    auto pe = romfit::pci::extractPe(bytes, image);
    if (!pe)
      llvm::consumeError(pe.takeError());
  }
  auto images = romfit::pci::splitImages(bytes);
  if (!images)
    llvm::consumeError(images.takeError());
  return 0;
}
