// The boot proof's decisions, without QEMU: which firmware boots which image,
// the command line each firmware gets, what a pass must show and in what
// order, and how verdicts are reported.
#include <algorithm>

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>

#include "rom/pci_rom.h"
#include "rom/pe_summary.h"
#include "support/file_io.h"
#include "tests/test_support.h"
#include "verify/rom_verification.h"
#include "verify/verification_report.h"

namespace romfit::verify {
namespace {

const std::string kDebianE1000Rom = std::string(testing::kDebianRomDir) + "/efi-e1000.rom";

bool has(const std::vector<std::string> &command, const std::string &argument) {
  return std::find(command.begin(), command.end(), argument) != command.end();
}

LocatedFirmware fakeFirmware(Firmware firmware) {
  return {firmware, "/usr/bin/qemu", "/fw/CODE.fd", "/fw/VARS.fd", "tcg", "requested", false, ""};
}

// Debian's e1000 ROM with its EFI image's machine type rewritten: the ROM
// header's field is what firmware reads to pick its image.
std::vector<uint8_t> e1000WithEfiMachine(uint16_t machine) {
  auto bytes = readFileBytes(kDebianE1000Rom);
  if (!bytes) {
    ADD_FAILURE() << llvm::toString(bytes.takeError());
    return {};
  }
  auto rom = pci::parse(*bytes);
  if (!rom) {
    ADD_FAILURE() << llvm::toString(rom.takeError());
    return {};
  }
  for (const pci::Image &image : rom->images)
    if (image.efi) {
      (*bytes)[image.offset + 0x0a] = machine & 0xff;
      (*bytes)[image.offset + 0x0b] = machine >> 8;
    }
  return std::move(*bytes);
}


TEST(BootCommandLine, IsolatesTheNetworkAndEscapesCommas) {
  BootWorkFiles files("/tmp/work");
  std::vector<std::string> seabios = buildQemuCommand(
      fakeFirmware(Firmware::SeaBios), {Firmware::SeaBios, "/roms/a,b.rom", "e1000", "undionly.kpxe"},
      files);
  EXPECT_TRUE(has(seabios, "e1000,netdev=n0,bootindex=0,romfile=/roms/a,,b.rom"));
  EXPECT_TRUE(has(seabios, "user,id=n0,restrict=on,tftp=/tmp/work/tftp,bootfile=undionly.kpxe"));
  EXPECT_TRUE(has(seabios, "/fw/CODE.fd"));
  EXPECT_TRUE(has(seabios, "pc"));
  std::vector<std::string> ovmf = buildQemuCommand(fakeFirmware(Firmware::Ovmf),
                                                   {Firmware::Ovmf, std::nullopt, "e1000", ""}, files);
  EXPECT_TRUE(has(ovmf, "e1000,netdev=n0,bootindex=0,romfile="));
  EXPECT_TRUE(has(ovmf, "user,id=n0,restrict=on,tftp=/tmp/work/tftp"));
  EXPECT_TRUE(has(ovmf, "if=pflash,format=raw,unit=0,readonly=on,file=/fw/CODE.fd"));
  EXPECT_TRUE(has(ovmf, "if=pflash,format=raw,unit=1,file=/tmp/work/UEFI_VARS.fd"));
  EXPECT_TRUE(has(ovmf, "q35"));
}

TEST(BootCommandLine, EachFirmwareGetsItsMachine) {
  BootWorkFiles files("/tmp/work");
  auto command = [&](Firmware firmware) {
    return buildQemuCommand(fakeFirmware(firmware), {firmware, "/r.rom", "e1000", "x"}, files);
  };
  // Debian's 32-bit OVMF is the SMM build: without SMM and a secure flash it
  // never starts.
  std::vector<std::string> ovmf32 = command(Firmware::Ovmf32);
  EXPECT_TRUE(has(ovmf32, "q35,smm=on"));
  EXPECT_TRUE(has(ovmf32, "driver=cfi.pflash01,property=secure,value=on"));
  std::vector<std::string> aavmf = command(Firmware::Aavmf);
  EXPECT_TRUE(has(aavmf, "virt"));
  EXPECT_TRUE(has(aavmf, "max"));
  EXPECT_TRUE(has(aavmf, "if=pflash,format=raw,unit=1,file=/tmp/work/UEFI_VARS.fd"));
  EXPECT_FALSE(has(command(Firmware::Ovmf), "q35,smm=on"));
}

TEST(FirmwareTable, OneEntryPerFirmwareAndImageKind) {
  std::vector<std::string> names, kinds;
  for (const FirmwareSpec &spec : firmwareTable()) {
    EXPECT_EQ(&firmwareSpec(spec.firmware), &spec) << spec.name;
    names.push_back(spec.name);
    kinds.push_back(spec.imageKind);
    // A UEFI firmware runs the EFI images of one machine type, and the
    // image kind it proves is that machine's.
    if (spec.uefi) {
      EXPECT_EQ(pe::efiImageKind(spec.peMachine), spec.imageKind) << spec.name;
      EXPECT_FALSE(spec.files.varsTemplate.empty()) << spec.name;
    }
    // A firmware without a network stack of its own cannot fetch a boot
    // program through an SNP: its proof must show that it booted the
    // ROM's own entry.
    if (!spec.ownNetworkStack) {
      EXPECT_FALSE(spec.romEntrySeen.empty()) << spec.name;
    }
  }
  auto unique = [](std::vector<std::string> values) {
    llvm::sort(values);
    return std::adjacent_find(values.begin(), values.end()) == values.end();
  };
  EXPECT_TRUE(unique(names));
  EXPECT_TRUE(unique(kinds));
  EXPECT_EQ(allFirmwares().size(), firmwareTable().size());
}

TEST(BootCommandLine, Debian13FirmwaresRunInsideTheRootWithTheirFlash) {
  BootWorkFiles files("/tmp/work");
  LocatedFirmware riscv{Firmware::RiscvEdk2, "/usr/bin/qemu-system-riscv64",
                        "/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd", "/r/VARS.fd", "tcg",
                        "requested", false, "/cache/debian13"};
  std::vector<std::string> command =
      buildQemuCommand(riscv, {Firmware::RiscvEdk2, "/roms/r.rom", "e1000", "g.efi"}, files);
  // QEMU is the root's, started through the root's launcher; the host's
  // files keep their paths, the root's files are named as the root sees them.
  ASSERT_GE(command.size(), 2u);
  EXPECT_EQ(command[0], "/cache/debian13/usr/local/lib/romfit/run-in-root");
  EXPECT_EQ(command[1], "/usr/bin/qemu-system-riscv64");
  // RISC-V virt takes split flash (OpenSBI from QEMU, EDK2 as its payload)
  // only through the machine's pflash properties.
  EXPECT_TRUE(has(command, "pflash0=romfit-code,pflash1=romfit-vars"));
  EXPECT_TRUE(has(command, "node-name=romfit-code,driver=file,read-only=on,filename="
                           "/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd"));
  EXPECT_TRUE(has(command, "node-name=romfit-vars,driver=file,filename=/tmp/work/UEFI_VARS.fd"));
  EXPECT_FALSE(has(command, "if=pflash,format=raw,unit=0,readonly=on,file="
                            "/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd"));

  LocatedFirmware loongarch{Firmware::LoongArchEdk2, "/usr/bin/qemu-system-loongarch64",
                            "/usr/share/qemu-efi-loongarch64/QEMU_EFI.fd", "/r/VARS.fd", "tcg",
                            "requested", false, "/cache/debian13"};
  command = buildQemuCommand(loongarch, {Firmware::LoongArchEdk2, "/r.rom", "e1000", "x"}, files);
  EXPECT_EQ(command[0], "/cache/debian13/usr/local/lib/romfit/run-in-root");
  EXPECT_TRUE(has(command, "la464"));
  EXPECT_TRUE(has(command, "if=pflash,format=raw,unit=0,readonly=on,file="
                           "/usr/share/qemu-efi-loongarch64/QEMU_EFI.fd"));
  // The host's firmwares are run directly.
  EXPECT_EQ(buildQemuCommand(fakeFirmware(Firmware::Ovmf), {Firmware::Ovmf, "/r.rom", "e1000", "x"},
                             files)[0],
            "/usr/bin/qemu");
}

TEST(BootTools, WithoutTheDebian13RootItsFirmwaresAreMissingNamingRootAndCommand) {
  BootToolOptions options;
  options.accelerator = Accelerator::Tcg;
  options.toolRoot = "/nonexistent/debian13";
  for (Firmware firmware : {Firmware::RiscvEdk2, Firmware::LoongArchEdk2}) {
    auto located = locateFirmware(options, firmware);
    ASSERT_FALSE(bool(located));
    std::string message = llvm::toString(located.takeError());
    EXPECT_NE(message.find("/nonexistent/debian13"), std::string::npos) << message;
    EXPECT_NE(message.find("scripts/setup-debian13"), std::string::npos) << message;
  }
  // romfit build: those images are "not verified" with that reason, never passed.
  std::vector<MissingFirmware> missing;
  BootTools tools = locateAvailableTools(options, {Firmware::RiscvEdk2}, BootCheckRequest{}, missing);
  EXPECT_TRUE(tools.firmwares.empty());
  ASSERT_EQ(missing.size(), 1u);
  auto plan = planRomVerification(e1000WithEfiMachine(pe::kMachineRiscV64), "riscv.rom");
  ASSERT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
  EXPECT_EQ((*plan)[1].kind, "efi:riscv64");
  EXPECT_EQ((*plan)[1].firmware, Firmware::RiscvEdk2);
  BootCheckRequest request;
  request.firmwares = {Firmware::RiscvEdk2};
  auto verification = verifyRom(tools, request, *plan, missing);
  ASSERT_TRUE(bool(verification)) << llvm::toString(verification.takeError());
  EXPECT_FALSE(verification->passed());
  EXPECT_EQ(verification->images[1].status, ImageStatus::NotVerified);
  EXPECT_NE(verification->images[1].reason.find("scripts/setup-debian13"), std::string::npos)
      << verification->images[1].reason;
}

TEST(ConsoleSteps, FirmwaresWithoutANetworkStackMustBootTheRomsOwnEntry) {
  // RISC-V EDK2: EDK2 starts the ROM's entry, the ROM's iPXE downloads GRUB
  // (no firmware PXE client to do it), GRUB runs grub.cfg through the SNP.
  ConsoleExpectations riscv = consoleExpectations(Firmware::RiscvEdk2, Depth::Full);
  ASSERT_EQ(riscv.steps.size(), 3u);
  EXPECT_EQ(riscv.steps[1].anyOf, (std::vector<std::string>{"grubnetriscv64.efi... ok"}));
  EXPECT_EQ(riscv.steps[2].anyOf, (std::vector<std::string>{kGrubMarker}));
  // The entry EDK2 starts must be the ROM's, not its shell.
  std::vector<ExpectedStep> entry{riscv.steps[0]};
  EXPECT_EQ(stepsSeenInOrder("BdsDxe: starting Boot0002 \"UEFI PXEv4 (MAC:525400123456)\" from "
                             "PciRoot(0x0)\n",
                             entry),
            1u);
  EXPECT_EQ(stepsSeenInOrder("BdsDxe: starting Boot0001 \"EFI Internal Shell\" from Fv()\n"
                             "UEFI PXEv4 (MAC:525400123456)\n",
                             entry),
            0u);
  EXPECT_EQ(stepsSeenInOrder("iPXE 2.0.0+ -- Open Source Network Boot Firmware -- https://ipxe.org\n",
                             entry),
            1u);
  ConsoleExpectations loongarch = consoleExpectations(Firmware::LoongArchEdk2, Depth::Full);
  ASSERT_EQ(loongarch.steps.size(), 4u);
  EXPECT_EQ(loongarch.steps[1].anyOf, (std::vector<std::string>{"snponly.efi... ok"}));
  EXPECT_EQ(loongarch.steps[2].anyOf, (std::vector<std::string>{"using SNP on SNP-"}));
  EXPECT_FALSE(firmwareSpec(Firmware::LoongArchEdk2).fullDepthLimits.empty());
}

TEST(BootPrograms, Loong64sProgramIsGivenByNameOrNamedAsMissing) {
  BootProgramSources sources{"/nonexistent/cache", "/nonexistent/root", {}};
  auto missing = locateBootProgram(Firmware::LoongArchEdk2, sources);
  ASSERT_FALSE(bool(missing));
  std::string message = llvm::toString(missing.takeError());
  EXPECT_NE(message.find("--boot-program efi:loong64=FILE"), std::string::npos) << message;
  std::string scratch = testing::makeScratchDir("boot-program-given");
  ASSERT_FALSE(bool(writeFileAtomically(scratch + "/snponly.efi", llvm::StringRef("MZ"))));
  sources.given.push_back({"efi:loong64", scratch + "/snponly.efi"});
  auto given = locateBootProgram(Firmware::LoongArchEdk2, sources);
  ASSERT_TRUE(bool(given)) << llvm::toString(given.takeError());
  EXPECT_EQ(*given, scratch + "/snponly.efi");
  // GRUB's riscv64 image lives in the root; without the root it is named.
  auto grub = locateBootProgram(Firmware::RiscvEdk2, sources);
  ASSERT_FALSE(bool(grub));
  message = llvm::toString(grub.takeError());
  EXPECT_NE(message.find("grubnetriscv64.efi"), std::string::npos) << message;
  EXPECT_NE(message.find("scripts/setup-debian13"), std::string::npos) << message;
  llvm::sys::fs::remove_directories(scratch);
}

TEST(FirmwareSelection, NamesListsAndAliases) {
  auto all = parseFirmwareSelection("all");
  ASSERT_TRUE(bool(all)) << llvm::toString(all.takeError());
  EXPECT_EQ(all->size(), 6u);
  auto both = parseFirmwareSelection("both");
  ASSERT_TRUE(bool(both)) << llvm::toString(both.takeError());
  EXPECT_EQ(*both, (std::vector<Firmware>{Firmware::SeaBios, Firmware::Ovmf}));
  auto list = parseFirmwareSelection("aavmf,ovmf32,aavmf");
  ASSERT_TRUE(bool(list)) << llvm::toString(list.takeError());
  EXPECT_EQ(*list, (std::vector<Firmware>{Firmware::Aavmf, Firmware::Ovmf32}));
  auto bad = parseFirmwareSelection("seabios,coreboot");
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("'coreboot'"), std::string::npos);
}

TEST(FirmwareForImage, EachArchitectureItsOwnOrNone) {
  auto firmwareOf = [](uint16_t machine) {
    auto found = firmwareForEfiImage(machine);
    EXPECT_TRUE(bool(found)) << (found ? "" : llvm::toString(found.takeError()));
    return found ? found->firmware : std::nullopt;
  };
  EXPECT_EQ(firmwareOf(pe::kMachineX64), Firmware::Ovmf);
  EXPECT_EQ(firmwareOf(pe::kMachineIa32), Firmware::Ovmf32);
  EXPECT_EQ(firmwareOf(pe::kMachineAArch64), Firmware::Aavmf);
  EXPECT_EQ(firmwareOf(pe::kMachineRiscV64), Firmware::RiscvEdk2);
  EXPECT_EQ(firmwareOf(pe::kMachineLoongArch64), Firmware::LoongArchEdk2);
  EXPECT_EQ(firmwareOf(pe::kMachineArmThumb), std::nullopt);
  EXPECT_EQ(firmwareOf(pe::kMachineEbc), std::nullopt);
  auto unknown = firmwareForEfiImage(0x1234);
  ASSERT_FALSE(bool(unknown));
  EXPECT_NE(llvm::toString(unknown.takeError()).find("0x1234"), std::string::npos);
}

TEST(ConsoleSteps, MustAppearInOrder) {
  std::vector<ExpectedStep> steps{{{"download ok"}}, {{"using undionly on"}}, {{"net0: 10.0.2.15"}}};
  // The ROM's own iPXE prints the address before the boot program exists.
  EXPECT_EQ(stepsSeenInOrder("net0: 10.0.2.15\ndownload ok\nusing undionly on\n", steps), 2u);
  EXPECT_EQ(stepsSeenInOrder("net0: 10.0.2.15\ndownload ok\nusing undionly on\nnet0: 10.0.2.15\n",
                             steps),
            3u);
  EXPECT_EQ(stepsSeenInOrder("using undionly on\nnet0: 10.0.2.15\n", steps), 0u);
  // A step is met by any of its alternatives, whichever comes first.
  std::vector<ExpectedStep> either{{{"NBP file downloaded successfully", "snponly.efi... ok"}},
                                   {{"using SNP on SNP-"}}};
  EXPECT_EQ(stepsSeenInOrder("tftp://10.0.2.2/snponly.efi... ok\nusing SNP on SNP-0000", either), 2u);
  EXPECT_EQ(stepsSeenInOrder("NBP file downloaded successfully.\nusing SNP on SNP-0000", either), 2u);
  EXPECT_EQ(stepsSeenInOrder("using SNP on SNP-0000\nNBP file downloaded successfully.", either), 1u);
}

TEST(ConsoleSteps, FullDepthNeedsTheBootProgramOnTheNetwork) {
  ConsoleExpectations legacy = consoleExpectations(Firmware::SeaBios, Depth::Full);
  ASSERT_EQ(legacy.steps.size(), 3u);
  EXPECT_EQ(legacy.steps[0].anyOf, (std::vector<std::string>{"undionly.kpxe... ok"}));
  EXPECT_EQ(legacy.steps[1].anyOf, (std::vector<std::string>{"using undionly on"}));
  ConsoleExpectations x64 = consoleExpectations(Firmware::Ovmf, Depth::Full);
  ASSERT_EQ(x64.steps.size(), 3u);
  EXPECT_EQ(x64.steps[1].anyOf, (std::vector<std::string>{"using SNP on SNP-"}));
  for (Firmware grub : {Firmware::Ovmf32, Firmware::Aavmf}) {
    ConsoleExpectations expectations = consoleExpectations(grub, Depth::Full);
    ASSERT_EQ(expectations.steps.size(), 2u);
    EXPECT_EQ(expectations.steps[1].anyOf, (std::vector<std::string>{kGrubMarker}));
    EXPECT_TRUE(llvm::is_contained(expectations.gaveUpMarkers, "UEFI Interactive Shell"));
  }
  // At DHCP depth, the firmware's PXE client or the ROM's own iPXE.
  EXPECT_EQ(consoleExpectations(Firmware::Ovmf32, Depth::Dhcp).steps.back().anyOf,
            (std::vector<std::string>{"Station IP address is 10.0.2.15", "net0: 10.0.2.15"}));
}

TEST(GrubConfig, TheMarkerExistsOnlyWhenGrubRunsIt) {
  std::string config = grubConfig();
  EXPECT_EQ(config.find(kGrubMarker), std::string::npos) << config;
  EXPECT_NE(config.find("echo"), std::string::npos) << config;
}

TEST(BootPrograms, EachFirmwaresProgramAndPackage) {
  EXPECT_EQ(bootProgramFor(Firmware::SeaBios).fileName, "undionly.kpxe");
  EXPECT_EQ(bootProgramFor(Firmware::Ovmf).fileName, "snponly.efi");
  EXPECT_EQ(bootProgramFor(Firmware::Ovmf32).package, "grub-efi-ia32-bin");
  EXPECT_EQ(bootProgramFor(Firmware::Aavmf).architecture, "arm64");
  auto missing = locateBootProgram(Firmware::Aavmf, {"/nonexistent/cache", "", {}});
  ASSERT_FALSE(bool(missing));
  std::string message = llvm::toString(missing.takeError());
  EXPECT_NE(message.find("grubnetaa64.efi"), std::string::npos) << message;
  EXPECT_NE(message.find("grub-efi-arm64-bin:arm64"), std::string::npos) << message;
}

TEST(BootTools, MissingQemuOrFirmwareIsNamedWithItsPackage) {
  BootToolOptions noQemu;
  noQemu.accelerator = Accelerator::Tcg;
  FirmwareFiles files = defaultFirmwareFiles(Firmware::Aavmf);
  files.qemuProgram = "romfit-no-such-qemu";
  noQemu.overrides.push_back({Firmware::Aavmf, files});
  auto located = locateFirmware(noQemu, Firmware::Aavmf);
  ASSERT_FALSE(bool(located));
  std::string message = llvm::toString(located.takeError());
  EXPECT_NE(message.find("romfit-no-such-qemu"), std::string::npos) << message;
  EXPECT_NE(message.find("qemu-system-arm"), std::string::npos) << message;

  BootToolOptions noOvmf32;
  noOvmf32.accelerator = Accelerator::Tcg;
  files = defaultFirmwareFiles(Firmware::Ovmf32);
  files.qemuProgram = "/bin/sh";  // any executable: the firmware is what is missing
  files.code = "/nonexistent/OVMF32_CODE_4M.secboot.fd";
  noOvmf32.overrides.push_back({Firmware::Ovmf32, files});
  located = locateFirmware(noOvmf32, Firmware::Ovmf32);
  ASSERT_FALSE(bool(located));
  message = llvm::toString(located.takeError());
  EXPECT_NE(message.find("/nonexistent/OVMF32_CODE_4M.secboot.fd"), std::string::npos) << message;
  EXPECT_NE(message.find("ovmf-ia32"), std::string::npos) << message;

  // romfit build verifies what it can: a missing firmware is a reason, not an error.
  std::vector<MissingFirmware> missing;
  BootTools tools = locateAvailableTools(noOvmf32, {Firmware::Ovmf32}, BootCheckRequest{}, missing);
  EXPECT_TRUE(tools.firmwares.empty());
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].firmware, Firmware::Ovmf32);
}

