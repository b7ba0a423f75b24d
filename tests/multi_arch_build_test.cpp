// ctest-labels: slow
// Runs make, gcc and the aarch64 cross gcc on the minipxe fixture (no QEMU).
// Several architectures in one romfit build: the legacy image and the
// x86_64 driver with the host's compiler, the arm64 driver with
// CROSS=aarch64-linux-gnu-, packed into one ROM; and, although each bin
// directory's first build leaves the others' objects stale once (the
// fixture's config/named.h, as iPXE's), a second identical build runs
// nothing, neither make nor ninja.
#include <gtest/gtest.h>

#include "rom/pci_rom.h"
#include "rom/pe_summary.h"
#include "support/file_io.h"
#include "tests/build_fixture.h"

namespace romfit::testing {
namespace {

std::vector<std::string> threeArchitectureBuild(const std::string &tree, const std::string &out) {
  return {"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e",
          "--image", "legacy", "--image", "efi:x86_64", "--image", "efi:arm64",
          "--cross", "arm64=aarch64-linux-gnu-", "--no-verify", "-o", out};
}

// Each EFI image's machine, as the PCI EFI ROM header declares it and as
// its PE header does.
void expectMachines(const std::string &romPath) {
  SCOPED_TRACE(romPath);
  auto bytes = readFileBytes(romPath);
  ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
  auto rom = pci::parse(*bytes);
  ASSERT_TRUE(bool(rom)) << llvm::toString(rom.takeError());
  ASSERT_EQ(rom->images.size(), 3u);
  EXPECT_TRUE(rom->images[0].legacy);
  const uint16_t expected[] = {pe::kMachineX64, pe::kMachineAArch64};
  for (size_t i = 0; i < 2; ++i) {
    const pci::Image &image = rom->images[i + 1];
    ASSERT_TRUE(image.efi) << "image " << i + 1;
    EXPECT_EQ(image.efi->machine, expected[i]) << pe::machineName(image.efi->machine);
    ASSERT_TRUE(image.efi->pe) << image.efi->peUnavailable;
    EXPECT_EQ(image.efi->pe->machine, expected[i]) << pe::machineName(image.efi->pe->machine);
  }
}

TEST(MultiArchBuild, OneBuildMakesEachArchitectureWithItsOwnCrossAndASecondRunsNothing) {
  std::string scratch = makeScratchDir("multi-arch-build");
  std::string tree = copyMinipxe(scratch);
  ASSERT_FALSE(tree.empty());
  std::string out = scratch + "/out";

  auto first = runRomfit(threeArchitectureBuild(tree, out));
  ASSERT_EQ(first.status, 0) << first.out << first.err;
  expectMachines(out + "/8086100e.unverified.rom");
  expectMachines(out + "/8086100e.unpruned.rom");
  // Both drivers were pruned, each from its own architecture's link.
  for (const char *arch : {"x86_64", "arm64"}) {
    std::string dir = out + "/8086100e/efi-" + arch;
    EXPECT_EQ(membersInPruneJson(dir + "/prune.json"), membersInMap(dir + "/pruned.map")) << arch;
  }
  // The arm64 make ran with the cross prefix and the host's without it:
  // their archives hold AArch64 and x86-64 objects.
  auto header = [&](const std::string &member) {
    return runProgram("readelf", {"-h", tree + "/" + member}).out;
  };
  EXPECT_NE(header("bin-arm64-efi/intel.o").find("AArch64"), std::string::npos);
  EXPECT_NE(header("bin-x86_64-efi/intel.o").find("X86-64"), std::string::npos);
  // The arm64 directory's first build touched config/named.h after the x86_64
  // objects were built; romfit built them again before it went on.
  EXPECT_NE(first.out.find("[TOUCH] config/named.h"), std::string::npos) << first.out;

  auto second = runRomfit(threeArchitectureBuild(tree, out));
  ASSERT_EQ(second.status, 0) << second.out << second.err;
  EXPECT_NE(second.out.find("ninja: no work to do."), std::string::npos) << second.out;
  for (const char *work : {"[BUILD]", "[TOUCH]", "[AR]", "[VERSION]", "[HOSTCC]", "[ROM]"})
    EXPECT_EQ(second.out.find(work), std::string::npos) << work << "\n" << second.out;
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit::testing
