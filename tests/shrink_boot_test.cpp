// ctest-labels: boot
// romfit shrink on the fixture, with real builds and boots as its oracle.
// The fixture's design makes exactly two of the three members its prune
// keeps back removable: ipv6.o and lldp.o sit behind registration-time
// net_drivers entries nothing in the boot uses, while efi_snp.o (the
// efi_drivers entry) is the driver itself.
#include <gtest/gtest.h>

#include <algorithm>
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

  // The rule set drops exactly ipv6 and lldp from net_drivers, a rule each
  // with its member's own bytes.
  std::string shrunk = readText(scratch + "/out/shrunk.rules");
  std::istringstream rules(shrunk);
  std::vector<std::string> drops;
  for (std::string line; std::getline(rules, line);)
    if (line.rfind("table-entries", 0) == 0)
      drops.push_back(line);
  std::sort(drops.begin(), drops.end());
  EXPECT_EQ(drops, (std::vector<std::string>{"table-entries net_drivers drop ipv6_driver",
                                             "table-entries net_drivers drop lldp_driver"}))
      << shrunk;
  for (const char *member : {"obj_ipv6", "obj_lldp"})
    EXPECT_NE(shrunk.find(std::string("  why: ") + member + "'s member: "), std::string::npos)
        << member << "\n" << shrunk;

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