TEST(BootTools, AFirmwareWithoutItsBootProgramIsMissingOnlyAtFullDepth) {
  std::string scratch = testing::makeScratchDir("boot-tools-programs");
  std::string code = scratch + "/CODE.fd", vars = scratch + "/VARS.fd";
  ASSERT_FALSE(bool(writeFileAtomically(code, llvm::StringRef("code"))));
  ASSERT_FALSE(bool(writeFileAtomically(vars, llvm::StringRef("vars"))));
  BootToolOptions options;
  options.accelerator = Accelerator::Tcg;
  options.overrides.push_back({Firmware::Aavmf, {"/bin/sh", "qemu-system-arm", code, vars, "x"}});
  BootCheckRequest request;
  request.bootPrograms.cacheDirectory = scratch + "/empty-cache";

  std::vector<MissingFirmware> missing;
  BootTools tools = locateAvailableTools(options, {Firmware::Aavmf}, request, missing);
  EXPECT_TRUE(tools.firmwares.empty());
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].reason.find("grubnetaa64.efi"), std::string::npos) << missing[0].reason;

  request.depth = Depth::Dhcp;  // no boot program needed
  missing.clear();
  tools = locateAvailableTools(options, {Firmware::Aavmf}, request, missing);
  EXPECT_TRUE(missing.empty());
  ASSERT_EQ(tools.firmwares.size(), 1u);
  EXPECT_EQ(tools.firmwares[0].code, code);
  llvm::sys::fs::remove_directories(scratch);
}

