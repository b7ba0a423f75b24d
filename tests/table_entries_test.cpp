// ctest-labels: slow
// Entry-level table rules on the fixture: under table-consumers, `keep`
// counts only the named entries of a table, `drop` every other one, and a
// name no member of the link puts in the table is an error, not a silent
// no-op.
#include <gtest/gtest.h>

#include <map>

#include "prune/prune_record.h"
#include "tests/build_fixture.h"

namespace romfit::testing {
namespace {

// The default rule set plus one entry rule for efi_drivers, built without
// the boot proof; returns the build and the pruned link's members.
struct Built {
  CommandResult build;
  std::set<std::string> members;
};

Built buildWithEntryRule(const std::string &scratch, const std::string &tree,
                         const std::string &name, const std::string &rule,
                         const std::vector<std::string> &image = {"--image", "efi:x86_64"}) {
  std::string rules = scratch + "/" + name + ".rules";
  std::ofstream(rules) << readText(ROMFIT_SOURCE_DIR "/prune/efi-downgrade-ux.rules") << rule
                       << "\n  why: test\n";
  std::string out = scratch + "/" + name;
  Built built;
  std::vector<std::string> arguments{"build", "--ipxe", tree, "--config", "qemu", "--rom",
                                     "8086100e", "--no-verify", "--rules", rules, "-o", out};
  arguments.insert(arguments.end(), image.begin(), image.end());
  built.build = runRomfit(arguments);
  std::string arch = image[1].substr(image[1].find(':') + 1);
  built.members = membersInMap(out + "/8086100e/efi-" + arch + "/pruned.map");
  return built;
}

TEST(TableEntries, KeepAndDropChooseWhichFeedersCount) {
  std::string scratch = makeScratchDir("table-entries");
  std::string tree = copyMinipxe(scratch);

  // efi_snp.o is in the link only through config.c's REQUIRE; its
  // efi_drivers entry is what keeps it back.
  Built kept = buildWithEntryRule(scratch, tree, "keep",
                                  "table-entries efi_drivers keep efi_snp_driver");
  ASSERT_EQ(kept.build.status, 0) << kept.build.out << kept.build.err;
  EXPECT_TRUE(kept.members.count("efi_snp.o"));
  EXPECT_TRUE(kept.members.count("intel.o"));
  // prune.json names the entry that kept it, for romfit shrink to propose.
  auto record = prune::parsePruneRecord(
      readText(scratch + "/keep/8086100e/efi-x86_64/prune.json"), "prune.json");
  ASSERT_TRUE(bool(record)) << llvm::toString(record.takeError());
  // efi_snp for efi_drivers; ipv6 and lldp for net_drivers, which no entry
  // rule narrows here.
  std::map<std::string, std::vector<std::string>> keptFor;
  for (const auto &kept : record->keptRequires) {
    keptFor[kept.symbol] = kept.entries;
    EXPECT_GT(kept.bytes, 0u) << kept.symbol;
  }
  EXPECT_EQ(keptFor.size(), 3u);
  EXPECT_EQ(keptFor["obj_efi_snp"], std::vector<std::string>{"efi_snp_driver"});
  EXPECT_EQ(keptFor["obj_ipv6"], std::vector<std::string>{"ipv6_driver"});
  EXPECT_EQ(keptFor["obj_lldp"], std::vector<std::string>{"lldp_driver"});

  Built dropped = buildWithEntryRule(scratch, tree, "drop",
                                     "table-entries efi_drivers drop efi_snp_driver");
  ASSERT_EQ(dropped.build.status, 0) << dropped.build.out << dropped.build.err;
  EXPECT_FALSE(dropped.members.count("efi_snp.o"));
  EXPECT_TRUE(dropped.members.count("efi_driver.o"));  // the table's consumer stays

  Built typo = buildWithEntryRule(scratch, tree, "typo",
                                  "table-entries efi_drivers keep efi_snp_drivr");
  EXPECT_EQ(typo.build.status, 2);
  EXPECT_NE(typo.build.err.find("no member of this link puts an entry 'efi_snp_drivr' into "
                                "table efi_drivers (it has: efi_snp_driver)"),
            std::string::npos)
      << typo.build.err;
  llvm::sys::fs::remove_directories(scratch);
}

// AArch64 objects mark their data with a local "$d" mapping symbol, which
// also sits in every table entry's section: it is not an entry, or a drop
// rule could never name all of a member's entries and would drop nothing.
TEST(TableEntries, Arm64MappingSymbolsAreNotEntries) {
  std::string scratch = makeScratchDir("table-entries-arm64");
  std::string tree = copyMinipxe(scratch);
  Built dropped = buildWithEntryRule(scratch, tree, "drop",
                                     "table-entries net_drivers drop ipv6_driver lldp_driver",
                                     {"--image", "efi:arm64", "--cross", "aarch64-linux-gnu-"});
  ASSERT_EQ(dropped.build.status, 0) << dropped.build.out << dropped.build.err;
  EXPECT_FALSE(dropped.members.count("ipv6.o"));
  EXPECT_FALSE(dropped.members.count("lldp.o"));
  EXPECT_TRUE(dropped.members.count("efi_snp.o"));
  auto record = prune::parsePruneRecord(
      readText(scratch + "/drop/8086100e/efi-arm64/prune.json"), "prune.json");
  ASSERT_TRUE(bool(record)) << llvm::toString(record.takeError());
  for (const auto &kept : record->keptRequires)
    for (const std::string &entry : kept.entries)
      EXPECT_NE(entry.front(), '$') << kept.symbol;
  llvm::sys::fs::remove_directories(scratch);
}

// A cut takes effect by its target's member leaving the link, the stub
// standing in; a target the relink still defines would be cut in the model
// and not in the ROM, so the rule set is refused, naming why.
TEST(TableEntries, ACutWhoseTargetStaysDefinedIsRefused) {
  std::string scratch = makeScratchDir("cut-kept-target");
  std::string tree = copyMinipxe(scratch);
  Built cut = buildWithEntryRule(scratch, tree, "cut", "cut find_netdev stub find_netdev=0");
  EXPECT_EQ(cut.build.status, 2) << cut.build.out << cut.build.err;
  EXPECT_NE(cut.build.err.find("cut.rules:"), std::string::npos) << cut.build.err;
  EXPECT_NE(cut.build.err.find("cut 'find_netdev' would remove nothing: netdevice.o still "
                               "defines 'find_netdev' and the relink keeps it"),
            std::string::npos)
      << cut.build.err;
  EXPECT_FALSE(fileExists(scratch + "/cut/8086100e.rom"));
  EXPECT_FALSE(fileExists(scratch + "/cut/8086100e.unverified.rom"));
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit::testing
