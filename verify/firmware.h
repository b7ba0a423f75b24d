#pragma once
// The firmwares a ROM's images are proven on, one per image kind: SeaBIOS
// runs the legacy BIOS image, and each UEFI firmware loads the EFI image of
// its own CPU architecture from the same ROM and ignores the others. Every
// fact about a firmware (the image it runs, its QEMU program and machine,
// its flash files and their Debian packages, where they come from, the boot
// program served to it, whether it has a network stack of its own) is one
// entry of firmwareTable(); every other file asks the table instead of
// knowing, so adding a firmware is one entry plus its test.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::verify {

enum class Firmware { SeaBios, Ovmf, Ovmf32, Aavmf, RiscvEdk2, LoongArchEdk2 };

// Where a firmware's QEMU, flash images and boot program come from.
enum class ToolSource {
  Host,         // Debian 12's packages, installed on the host
  Debian13Root,  // support::ToolRoot: Debian 13's, run inside that root
  GivenByUser    // boot programs only: none in Debian; the caller names one
};

// How QEMU is handed the firmware.
enum class FlashStyle {
  Bios,             // -bios CODE (SeaBIOS)
  PflashDrives,     // -drive if=pflash, units 0 (read-only code) and 1 (variables)
  PflashMachineProps  // -machine ...,pflash0=,pflash1= with -blockdev nodes (RISC-V
                      // virt: its split flash is only taken this way)
};

// Debian's file names and packages, by default.
struct FirmwareFiles {
  std::string qemuProgram;   // PATH lookup unless absolute; inside the root for Debian13Root
  std::string qemuPackage;   // the Debian package that brings it
  std::string code;          // -bios image (SeaBIOS) or read-only code flash
  std::string varsTemplate;  // UEFI only: copied fresh for every run
  std::string firmwarePackage;
};

// The program a full-depth boot serves over TFTP: one romfit did not write,
// which then reaches the network itself through the ROM's driver.
struct BootProgram {
  std::string fileName;       // as DHCP names it and TFTP serves it
  std::string package;        // Debian's
  std::string architecture;   // dpkg's, for `apt-get download PACKAGE:ARCH`
  std::string pathInPackage;  // below the root `dpkg-deb -x` unpacks into
  bool readsGrubConfig = false;  // proves itself by running the grub.cfg romfit serves
  // Where the program is: the boot-program cache (Host), or this absolute
  // path inside the Debian 13 root (made there by scripts/setup-debian13).
  ToolSource source = ToolSource::Host;
  std::string pathInRoot;
  // The lines it prints once it drove the NIC itself through the ROM's
  // driver (iPXE's programs); GRUB's proof is its grub.cfg's marker instead.
  std::vector<std::string> provingLines;
};

// The console lines one boot must show, as data: each step is seen when
// one of its alternatives appears, after the step before it.
struct FirmwareSpec {
  Firmware firmware = Firmware::SeaBios;
  std::string name;       // "seabios", "ovmf", ... as --firmware takes them
  std::string imageKind;  // "legacy", "efi:x86_64", ... as romfit build's --image
  uint16_t peMachine = 0;  // EFI images: the PE machine type it runs; 0 for legacy
  bool uefi = true;
  ToolSource source = ToolSource::Host;
  FirmwareFiles files;
  std::vector<std::string> machine;  // QEMU's machine arguments, flash excluded
  FlashStyle flash = FlashStyle::PflashDrives;
  std::string memory = "256";        // QEMU's -m
  bool hostArchitecture = false;     // KVM can run it here (x86 hosts)
  // Measured, not assumed: whether the firmware carries SNP, MNP, IPv4,
  // DHCP and PXE drivers of its own, so that an SNP-only image gives it a
  // network boot. Without them only an image with iPXE's own boot path
  // (LoadFile into autoboot) can. docs/measurements.md has the evidence.
  bool ownNetworkStack = true;
  BootProgram bootProgram;
  // What shows the firmware booted the entry the ROM's own driver provides
  // (any one of these), matched first: with no network stack of its own,
  // the boot option can only be the ROM's.
  std::vector<std::string> romEntrySeen;
  // What a full-depth pass does not exercise, said in its verdict (empty:
  // a program of Debian's proves the driver's SNP).
  std::string fullDepthLimits;
};

// Every firmware, in the order boots run and tables list them.
llvm::ArrayRef<FirmwareSpec> firmwareTable();
const FirmwareSpec &firmwareSpec(Firmware firmware);
std::vector<Firmware> allFirmwares();

// "seabios", "ovmf", "ovmf32", "aavmf", "riscv-edk2", "loongarch-edk2".
llvm::StringRef firmwareName(Firmware firmware);
bool isUefi(Firmware firmware);

// A comma-separated list of names, "all", or "both" (SeaBIOS and OVMF, the
// two firmwares romfit checked before it knew the others).
llvm::Expected<std::vector<Firmware>> parseFirmwareSelection(llvm::StringRef text);

FirmwareFiles defaultFirmwareFiles(Firmware firmware);

// Which firmware runs an image: nullopt with `why` set when the image kind
// is known but no firmware here runs it (arm32, EBC, ...).
struct FirmwareForImage {
  std::optional<Firmware> firmware;
  std::string why;  // for an image that cannot be verified
};
// Errors: an EFI machine type romfit does not know at all.
llvm::Expected<FirmwareForImage> firmwareForEfiImage(uint16_t machine);

} // namespace romfit::verify
