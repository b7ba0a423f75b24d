// ctest-labels: boot
// The boot proof for romfit build: the pruned fixture ROMs pass full network
// boots, and a rule set that loses the driver's table consumer links cleanly
// but is caught by the boot check.
#include <gtest/gtest.h>

#include "support/file_io.h"
#include "support/tool_root.h"
#include "tests/build_fixture.h"

namespace romfit {
namespace {

using testing::runRomfit;

const char *kDriverLine = "minipxe: driver for 8086:100e started";

// The fixture's EFI drivers are real e1000 drivers behind SNP and its legacy
// image a real PXE ROM: the pruned ROM must pass the same full network boot
// as a real iPXE ROM, each image on the firmware of its own architecture
// (legacy: SeaBIOS boots the ROM's BEV, whose DHCP and TFTP load
// undionly.kpxe, which drives the NIC through the ROM's UNDI API and gets
// its own address; x86_64: OVMF's PXE client downloads snponly.efi through
// the ROM's SNP and snponly.efi gets its own address through it; i386:
// 32-bit OVMF downloads GRUB, which fetches grub.cfg).
TEST(BuildBoot, PrunedFixtureRomsPassFullNetworkBoots) {
  std::string scratch = testing::makeScratchDir("build-boot");
  std::string tree = testing::copyMinipxe(scratch);
  auto build = runRomfit({"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e",
                          "--image", "legacy", "--image", "efi:i386", "--image", "efi:x86_64",
                          "--verify", "-o", scratch + "/out"});
  EXPECT_EQ(build.status, 0) << build.out << build.err;
  EXPECT_NE(build.out.find("legacy       seabios  PASS"), std::string::npos) << build.out;
  EXPECT_NE(build.out.find("efi:i386     ovmf32   PASS"), std::string::npos) << build.out;
  EXPECT_NE(build.out.find("efi:x86_64   ovmf     PASS"), std::string::npos) << build.out;
  EXPECT_NE(build.out.find("passed: 3 of 3 images passed"), std::string::npos) << build.out;
  EXPECT_TRUE(testing::fileExists(scratch + "/out/8086100e.rom"));
  // The unpruned ROM passes the same boots: the prune lost nothing they use.
  auto unpruned = runRomfit({"verify", "--boot", scratch + "/out/8086100e.unpruned.rom"});
  EXPECT_EQ(unpruned.status, 0) << unpruned.out << unpruned.err;
  EXPECT_NE(unpruned.out.find("passed: 3 of 3 images passed"), std::string::npos)
      << unpruned.out;
  llvm::sys::fs::remove_directories(scratch);
}

// The arm64 driver, cross-built as iPXE's is (--cross aarch64-linux-gnu-;
// scripts/setup installs gcc-aarch64-linux-gnu), passes the same kind of
// proof on AAVMF: qemu-system-aarch64 -M virt downloads GRUB's
// grubnetaa64.efi through the ROM's SNP, and GRUB fetches its grub.cfg.
TEST(BuildBoot, PrunedArm64FixtureRomPassesAFullNetworkBootOnAavmf) {
  std::string scratch = testing::makeScratchDir("build-boot-arm64");
  std::string tree = testing::copyMinipxe(scratch);
  auto build = runRomfit({"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e",
                          "--image", "efi:arm64", "--cross", "aarch64-linux-gnu-", "--verify",
                          "-o", scratch + "/out"});
  EXPECT_EQ(build.status, 0) << build.out << build.err;
  EXPECT_NE(build.out.find("efi:arm64    aavmf    PASS"), std::string::npos) << build.out;
  EXPECT_NE(build.out.find("passed: 1 of 1 images passed"), std::string::npos) << build.out;
  EXPECT_TRUE(testing::fileExists(scratch + "/out/8086100e.rom"));
  auto unpruned = runRomfit({"verify", "--boot", scratch + "/out/8086100e.unpruned.rom"});
  EXPECT_EQ(unpruned.status, 0) << unpruned.out << unpruned.err;
  EXPECT_NE(unpruned.out.find("efi:arm64    aavmf    PASS"), std::string::npos)
      << unpruned.out;
  EXPECT_NE(unpruned.out.find("passed: 1 of 1 images passed"), std::string::npos)
      << unpruned.out;
  llvm::sys::fs::remove_directories(scratch);
}

// riscv64 and loong64, cross-built with Debian 13's compilers from the root
// scripts/setup makes. Their firmwares have no network stack, so under
// CONFIG=qemu romfit's overlay keeps the drivers' own boot path: EDK2's boot
// manager calls LoadFile, the driver gets an address with DHCP, downloads
// the boot file over TFTP and has the firmware start it. On RISC-V EDK2 that
// is GRUB's network image, which fetches its grub.cfg through the driver's
// SNP; on LoongArch EDK2 the tree's own snponly.efi, which gets an address
// of its own through that SNP.
TEST(BuildBoot, FixtureDriversBootRiscvAndLoongArchFirmwareThroughTheirOwnBootPath) {
  std::string scratch = testing::makeScratchDir("build-boot-own-path");
  std::string tree = testing::copyMinipxe(scratch);
  auto build = runRomfit({"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e",
                          "--image", "efi:riscv64", "--image", "efi:loong64", "--cross",
                          "riscv64=riscv64-linux-gnu-", "--cross", "loong64=loongarch64-linux-gnu-",
                          "--verify", "-o", scratch + "/out"});
  EXPECT_EQ(build.status, 0) << build.out << build.err;
  EXPECT_NE(build.out.find("efi:riscv64  riscv-edk2 PASS"), std::string::npos) << build.out;
  EXPECT_NE(build.out.find("efi:loong64  loongarch-edk2 PASS"), std::string::npos) << build.out;
  EXPECT_NE(build.out.find("passed: 2 of 2 images passed"), std::string::npos) << build.out;
  auto overlay = readFileBytes(tree + "/config/local/qemu/general.h");
  ASSERT_TRUE(bool(overlay)) << llvm::toString(overlay.takeError());
  EXPECT_NE(std::string(overlay->begin(), overlay->end()).find("#undef EFI_DOWNGRADE_UX"),
            std::string::npos);
  llvm::sys::fs::remove_directories(scratch);
}

// The negative control of the test above: the same drivers built as iPXE
// builds them under CONFIG=qemu, SNP-only (no overlay), load and publish the
// NIC on both firmwares, which then end in their shell: an SNP-only image
// cannot network-boot a firmware without a network stack of its own.
TEST(BuildBoot, SnpOnlyFixtureDriversLoadButCannotBootRiscvOrLoongArchFirmware) {
  std::string scratch = testing::makeScratchDir("build-boot-snp-only");
  std::string tree = testing::copyMinipxe(scratch);
  support::ToolRoot root = support::ToolRoot::fromEnvironment();
  ASSERT_FALSE(bool(root.checkReady()));
  struct Arch {
    const char *cross, *bin, *firmware;
  };
  for (const Arch &arch : {Arch{"riscv64-linux-gnu-", "bin-riscv64-efi", "riscv-edk2"},
                           Arch{"loongarch64-linux-gnu-", "bin-loong64-efi", "loongarch-edk2"}}) {
    std::string bin = tree + "/" + arch.bin;
    auto make = testing::runProgram(
        "make", {"-C", tree, std::string("CROSS=") + root.hostCrossDirectory() + "/" + arch.cross,
                 "CONFIG=qemu", std::string(arch.bin) + "/8086100e.efirom",
                 std::string(arch.bin) + "/snponly.efi"});
    ASSERT_EQ(make.status, 0) << make.out << make.err;
    auto verify = runRomfit({"verify", "--boot", bin + "/8086100e.efirom", "--boot-program",
                             std::string("efi:loong64=") + bin + "/snponly.efi", "--timeout",
                             "120", "--json"});
    EXPECT_EQ(verify.status, 1) << verify.out << verify.err;
    EXPECT_NE(verify.out.find(std::string("\"firmware\": \"") + arch.firmware + "\""),
              std::string::npos)
        << verify.out;
    EXPECT_NE(verify.out.find("\"outcome\": \"firmware-gave-up\""), std::string::npos)
        << verify.out;
    // The driver ran and published the NIC: what is missing is a boot path.
    EXPECT_NE(verify.out.find(kDriverLine), std::string::npos) << verify.out;
  }
  llvm::sys::fs::remove_directories(scratch);
}

TEST(BuildBoot, ExpectedLinesReplaceTheBootProgramsCheck) {
  std::string scratch = testing::makeScratchDir("build-expect");
  std::string tree = testing::copyMinipxe(scratch);
  auto verified = runRomfit({"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e",
                             "--image", "efi:x86_64", "-o", scratch + "/efi-only",
                             "--expect", kDriverLine});
  EXPECT_EQ(verified.status, 0) << verified.out << verified.err;
  EXPECT_NE(verified.out.find("efi:x86_64   ovmf     PASS"), std::string::npos) << verified.out;
  auto never = runRomfit({"verify", "--boot", scratch + "/efi-only/8086100e.rom", "--expect",
                          "minipxe: a line the driver never prints"});
  EXPECT_EQ(never.status, 1) << never.out << never.err;

  // The pass is recorded against the ROM's bytes and the files QEMU ran, so
  // the same build again boots nothing, and says where its verdict came from.
  std::vector<std::string> again = {"build", "--ipxe", tree, "--config", "qemu", "--rom",
                                    "8086100e", "--image", "efi:x86_64", "-o",
                                    scratch + "/efi-only", "--expect", kDriverLine};
  auto cached = runRomfit(again);
  EXPECT_EQ(cached.status, 0) << cached.out << cached.err;
  EXPECT_NE(cached.out.find("not booted again (--reverify boots it)"), std::string::npos)
      << cached.out;
  EXPECT_NE(cached.out.find("efi:x86_64   ovmf     PASS"), std::string::npos) << cached.out;
  EXPECT_TRUE(testing::fileExists(scratch + "/efi-only/8086100e.rom"));
  EXPECT_FALSE(testing::fileExists(scratch + "/efi-only/8086100e.unverified.rom"));
  // What the check looks for is part of the key: other lines, another boot.
  again.back() = "minipxe: driver for 8086:100e";
  auto otherLines = runRomfit(again);
  EXPECT_EQ(otherLines.status, 0) << otherLines.out << otherLines.err;
  EXPECT_EQ(otherLines.out.find("not booted again"), std::string::npos) << otherLines.out;
  EXPECT_NE(otherLines.out.find("efi:x86_64   ovmf     PASS"), std::string::npos)
      << otherLines.out;
  // --reverify boots a ROM whose pass is on record.
  again.back() = kDriverLine;
  again.push_back("--reverify");
  auto reverified = runRomfit(again);
  EXPECT_EQ(reverified.status, 0) << reverified.out << reverified.err;
  EXPECT_EQ(reverified.out.find("not booted again"), std::string::npos) << reverified.out;
  EXPECT_NE(reverified.out.find("efi:x86_64   ovmf     PASS"), std::string::npos)
      << reverified.out;
  EXPECT_TRUE(testing::fileExists(scratch + "/efi-only/8086100e.rom"));
  llvm::sys::fs::remove_directories(scratch);
}

TEST(BuildBoot, LosingTheDriverTableLinksButFailsTheBootCheck) {
  std::string scratch = testing::makeScratchDir("build-trap");
  std::string tree = testing::copyMinipxe(scratch);
  std::string rules = scratch + "/no-driver-table.rules";
  std::ofstream(rules) << "cut efi_snp_load_file->ipxe stub ipxe=-1\n  why: as the default\n"
                          "require-policy table-consumers\n  why: as the default\n"
                          "driver-tables pci_drivers\n  why: efi_drivers left out on purpose\n";
  auto arguments = testing::minipxeBuild(tree, scratch + "/out");
  arguments.insert(arguments.end(), {"--rules", rules});
  auto build = runRomfit(arguments);
  ASSERT_EQ(build.status, 0) << build.out << build.err;
  EXPECT_FALSE(testing::membersInMap(scratch + "/out/8086100e/efi-x86_64/pruned.map")
                   .count("efi_snp.o"));
  auto verify = runRomfit({"verify", "--boot", scratch + "/out/8086100e.unverified.rom", "--firmware",
                           "ovmf", "--expect", kDriverLine});
  EXPECT_EQ(verify.status, 1) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("efi:x86_64   ovmf     FAIL"), std::string::npos) << verify.out;

  // The build's own proof catches it too, and moves the ROM out of the way
  // of whatever packages OUTDIR's ROMs.
  arguments = {"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e", "--image",
               "efi:x86_64", "--rules", rules, "--expect", kDriverLine, "-o", scratch + "/proved"};
  auto proved = runRomfit(arguments);
  EXPECT_EQ(proved.status, 1) << proved.out << proved.err;
  EXPECT_NE(proved.out.find("failed its boot proof"), std::string::npos) << proved.out;
  EXPECT_FALSE(testing::fileExists(scratch + "/proved/8086100e.rom"));
  EXPECT_TRUE(testing::fileExists(scratch + "/proved/8086100e.failed.rom"));
  EXPECT_FALSE(testing::fileExists(scratch + "/proved/8086100e.unverified.rom"));
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit
