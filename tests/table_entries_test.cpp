// ctest-labels: slow
// Entry-level table rules on the fixture: under table-consumers, `keep`
// counts only the named entries of a table, `drop` every other one, and a
// name no member of the link puts in the table is an error, not a silent
// no-op.
#include <gtest/gtest.h>

#include <map>

#include "rules/prune_record.h"
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
                         const std::string &name, const std::string &rule) {
  std::string rules = scratch + "/" + name + ".rules";
  std::ofstream(rules) << readText(ROMFIT_SOURCE_DIR "/rules/efi-downgrade-ux.rules") << rule
                       << "\n  why: test\n";
  std::string out = scratch + "/" + name;
  Built built;
  built.build = runRomfit({"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e",
                           "--image", "efi:x86_64", "--no-verify", "--rules", rules, "-o", out});
  built.members = membersInMap(out + "/8086100e/efi-x86_64/pruned.map");
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
  auto record = rules::parsePruneRecord(
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
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit::testing
