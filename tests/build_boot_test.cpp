// ctest-labels: boot
// The boot proof for romfit build: the pruned fixture ROMs pass full network
// boots, and a rule set that loses the driver's table consumer links cleanly
// but is caught by the boot check.
#include <gtest/gtest.h>

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
  auto verify = runRomfit({"verify", "--boot", scratch + "/out/8086100e.rom", "--firmware",
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
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit
