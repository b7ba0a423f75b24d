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

// Each file's images, in order (appendRomImages on each); errors name the file.
llvm::Error appendRomFiles(const std::vector<std::string> &paths, std::vector<PackInput> &inputs);

// Each --efi file as appendEfiInput takes it, every driver on a thread of its
// own (the optimal parse of an unpruned driver takes most of a second, and a
// ROM holds several), appended in the order given. Of several errors the
// first file's is returned.
llvm::Error appendEfiFiles(const std::vector<std::string> &paths, const EfiWrapOptions &options,
                           bool idsKnown, std::vector<PackInput> &inputs);

// iPXE's catrom.pl: the files' images chained as they are, except that the
// final image of every file but the last loses its last-image flag (its
// checksum byte compensates). Errors name the file.
llvm::Expected<Bytes> catromFiles(const std::vector<std::string> &paths);

// One row of what a ROM is made of, for the budget table.
struct RomPart {
  std::string label;   // "0 intel.rom", "padding"
  std::string detail;  // what it is
  uint64_t size = 0;
};

struct AssembledRom {
  Bytes bytes;
  std::vector<RomPart> parts;
};

// The inputs chained into one ROM (only the last flagged last), with a part
// per image.
llvm::Expected<AssembledRom> assembleRom(std::vector<PackInput> inputs);

// Zeros up to `size` (what QEMU maps in the BAR beyond the end of a ROM
// file), and a "padding" part when there are any. A size below the images'
// end is an error.
llvm::Error padRom(AssembledRom &rom, uint64_t size);

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
