#include "verify/firmware.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringExtras.h>

#include "support/error.h"

namespace romfit::verify {

llvm::StringRef firmwareName(Firmware firmware) {
  switch (firmware) {
  case Firmware::SeaBios:
    return "seabios";
  case Firmware::Ovmf:
    return "ovmf";
  case Firmware::Ovmf32:
    return "ovmf32";
  case Firmware::Aavmf:
    return "aavmf";
  }
  return "unknown";
}

bool isUefi(Firmware firmware) { return firmware != Firmware::SeaBios; }

llvm::Expected<std::vector<Firmware>> parseFirmwareSelection(llvm::StringRef text) {
  if (text == "all")
    return std::vector<Firmware>(std::begin(kAllFirmwares), std::end(kAllFirmwares));
  if (text == "both")
    return std::vector<Firmware>{Firmware::SeaBios, Firmware::Ovmf};
  std::vector<Firmware> selected;
  llvm::SmallVector<llvm::StringRef, 4> names;
  text.split(names, ',');
  for (llvm::StringRef name : names) {
    auto known = llvm::find_if(kAllFirmwares, [&](Firmware f) { return firmwareName(f) == name; });
    if (known == std::end(kAllFirmwares))
      return makeError("unknown firmware '{}' (expected seabios, ovmf, ovmf32, aavmf, a "
                       "comma-separated list of them, all or both)",
                       name.str());
    if (!llvm::is_contained(selected, *known))
      selected.push_back(*known);
  }
  return selected;
}

FirmwareFiles defaultFirmwareFiles(Firmware firmware) {
  switch (firmware) {
  case Firmware::SeaBios:
    return {"qemu-system-x86_64", "qemu-system-x86", "/usr/share/seabios/bios-256k.bin", "",
            "seabios"};
  case Firmware::Ovmf:
    return {"qemu-system-x86_64", "qemu-system-x86", "/usr/share/OVMF/OVMF_CODE_4M.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.fd", "ovmf"};
  case Firmware::Ovmf32:
    // Debian builds 32-bit OVMF only with SMM (the secboot flavour); with no
    // keys enrolled in the variable store, Secure Boot stays off.
    return {"qemu-system-i386", "qemu-system-x86", "/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd",
            "/usr/share/OVMF/OVMF32_VARS_4M.fd", "ovmf-ia32"};
  case Firmware::Aavmf:
    return {"qemu-system-aarch64", "qemu-system-arm", "/usr/share/AAVMF/AAVMF_CODE.fd",
            "/usr/share/AAVMF/AAVMF_VARS.fd", "qemu-efi-aarch64"};
  }
  return {};
}

std::optional<std::string> efiImageKind(uint16_t machine) {
  switch (machine) {
  case kMachineI386:
    return "efi:i386";
  case kMachineX64:
    return "efi:x86_64";
  case kMachineArm:
    return "efi:arm32";
  case kMachineAarch64:
    return "efi:arm64";
  case kMachineRiscv64:
    return "efi:riscv64";
  case kMachineLoongArch64:
    return "efi:loong64";
  case kMachineEbc:
    return "efi:ebc";
  }
  return std::nullopt;
}

llvm::Expected<FirmwareForImage> firmwareForEfiImage(uint16_t machine) {
  switch (machine) {
  case kMachineX64:
    return FirmwareForImage{Firmware::Ovmf, ""};
  case kMachineI386:
    return FirmwareForImage{Firmware::Ovmf32, ""};
  case kMachineAarch64:
    return FirmwareForImage{Firmware::Aavmf, ""};
  }
  if (auto kind = efiImageKind(machine))
    return FirmwareForImage{std::nullopt, "no firmware for it here"};
  return makeError("EFI image of unknown machine type 0x{:04x} (romfit knows i386 0x014c, "
                   "x86_64 0x8664, arm32 0x01c2, arm64 0xaa64, riscv64 0x5064, loong64 0x6264, "
                   "EBC 0x0ebc)",
                   machine);
}

} // namespace romfit::verify
