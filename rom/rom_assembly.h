#pragma once
// What `romfit pack` chains and what `romfit unpack` writes, as data: the
// commands only read the files, call these and print.
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "rom/pci_rom.h"
#include "rom/pci_rom_pack.h"

namespace romfit::pci {

// "X64 EFI", "legacy x86", ...: an image's kind, as the tables print it.
std::string imageTypeText(const Image &image);

struct PackInput {
  Bytes image;         // one image, ready to chain
  std::string source;  // the file's name
  std::string detail;  // what it is, for the table
};

// The images of a ROM file, as they are.
llvm::Error appendRomImages(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes,
                            std::vector<PackInput> &inputs);

// An --efi input: an existing ROM's images as they are, or a PE driver
// wrapped as iPXE's efirom does (which needs vendor and device IDs).
llvm::Error appendEfiInput(llvm::StringRef path, llvm::ArrayRef<uint8_t> bytes,
                           const EfiWrapOptions &options, bool idsKnown,
                           std::vector<PackInput> &inputs);

struct UnpackedFile {
  std::string name;  // image0-legacy.rom, image1-efi-x64.efirom, image1-efi-x64.efi
  Bytes bytes;
  std::string what;
};

// Each image as a ROM of its own (flagged last), and each EFI image's PE,
// decompressed. Errors name `path`.
llvm::Expected<std::vector<UnpackedFile>> unpackRom(llvm::StringRef path,
                                                    llvm::ArrayRef<uint8_t> bytes,
                                                    const Rom &rom);

} // namespace romfit::pci
