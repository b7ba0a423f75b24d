#pragma once
// iPXE target knowledge: which make target and output directory serve each
// image kind of a QEMU ROM, and how to recognise an iPXE source tree.
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::pipeline {

struct ImageKind {
  std::string name;      // as --image takes it: "legacy", "efi:x86_64", ...
  bool efi = false;
  std::string binDir;    // iPXE's output directory: "bin", "bin-x86_64-efi", ...
  std::string suffix;    // "rom" or "efidrv"
  std::string elf2efi;   // the converter make builds: "util/elf2efi64"
  bool needsCross = false;  // its code is not the host's: make needs CROSS for it
  std::string arch;      // EFI images: iPXE's ARCH, as --cross ARCH=PREFIX names it
  std::string crossExample;  // a usual CROSS for it, for messages: "aarch64-linux-gnu-"
  std::string compilerMacro;  // EFI images: what gcc defines for its code: "__riscv"

  // e.g. bin-x86_64-efi/8086100e.efidrv
  std::string target(llvm::StringRef romId) const;
  std::string archive() const { return binDir + "/blib.a"; }
  std::string versionObject(llvm::StringRef romId) const;
};

// "legacy", "efi:x86_64", "efi:i386", "efi:arm64", "efi:riscv64", "efi:loong64".
llvm::Expected<ImageKind> parseImageKind(llvm::StringRef name);
// Every name parseImageKind takes, in that order.
std::vector<std::string> imageKindNames();
// The EFI architectures whose images need a cross compiler here: "arm64",
// "riscv64", "loong64".
std::vector<std::string> crossArchitectures();
// QEMU's: legacy + efi:i386 + efi:x86_64.
std::vector<ImageKind> defaultImageKinds();

// A PCI ROM ID as iPXE names targets: 8 hex digits, vendor then device.
llvm::Error checkRomId(llvm::StringRef romId);

// The directory holding iPXE's Makefile: SRC itself or SRC/src. The error
// says what was looked for.
llvm::Expected<std::string> findIpxeSourceDir(llvm::StringRef path);

// QEMU's eight NIC ROMs, for documentation and the measurement table.
const std::vector<std::string> &qemuNicRomIds();
// The QEMU device that loads a ROM ID's ROM ("e1000" for 8086100e), or empty.
std::string qemuNicModel(llvm::StringRef romId);
// The name QEMU ships a ROM ID's ROM under ("efi-e1000.rom"), or empty.
std::string qemuRomFileName(llvm::StringRef romId);

} // namespace romfit::pipeline
