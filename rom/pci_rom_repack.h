#pragma once
// Re-emitting an existing ROM with every EFI driver re-wrapped (compressed
// by default) and legacy images kept as they are: what a distribution does
// to ROMs built without EFI compression.
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

#include "compress/efi_compress.h"
#include "rom/pci_rom.h"

namespace romfit::pci {

struct RepackedImage {
  std::string kind;  // "legacy", "X64 EFI", ...
  uint64_t before = 0;
  uint64_t after = 0;
};

struct Repacked {
  Bytes rom;
  std::vector<RepackedImage> images;
};

llvm::Expected<Repacked> repack(llvm::ArrayRef<uint8_t> rom, bool compress,
                                efi::EfiLevel level = efi::EfiLevel::Optimal);

} // namespace romfit::pci
