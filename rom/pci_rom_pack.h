#pragma once
// Building PCI expansion ROMs the way iPXE's util/efirom.c and
// util/catrom.pl do: EFI drivers wrapped in an EFI ROM header and PCIR,
// images chained with the last-image flag on the final one only.
#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

#include "compress/efi_compress.h"
#include "rom/pci_rom.h"

namespace romfit::pci {

struct EfiWrapOptions {
  uint16_t vendor = 0;
  uint16_t device = 0;
  uint32_t classCode = kClassNetwork;
  std::vector<uint16_t> deviceList;  // non-empty: a PCI 3.0 PCIR with a device list
  bool compress = true;
  // What pack and build use: the smallest output; Fast is for speed.
  efi::EfiLevel level = efi::EfiLevel::Optimal;
};

struct WrappedEfi {
  Bytes image;
  uint16_t machine = 0;
  uint16_t subsystem = 0;
  uint64_t peSize = 0;
  bool compressed = false;  // false also when compression did not make it smaller
};

// efirom's layout: EFI ROM header (0x1C bytes), a PCI 2.2 PCIR at 0x1C, the
// checksum byte right after it, the PE at 0x38, zeros up to a multiple of
// 512. With a device list the PCIR is PCI 3.0 and the list follows the
// checksum byte.
llvm::Expected<WrappedEfi> wrapEfiDriver(llvm::ArrayRef<uint8_t> pe, const EfiWrapOptions &options);

// Each image of a ROM file, as its own bytes.
llvm::Expected<std::vector<Bytes>> splitImages(llvm::ArrayRef<uint8_t> rom);

// Sets or clears the PCIR last-image flag of the single image `image`, and
// compensates in the image's checksum byte (legacy: offset 6; EFI: the byte
// efirom reserves after the PCIR) so a valid checksum stays valid; an
// image whose checksum was not valid keeps its other bytes.
llvm::Error setLastImageFlag(llvm::MutableArrayRef<uint8_t> image, bool last);

// Chains images, flagging only the final one as last.
llvm::Expected<Bytes> chainImages(std::vector<Bytes> images);

} // namespace romfit::pci
