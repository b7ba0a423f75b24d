#pragma once
// The firmwares a ROM's images are proven on, one per image kind: SeaBIOS
// runs the legacy BIOS image, and each UEFI firmware loads the EFI image of
// its own CPU architecture from the same ROM and ignores the others. What
// QEMU program, machine and flash files each needs, and which Debian package
// brings them, is data here so that every other file asks instead of knowing.
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::verify {

enum class Firmware { SeaBios, Ovmf, Ovmf32, Aavmf };

inline constexpr Firmware kAllFirmwares[] = {Firmware::SeaBios, Firmware::Ovmf, Firmware::Ovmf32,
                                             Firmware::Aavmf};

// "seabios", "ovmf", "ovmf32", "aavmf".
llvm::StringRef firmwareName(Firmware firmware);
bool isUefi(Firmware firmware);

// A comma-separated list of names, "all", or "both" (SeaBIOS and OVMF, the
// two firmwares romfit checked before it knew the others).
llvm::Expected<std::vector<Firmware>> parseFirmwareSelection(llvm::StringRef text);

// Debian's file names and packages, by default.
struct FirmwareFiles {
  std::string qemuProgram;   // PATH lookup unless absolute
  std::string qemuPackage;   // the Debian package that brings it
  std::string code;          // -bios image (SeaBIOS) or read-only code flash
  std::string varsTemplate;  // UEFI only: copied fresh for every run
  std::string firmwarePackage;
};
FirmwareFiles defaultFirmwareFiles(Firmware firmware);

// PE machine types an EFI image of a PCI expansion ROM declares.
inline constexpr uint16_t kMachineI386 = 0x014c;
inline constexpr uint16_t kMachineX64 = 0x8664;
inline constexpr uint16_t kMachineArm = 0x01c2;
inline constexpr uint16_t kMachineAarch64 = 0xaa64;
inline constexpr uint16_t kMachineRiscv64 = 0x5064;
inline constexpr uint16_t kMachineLoongArch64 = 0x6264;
inline constexpr uint16_t kMachineEbc = 0x0ebc;

// "efi:x86_64", "efi:i386", ... as romfit build's --image names them; an
// unknown machine type gives nullopt.
std::optional<std::string> efiImageKind(uint16_t machine);

// Which firmware runs an image: nullopt with `why` set when the image kind
// is known but no firmware for it is available here (riscv64, loong64, ...).
struct FirmwareForImage {
  std::optional<Firmware> firmware;
  std::string why;  // for an image that cannot be verified
};
// Errors: an EFI machine type romfit does not know at all.
llvm::Expected<FirmwareForImage> firmwareForEfiImage(uint16_t machine);

} // namespace romfit::verify
