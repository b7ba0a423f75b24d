// ctest-labels: boot
// romfit shrink on the fixture, with real builds and boots as its oracle.
// The fixture's design makes exactly two of the three members its prune
// keeps back removable: ipv6.o and lldp.o sit behind registration-time
// net_drivers entries nothing in the boot uses, while efi_snp.o (the
// efi_drivers entry) is the driver itself.
#include <gtest/gtest.h>

#include <sstream>

#include "tests/build_fixture.h"

namespace romfit::testing {
namespace {

TEST(ShrinkBoot, RemovesTheUnusedNetDriversAndKeepsTheOneTheBootNeeds) {
  std::string scratch = makeScratchDir("shrink-boot");
  std::string tree = copyMinipxe(scratch);
  auto shrink = runRomfit({"shrink", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e",
                           "--image", "efi:x86_64", "-o", scratch + "/out"});
  ASSERT_EQ(shrink.status, 0) << shrink.out << shrink.err;
  EXPECT_NE(shrink.out.find("3 candidate removals:"), std::string::npos) << shrink.out;
  for (const char *candidate : {"efi_drivers efi_snp_driver (obj_efi_snp, ",
                                "net_drivers ipv6_driver (obj_ipv6, ",
                                "net_drivers lldp_driver (obj_lldp, "})
    EXPECT_NE(shrink.out.find(candidate), std::string::npos) << candidate << "\n" << shrink.out;
  EXPECT_NE(shrink.out.find("not exercised by the boots: link loss"), std::string::npos);

  // The rule set drops exactly ipv6 and lldp from net_drivers.
  std::istringstream rules(readText(scratch + "/out/shrunk.rules"));
  std::vector<std::string> drops;
  for (std::string line; std::getline(rules, line);)
    if (line.rfind("table-entries", 0) == 0)
      drops.push_back(line);
  ASSERT_EQ(drops.size(), 1u) << readText(scratch + "/out/shrunk.rules");
  EXPECT_EQ(drops[0].rfind("table-entries net_drivers drop ", 0), 0u) << drops[0];
  EXPECT_NE(drops[0].find("ipv6_driver"), std::string::npos) << drops[0];
  EXPECT_NE(drops[0].find("lldp_driver"), std::string::npos) << drops[0];
  EXPECT_EQ(drops[0].find("efi_snp_driver"), std::string::npos) << drops[0];

  // The last trial log line that removed efi_snp failed; the result passed.
  std::string log = readText(scratch + "/out/shrink-log.txt");
  EXPECT_NE(log.find("obj_efi_snp"), std::string::npos) << log;
  EXPECT_NE(log.find("FAIL"), std::string::npos) << log;
  EXPECT_NE(log.find("PASS"), std::string::npos) << log;

  // The shrunk rule set builds a ROM that passes, and lacks both members.
  auto rebuilt = runRomfit({"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e",
                            "--image", "efi:x86_64", "--verify", "--rules",
                            scratch + "/out/shrunk.rules", "-o", scratch + "/shrunk"});
  EXPECT_EQ(rebuilt.status, 0) << rebuilt.out << rebuilt.err;
  std::set<std::string> members = membersInMap(scratch + "/shrunk/8086100e/efi-x86_64/pruned.map");
  EXPECT_FALSE(members.count("ipv6.o"));
  EXPECT_FALSE(members.count("lldp.o"));
  EXPECT_TRUE(members.count("efi_snp.o"));
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit::testing