TEST(RomPlan, DebianE1000RomNeedsSeaBiosAndOvmf) {
  auto plan = planRomVerification(kDebianE1000Rom);
  ASSERT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ((*plan)[0].kind, "legacy");
  EXPECT_EQ((*plan)[0].firmware, Firmware::SeaBios);
  EXPECT_EQ((*plan)[1].kind, "efi:x86_64");
  EXPECT_EQ((*plan)[1].firmware, Firmware::Ovmf);
  EXPECT_EQ(firmwaresNeeded(*plan), (std::vector<Firmware>{Firmware::SeaBios, Firmware::Ovmf}));
}

TEST(RomPlan, Arm32ImageIsNotVerifiedAndNeverPasses) {
  auto plan = planRomVerification(e1000WithEfiMachine(pe::kMachineArmThumb), "arm32.rom");
  ASSERT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ((*plan)[1].kind, "efi:arm32");
  EXPECT_FALSE((*plan)[1].firmware.has_value());
  EXPECT_EQ((*plan)[1].notVerifiedReason, "no firmware for it here");
  EXPECT_EQ(firmwaresNeeded(*plan), (std::vector<Firmware>{Firmware::SeaBios}));

  // With nothing booted, nothing passed: a ROM of unverifiable images is not a pass.
  BootCheckRequest request;
  request.firmwares = {};
  auto verification = verifyRom(BootTools{}, request, *plan);
  ASSERT_TRUE(bool(verification)) << llvm::toString(verification.takeError());
  EXPECT_FALSE(verification->passed());
  EXPECT_FALSE(verification->anyFailed());
  EXPECT_EQ(verification->images[1].status, ImageStatus::NotVerified);
  std::string text = verificationText(*verification);
  EXPECT_NE(text.find("efi:arm32"), std::string::npos) << text;
  EXPECT_NE(text.find("NOT VERIFIED  no firmware for it here"), std::string::npos) << text;
  EXPECT_EQ(verificationSummary(*verification).rfind("not verified: 0 of 2 images passed", 0), 0u)
      << verificationSummary(*verification);
}

