// ctest-labels: boot
// romfit shrink on the fixture, with real builds and boots as its oracle:
// the one member the prune keeps back for a driver table (efi_snp.o, for
// efi_drivers) is what the driver is, so dropping it fails the boot and
// shrink says nothing is removable.
#include <gtest/gtest.h>

#include "tests/build_fixture.h"

namespace romfit::testing {
namespace {

TEST(ShrinkBoot, KeepsWhatTheBootNeedsAndSaysWhatItTried) {
  std::string scratch = makeScratchDir("shrink-boot");
  std::string tree = copyMinipxe(scratch);
  auto shrink = runRomfit({"shrink", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e",
                           "--image", "efi:x86_64", "-o", scratch + "/out"});
  ASSERT_EQ(shrink.status, 0) << shrink.out << shrink.err;
  EXPECT_NE(shrink.out.find("1 candidate removal:\n  efi_drivers efi_snp_driver (obj_efi_snp)"),
            std::string::npos)
      << shrink.out;
  EXPECT_NE(shrink.out.find("trial 1: without obj_efi_snp: "), std::string::npos) << shrink.out;
  EXPECT_NE(shrink.out.find("removable: nothing"), std::string::npos) << shrink.out;
  EXPECT_NE(shrink.out.find("not exercised by the boots: link loss"), std::string::npos);
  std::string rules = readText(scratch + "/out/shrunk.rules");
  EXPECT_EQ(rules.find("table-entries"), std::string::npos) << rules;
  EXPECT_NE(readText(scratch + "/out/shrink-log.txt").find("FAIL"), std::string::npos);
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit::testing
