#include "verify/firmware.h"

#include <llvm/ADT/STLExtras.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringExtras.h>

#include "rom/pe_summary.h"
#include "support/error.h"

namespace romfit::verify {

// A program of a Debian package, unpacked into the boot-program cache.
static BootProgram fromCache(std::string fileName, std::string package, std::string architecture,
                             std::string pathInPackage, std::vector<std::string> provingLines) {
  BootProgram program;
  program.fileName = std::move(fileName);
  program.package = std::move(package);
  program.architecture = std::move(architecture);
  program.pathInPackage = std::move(pathInPackage);
  program.provingLines = std::move(provingLines);
  return program;
}

// Debian's GRUB network images prove themselves by the grub.cfg they read
// under /grub on the TFTP server they came from.
static BootProgram grubFromCache(std::string fileName, std::string package,
                                 std::string architecture, std::string pathInPackage) {
  BootProgram program = fromCache(std::move(fileName), std::move(package),
                                  std::move(architecture), std::move(pathInPackage), {});
  program.readsGrubConfig = true;
  return program;
}

// An entry's identity; the rest of its facts are set by name below.
static FirmwareSpec entry(Firmware firmware, std::string name, std::string imageKind,
                          uint16_t peMachine) {
  FirmwareSpec spec;
  spec.firmware = firmware;
  spec.name = std::move(name);
  spec.imageKind = std::move(imageKind);
  spec.peMachine = peMachine;
  return spec;
}

// EDK2's boot manager names the boot option iPXE's LoadFile handle gives it
// after the handle's device path, as it names its own PXE client's (the
// shell is "BdsDxe: starting Boot0001 "EFI Internal Shell""). RISC-V's
// release build prints no BdsDxe lines: there iPXE's banner is the sign,
// which only ipxe() prints, and only LoadFile calls that in a driver (no
// other iPXE runs before the boot program on a firmware without a PXE
// client of its own).
static const std::vector<std::string> kEdk2StartsTheRomsEntry{
    "BdsDxe: starting Boot*\"UEFI PXEv4 (MAC:", "-- Open Source Network Boot Firmware --"};

static std::vector<FirmwareSpec> makeFirmwareTable() {
  std::vector<FirmwareSpec> table;

  FirmwareSpec seabios = entry(Firmware::SeaBios, "seabios", "legacy", 0);
  seabios.uefi = false;
  seabios.files = {"qemu-system-x86_64", "qemu-system-x86", "/usr/share/seabios/bios-256k.bin", "",
                   "seabios"};
  seabios.machine = {"-machine", "pc"};
  seabios.flash = FlashStyle::Bios;
  seabios.hostArchitecture = true;
  seabios.bootProgram = fromCache("undionly.kpxe", "ipxe", "all", "usr/lib/ipxe/undionly.kpxe",
                                  {"using undionly on", "net0: 10.0.2.15"});
  table.push_back(seabios);

  FirmwareSpec ovmf = entry(Firmware::Ovmf, "ovmf", "efi:x86_64", pe::kMachineX64);
  ovmf.files = {"qemu-system-x86_64", "qemu-system-x86", "/usr/share/OVMF/OVMF_CODE_4M.fd",
                "/usr/share/OVMF/OVMF_VARS_4M.fd", "ovmf"};
  ovmf.machine = {"-machine", "q35"};
  ovmf.hostArchitecture = true;
  ovmf.bootProgram = fromCache("snponly.efi", "ipxe", "all", "usr/lib/ipxe/snponly.efi",
                               {"using SNP on SNP-", "net0: 10.0.2.15"});
  table.push_back(ovmf);

  // Debian builds 32-bit OVMF only with SMM (the secboot flavour): SMM on,
  // its flash writable only from SMM. With no keys enrolled in the variable
  // store, Secure Boot stays off.
  FirmwareSpec ovmf32 = entry(Firmware::Ovmf32, "ovmf32", "efi:i386", pe::kMachineIa32);
  ovmf32.files = {"qemu-system-i386", "qemu-system-x86", "/usr/share/OVMF/OVMF32_CODE_4M.secboot.fd",
                  "/usr/share/OVMF/OVMF32_VARS_4M.fd", "ovmf-ia32"};
  ovmf32.machine = {"-machine", "q35,smm=on", "-global",
                    "driver=cfi.pflash01,property=secure,value=on"};
  ovmf32.hostArchitecture = true;
  ovmf32.bootProgram = grubFromCache("grubnetia32.efi", "grub-efi-ia32-bin", "amd64",
                                     "usr/lib/grub/i386-efi/monolithic/grubnetia32.efi");
  table.push_back(ovmf32);

  // On the virt machine too the NIC sits on the PCIe bus, where AAVMF
  // dispatches its option ROM like any PCI firmware.
  FirmwareSpec aavmf = entry(Firmware::Aavmf, "aavmf", "efi:arm64", pe::kMachineAArch64);
  aavmf.files = {"qemu-system-aarch64", "qemu-system-arm", "/usr/share/AAVMF/AAVMF_CODE.fd",
                 "/usr/share/AAVMF/AAVMF_VARS.fd", "qemu-efi-aarch64"};
  aavmf.machine = {"-machine", "virt", "-cpu", "max"};
  aavmf.bootProgram = grubFromCache("grubnetaa64.efi", "grub-efi-arm64-bin", "arm64",
                                    "usr/lib/grub/arm64-efi/monolithic/grubnetaa64.efi");
  table.push_back(aavmf);

  // Debian 13's RISC-V EDK2 (2025.02) under Debian 13's QEMU: only VirtioNetDxe
  // for a network, no SNP/MNP/IPv4/DHCP/PXE drivers (measured: its driver
  // list, and a boot with an SNP-only ROM that reaches the EFI shell).
  // OpenSBI comes from QEMU's own data files; the firmware is the S-mode
  // payload in pflash0, which QEMU takes as such only through the machine's
  // pflash0/pflash1 properties.
  FirmwareSpec riscv = entry(Firmware::RiscvEdk2, "riscv-edk2", "efi:riscv64", pe::kMachineRiscV64);
  riscv.source = ToolSource::Debian13Root;
  riscv.files = {"/usr/bin/qemu-system-riscv64", "qemu-system-misc",
                 "/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd",
                 "/usr/share/qemu-efi-riscv64/RISCV_VIRT_VARS.fd", "qemu-efi-riscv64"};
  riscv.machine = {"-machine", "virt"};
  riscv.flash = FlashStyle::PflashMachineProps;
  riscv.memory = "512";
  riscv.ownNetworkStack = false;
  riscv.bootProgram = grubFromCache("grubnetriscv64.efi", "grub-efi-riscv64-bin", "riscv64", "");
  riscv.bootProgram.source = ToolSource::Debian13Root;
  riscv.bootProgram.pathInRoot = "/usr/local/share/romfit/grubnetriscv64.efi";
  riscv.romEntrySeen = kEdk2StartsTheRomsEntry;
  table.push_back(riscv);

  // Debian 13's LoongArch EDK2: the same missing network stack as RISC-V's.
  // Debian's main archive has no loong64 GRUB, nor any other loong64 EFI
  // program: the boot program is iPXE's own snponly.efi for loong64, from
  // the iPXE tree (romfit build makes it beside the driver; romfit verify
  // takes it with --boot-program).
  FirmwareSpec loongarch =
      entry(Firmware::LoongArchEdk2, "loongarch-edk2", "efi:loong64", pe::kMachineLoongArch64);
  loongarch.source = ToolSource::Debian13Root;
  loongarch.files = {"/usr/bin/qemu-system-loongarch64", "qemu-system-misc",
                     "/usr/share/qemu-efi-loongarch64/QEMU_EFI.fd",
                     "/usr/share/qemu-efi-loongarch64/QEMU_VARS.fd", "qemu-efi-loongarch64"};
  loongarch.machine = {"-machine", "virt", "-cpu", "la464"};
  loongarch.memory = "1024";
  loongarch.ownNetworkStack = false;
  loongarch.bootProgram =
      fromCache("snponly.efi", "", "loong64", "", {"using SNP on SNP-", "net0: 10.0.2.15"});
  loongarch.bootProgram.source = ToolSource::GivenByUser;
  loongarch.romEntrySeen = kEdk2StartsTheRomsEntry;
  loongarch.fullDepthLimits =
      "a boot program of Debian's: its main archive has none for loong64, so the program that "
      "proves the ROM's SNP is iPXE's own snponly.efi, built from the same tree as the driver";
  table.push_back(loongarch);
  return table;
}

llvm::ArrayRef<FirmwareSpec> firmwareTable() {
  static const std::vector<FirmwareSpec> table = makeFirmwareTable();
  return table;
}

const FirmwareSpec &firmwareSpec(Firmware firmware) {
  for (const FirmwareSpec &spec : firmwareTable())
    if (spec.firmware == firmware)
      return spec;
  llvm_unreachable("every Firmware has an entry in firmwareTable()");
}

std::vector<Firmware> allFirmwares() {
  std::vector<Firmware> all;
  for (const FirmwareSpec &spec : firmwareTable())
    all.push_back(spec.firmware);
  return all;
}

llvm::StringRef firmwareName(Firmware firmware) { return firmwareSpec(firmware).name; }

bool isUefi(Firmware firmware) { return firmwareSpec(firmware).uefi; }

FirmwareFiles defaultFirmwareFiles(Firmware firmware) { return firmwareSpec(firmware).files; }

llvm::Expected<std::vector<Firmware>> parseFirmwareSelection(llvm::StringRef text) {
  if (text == "all")
    return allFirmwares();
  if (text == "both")
    return std::vector<Firmware>{Firmware::SeaBios, Firmware::Ovmf};
  std::vector<Firmware> selected;
  llvm::SmallVector<llvm::StringRef, 4> names;
  text.split(names, ',');
  for (llvm::StringRef name : names) {
    auto known = llvm::find_if(firmwareTable(), [&](const FirmwareSpec &spec) {
      return spec.name == name;
    });
    if (known == firmwareTable().end()) {
      std::vector<std::string> known;
      for (const FirmwareSpec &spec : firmwareTable())
        known.push_back(spec.name);
      return makeError("unknown firmware '{}' (expected {}, a comma-separated list of them, "
                       "all or both)",
                       name.str(), llvm::join(known, ", "));
    }
    if (!llvm::is_contained(selected, known->firmware))
      selected.push_back(known->firmware);
  }
  return selected;
}

llvm::Expected<FirmwareForImage> firmwareForEfiImage(uint16_t machine) {
  for (const FirmwareSpec &spec : firmwareTable())
    if (spec.uefi && spec.peMachine == machine)
      return FirmwareForImage{spec.firmware, ""};
  if (pe::efiImageKind(machine))
    return FirmwareForImage{std::nullopt, "no firmware for it here"};
  return makeError("EFI image of unknown machine type 0x{:04x} (romfit knows i386 0x014c, "
                   "x86_64 0x8664, arm32 0x01c2, arm64 0xaa64, riscv64 0x5064, loong64 0x6264, "
                   "EBC 0x0ebc)",
                   machine);
}

} // namespace romfit::verify
