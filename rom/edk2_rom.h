#pragma once
// PCI option ROMs laid out as EDK2's EfiRom lays them out, so romfit can
// stand in for it in QEMU's roms/Makefile and Fedora's ipxe.spec. The
// layout differs from iPXE's efirom (rom/pci_rom_pack.h): PCI 3.0 PCIR by
// default, no checksum in EFI images, an uncompressed PE pushed to the end
// of its image behind 0xFF padding, and class code and code revision taken
// from the command line per file.
#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

#include "compress/efi_compress.h"
#include "rom/pci_rom.h"

namespace romfit::pci::edk2 {

enum class InputKind {
  Binary,         // -b: a ROM image (legacy, or an EFI image already wrapped)
  Efi,            // -e: a PE, stored as it is
  EfiCompressed,  // -ec: a PE, EFI-compressed
};

struct Input {
  std::string path;
  InputKind kind = InputKind::Binary;
  uint32_t classCode = 0;
  uint16_t codeRevision = 0;
};

struct Layout {
  uint16_t vendor = 0;
  std::vector<uint16_t> devices;  // the first goes in the PCIR; two or more also make a list
  bool pci23 = false;             // -p: PCI 2.3 data structures, no device list
  bool flagLast = true;           // -n clears it: no image is marked last
  efi::EfiLevel level = efi::kDefaultLevel;
};

// EfiRom's -b: the image as given, its PCIR image length and last-image
// flag rewritten, the file's final byte made the checksum (non-EFI code
// types only), then 0xFF up to a multiple of 512.
llvm::Expected<Bytes> binaryImage(llvm::ArrayRef<uint8_t> file, const Layout &layout, bool last);

// EfiRom's -e and -ec: EFI ROM header, PCIR (and device list), the PE.
llvm::Expected<Bytes> efiImage(llvm::ArrayRef<uint8_t> pe, const Input &input,
                               const Layout &layout, bool last);

// The whole ROM, images in the order given; errors name the input's path.
llvm::Expected<Bytes> buildRom(const std::vector<Input> &inputs,
                               const std::vector<Bytes> &contents, const Layout &layout);

// The same, reading each input's file; an input that is `output` itself
// (compared as EfiRom does: the same directory, the name in any case) is an
// error before anything is read.
llvm::Expected<Bytes> buildRomFromFiles(const std::vector<Input> &inputs, const Layout &layout,
                                        llvm::StringRef output);

// EfiRom's --dump text for a ROM file: each image's ROM header, PCIR and,
// for EFI images, the EFI header fields. `pci23` reads PCI 2.3 structures.
llvm::Expected<std::string> dumpRom(llvm::ArrayRef<uint8_t> rom, bool pci23);

// EfiRom's number syntax: 0x-prefixed hexadecimal, else decimal.
llvm::Expected<uint64_t> parseNumber(llvm::StringRef text);

} // namespace romfit::pci::edk2