TEST(RomPlan, UnknownMachineTypeIsAnErrorNamingTheImage) {
  auto plan = planRomVerification(e1000WithEfiMachine(0x1234), "odd.rom");
  ASSERT_FALSE(bool(plan));
  std::string message = llvm::toString(plan.takeError());
  EXPECT_NE(message.find("odd.rom: image 1 at offset 0x"), std::string::npos) << message;
  EXPECT_NE(message.find("0x1234"), std::string::npos) << message;
}

TEST(RomPlan, VerifyCommandRefusesAnUnknownMachineTypeBeforeBooting) {
  std::string scratch = testing::makeScratchDir("verify-odd-machine");
  std::string rom = scratch + "/odd.rom";
  ASSERT_FALSE(bool(writeFileAtomically(rom, llvm::ArrayRef<uint8_t>(e1000WithEfiMachine(0x1234)))));
  testing::CommandResult run = testing::runRomfit({"verify", "--boot", rom});
  llvm::sys::fs::remove_directories(scratch);
  EXPECT_EQ(run.status, 2) << run.out << run.err;
  EXPECT_NE(run.err.find(rom + ": image 1 at offset 0x"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("unknown machine type 0x1234"), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(RomPlan, VerdictsFollowTheBootOfEachImagesFirmware) {
  auto plan = planRomVerification(kDebianE1000Rom);
  ASSERT_TRUE(bool(plan)) << llvm::toString(plan.takeError());
  RomVerification verification;
  for (const ImagePlan &image : *plan) {
    ImageVerdict verdict;
    verdict.plan = image;
    verdict.status = image.kind == "legacy" ? ImageStatus::Passed : ImageStatus::Failed;
    FirmwareBootResult boot;
    boot.firmware = *image.firmware;
    boot.outcome = verdict.status == ImageStatus::Passed ? BootOutcome::Passed
                                                         : BootOutcome::FirmwareGaveUp;
    boot.expectedLines = {{"\"snponly.efi... ok\"", true}, {"\"using SNP on SNP-\"", false}};
    boot.console = "BdsDxe: loading Boot0001\nUEFI Interactive Shell v2.2\n";
    verdict.boot = boot;
    verification.images.push_back(verdict);
  }
  EXPECT_TRUE(verification.anyFailed());
  EXPECT_FALSE(verification.passed());
  std::string text = verificationText(verification);
  EXPECT_NE(text.find("not seen (in order): \"using SNP on SNP-\""), std::string::npos) << text;
  EXPECT_EQ(text.find("not seen (in order): \"snponly.efi... ok\""), std::string::npos) << text;
  EXPECT_NE(text.find("| UEFI Interactive Shell v2.2"), std::string::npos) << text;
  llvm::json::Object json = verificationJson(verification);
  EXPECT_EQ(json.getBoolean("passed"), false);
  const llvm::json::Array *images = json.getArray("images");
  ASSERT_TRUE(images && images->size() == 2);
  EXPECT_EQ((*images)[1].getAsObject()->getString("status").getValueOr(""), "failed");
  EXPECT_EQ((*images)[0].getAsObject()->getString("firmware").getValueOr(""), "seabios");
}

TEST(ConsoleText, DropsEscapesAndAppliesBackspaces) {
  EXPECT_EQ(cleanConsoleText("\x1b[0;1miPXE\x1b[0m ok\r\nPress...\b \b\b \b\b \bnet0: up\r\n"),
            "iPXE ok\nPressnet0: up\n");
  EXPECT_EQ(cleanConsoleText("\x1b" "c\x1b[?7l\x1b[2JSeaBIOS"), "SeaBIOS");
}

} // namespace
} // namespace romfit::verify
