#include "pipeline/ipxe_targets.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "support/error.h"

namespace romfit::pipeline {

std::string ImageKind::target(llvm::StringRef romId) const {
  return binDir + "/" + romId.lower() + "." + suffix;
}

std::string ImageKind::versionObject(llvm::StringRef romId) const {
  return binDir + "/version." + romId.lower() + "." + suffix + ".o";
}

namespace {
struct EfiArchitecture {
  const char *arch;
  const char *elf2efi;
  const char *crossExample;  // empty: the host's compiler builds it (x86 hosts)
  const char *compilerMacro;  // what gcc defines for it, for config overlays
};
// iPXE's bin-ARCH-efi directories; the 64-bit converter reads the machine
// (X64, AArch64, RISC-V64, LoongArch64) from the ELF header.
constexpr EfiArchitecture kEfiArchitectures[] = {
    {"x86_64", "util/elf2efi64", "", "__x86_64__"},
    {"i386", "util/elf2efi32", "", "__i386__"},
    {"arm64", "util/elf2efi64", "aarch64-linux-gnu-", "__aarch64__"},
    {"riscv64", "util/elf2efi64", "riscv64-linux-gnu-", "__riscv"},
    // Debian 12 has no compiler for it: the Debian 13 root's serves
    // (scripts/setup-debian13).
    {"loong64", "util/elf2efi64", "loongarch64-linux-gnu-", "__loongarch__"},
};
} // namespace

std::vector<std::string> imageKindNames() {
  std::vector<std::string> names{"legacy"};
  for (const EfiArchitecture &efi : kEfiArchitectures)
    names.push_back(std::string("efi:") + efi.arch);
  return names;
}

std::vector<std::string> crossArchitectures() {
  std::vector<std::string> arches;
  for (const EfiArchitecture &efi : kEfiArchitectures)
    if (*efi.crossExample)
      arches.push_back(efi.arch);
  return arches;
}

llvm::Expected<ImageKind> parseImageKind(llvm::StringRef name) {
  if (name == "legacy")
    return ImageKind{"legacy", false, "bin", "rom", "", false, "", "", ""};
  for (const EfiArchitecture &efi : kEfiArchitectures)
    if (name == std::string("efi:") + efi.arch)
      return ImageKind{name.str(), true, std::string("bin-") + efi.arch + "-efi", "efidrv",
                       efi.elf2efi, *efi.crossExample != 0, efi.arch, efi.crossExample,
                       efi.compilerMacro};
  return makeError("unknown image '{}' ({})", name.str(), llvm::join(imageKindNames(), ", "));
}

std::vector<ImageKind> defaultImageKinds() {
  std::vector<ImageKind> kinds;
  for (const char *name : {"legacy", "efi:i386", "efi:x86_64"})
    kinds.push_back(cantFail(parseImageKind(name)));
  return kinds;
}

llvm::Error checkRomId(llvm::StringRef romId) {
  if (romId.size() != 8 || !llvm::all_of(romId, llvm::isHexDigit))
    return makeError("'{}' is not a ROM ID (8 hex digits, vendor then device, e.g. 8086100e)",
                     romId.str());
  return llvm::Error::success();
}

llvm::Expected<std::string> findIpxeSourceDir(llvm::StringRef path) {
  if (!llvm::sys::fs::is_directory(path))
    return makeError("{}: no such directory", path.str());
  for (std::string candidate : {path.str(), (path + "/src").str()}) {
    // The linker-table header is what makes a tree iPXE-shaped.
    if (llvm::sys::fs::exists(candidate + "/Makefile") &&
        llvm::sys::fs::exists(candidate + "/include/ipxe/tables.h"))
      return candidate;
  }
  return makeError("{}: not an iPXE source tree (no Makefile and include/ipxe/tables.h "
                   "here or in src/)",
                   path.str());
}

namespace {
struct QemuNic { const char *romId, *device, *romFile; };
// QEMU's own pairing of NIC models and iPXE ROMs, and the names its
// roms/Makefile gives them in pc-bios/.
constexpr QemuNic kQemuNics[] = {
    {"8086100e", "e1000", "efi-e1000.rom"},
    {"808610d3", "e1000e", "efi-e1000e.rom"},
    {"80861209", "i82559er", "efi-eepro100.rom"},
    {"10500940", "ne2k_pci", "efi-ne2k_pci.rom"},
    {"10222000", "pcnet", "efi-pcnet.rom"},
    {"10ec8139", "rtl8139", "efi-rtl8139.rom"},
    {"1af41000", "virtio-net-pci", "efi-virtio.rom"},
    {"15ad07b0", "vmxnet3", "efi-vmxnet3.rom"},
};
} // namespace

const std::vector<std::string> &qemuNicRomIds() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> list;
    for (const QemuNic &nic : kQemuNics)
      list.push_back(nic.romId);
    return list;
  }();
  return ids;
}

std::string qemuNicModel(llvm::StringRef romId) {
  for (const QemuNic &nic : kQemuNics)
    if (romId.equals_insensitive(nic.romId))
      return nic.device;
  return "";
}

std::string qemuRomFileName(llvm::StringRef romId) {
  for (const QemuNic &nic : kQemuNics)
    if (romId.equals_insensitive(nic.romId))
      return nic.romFile;
  return "";
}

} // namespace romfit::pipeline
