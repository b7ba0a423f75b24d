#include <gtest/gtest.h>

#include "prune/rule_set.h"

#include <fstream>

#include <llvm/Support/FileSystem.h>

#include "tests/test_support.h"

namespace romfit::prune {
namespace {

std::string parseError(const char *text) {
  auto rules = parseRuleSet(text, "test.rules");
  if (rules)
    return "";
  return llvm::toString(rules.takeError());
}

// The set for firmwares without a network stack keeps iPXE's boot path but
// not the shell: it must not cut LoadFile's way into ipxe().
TEST(RuleSet, TheNetbootSetCutsTheShellButNotTheBootPath) {
  auto rules = loadRuleSet(ROMFIT_SOURCE_DIR "/prune/efi-netboot.rules");
  ASSERT_TRUE(bool(rules)) << llvm::toString(rules.takeError());
  EXPECT_TRUE(rules->appliesToKind("efi"));
  std::vector<std::string> cuts;
  for (const CutRule &cut : rules->cuts) {
    cuts.push_back(cut.cut);
    EXPECT_FALSE(cut.reason.empty()) << cut.cut;
  }
  EXPECT_TRUE(llvm::is_contained(cuts, "ipxe->shell"));
  EXPECT_FALSE(llvm::is_contained(cuts, "efi_snp_load_file->ipxe"));
  for (const std::string &cut : cuts)
    EXPECT_EQ(llvm::StringRef(cut).find("->netboot"), llvm::StringRef::npos) << cut;
  EXPECT_EQ(rules->require, RequireRule::TableConsumers);
}

TEST(RuleSet, TheDefaultRuleSetParsesWithAReasonForEveryRule) {
  auto rules = loadRuleSet(ROMFIT_SOURCE_DIR "/prune/efi-downgrade-ux.rules");
  ASSERT_TRUE(bool(rules)) << llvm::toString(rules.takeError());
  EXPECT_TRUE(rules->appliesToKind("efi"));
  EXPECT_FALSE(rules->appliesToKind("legacy"));
  ASSERT_EQ(rules->cuts.size(), 1u);
  EXPECT_EQ(rules->cuts[0].cut, "efi_snp_load_file->ipxe");
  ASSERT_EQ(rules->cuts[0].stubs.size(), 1u);
  EXPECT_EQ(rules->cuts[0].stubs[0].symbol, "ipxe");
  EXPECT_EQ(rules->cuts[0].stubs[0].returnValue, -1);
  EXPECT_NE(rules->cuts[0].reason.find("LoadFile"), std::string::npos);
  EXPECT_EQ(rules->require, RequireRule::TableConsumers);
  EXPECT_FALSE(rules->requireReason.empty());
}

TEST(RuleSet, ReasonsJoinAcrossLinesAndCommentsAreIgnored) {
  auto rules = parseRuleSet("cut a->b # trailing\n  why: first\n\n  why: second\ncut c\n  why: x\n",
                            "t.rules");
  ASSERT_TRUE(bool(rules)) << llvm::toString(rules.takeError());
  ASSERT_EQ(rules->cuts.size(), 2u);
  EXPECT_EQ(rules->cuts[0].reason, "first second");
  EXPECT_EQ(rules->cuts[1].cut, "c");
  EXPECT_EQ(rules->cuts[1].line, 5u);
}

TEST(RuleSet, ErrorsNameFileAndLine) {
  EXPECT_EQ(parseError("cut a->b\n"),
            "test.rules:1: this rule has no 'why:' line; every rule must give its reason");
  EXPECT_EQ(parseError("cut a->b\n  why: ok\nfrobnicate x\n"),
            "test.rules:3: unknown rule 'frobnicate' (extends, description, applies-to, "
            "precondition, require-policy, driver-tables, table-entries, cut)");
  EXPECT_EQ(parseError("  why: orphan\n"), "test.rules:1: 'why:' must follow a rule");
  EXPECT_EQ(parseError("require-policy sometimes\n  why: x\n"),
            "test.rules:1: unknown require-policy 'sometimes' (keep, intent-only, table-consumers)");
  EXPECT_EQ(parseError("cut a stub =3\n  why: x\n"),
            "test.rules:1: stub needs SYMBOL or SYMBOL=INTEGER, not '=3'");
  EXPECT_EQ(parseError("precondition unreferenced g in\n  why: x\n"),
            "test.rules:1: precondition takes 'unreferenced SYMBOL [in OBJECT...]' or "
            "'defined SYMBOL...'");
  EXPECT_EQ(parseError("precondition referenced g\n  why: x\n"),
            "test.rules:1: precondition takes 'unreferenced SYMBOL [in OBJECT...]' or "
            "'defined SYMBOL...'");
  EXPECT_EQ(parseError("precondition defined\n  why: x\n"),
            "test.rules:1: precondition takes 'unreferenced SYMBOL [in OBJECT...]' or "
            "'defined SYMBOL...'");
  EXPECT_EQ(parseError("precondition unreferenced g in a.o\n"),
            "test.rules:1: this rule has no 'why:' line; every rule must give its reason");
  EXPECT_EQ(parseError("applies-to bios\n"),
            "test.rules:1: unknown image kind 'bios' (efi or legacy)");
  EXPECT_EQ(parseError("table-entries net_drivers efi_snp_driver\n  why: x\n"),
            "test.rules:1: table-entries takes 'TABLE keep|drop SYMBOL...'");
  EXPECT_EQ(parseError("table-entries net_drivers keep\n  why: x\n"),
            "test.rules:1: table-entries takes 'TABLE keep|drop SYMBOL...'");
  EXPECT_EQ(parseError("table-entries t keep a\n  why: x\ntable-entries t drop b\n  why: y\n"),
            "test.rules:3: table t already has a 'keep' rule (line 1): one table keeps or "
            "drops, not both");
  EXPECT_EQ(parseError("require-policy keep\n  why: x\ntable-entries t keep a\n  why: y\n"),
            "test.rules:3: table-entries needs 'require-policy table-consumers'");
}

TEST(RuleSet, TableEntryRulesKeepTheirTableEntriesAndReason) {
  auto rules = parseRuleSet("require-policy table-consumers\n  why: p\n"
                            "table-entries net_drivers keep efi_snp_driver vlan_driver\n"
                            "  why: only SNP\ntable-entries timers drop rdtsc_timer\n  why: r\n",
                            "t.rules");
  ASSERT_TRUE(bool(rules)) << llvm::toString(rules.takeError());
  ASSERT_EQ(rules->tableEntries.size(), 2u);
  EXPECT_EQ(rules->tableEntries[0].table, "net_drivers");
  EXPECT_TRUE(rules->tableEntries[0].keep);
  EXPECT_EQ(rules->tableEntries[0].entries,
            (std::vector<std::string>{"efi_snp_driver", "vlan_driver"}));
  EXPECT_EQ(rules->tableEntries[0].reason, "only SNP");
  EXPECT_FALSE(rules->tableEntries[1].keep);
  EXPECT_EQ(rules->tableEntries[1].line, 5u);
}

TEST(RuleSet, PreconditionsKeepTheirMembersLineAndReason) {
  auto rules = parseRuleSet("precondition unreferenced real_guid in a.o b.o\n  why: because\n",
                            "p.rules");
  ASSERT_TRUE(bool(rules)) << llvm::toString(rules.takeError());
  ASSERT_EQ(rules->preconditions.size(), 1u);
  EXPECT_EQ(rules->preconditions[0].symbol, "real_guid");
  EXPECT_EQ(rules->preconditions[0].members, (std::vector<std::string>{"a.o", "b.o"}));
  EXPECT_EQ(rules->preconditions[0].reason, "because");
  EXPECT_EQ(rules->preconditions[0].line, 1u);
  EXPECT_EQ(rules->preconditions[0].text(), "unreferenced real_guid in a.o b.o");
}

TEST(RuleSet, DefinedPreconditionsListTheirSymbols) {
  auto rules = parseRuleSet("precondition defined a_driver b_fn\n  why: read in a.c\n", "p.rules");
  ASSERT_TRUE(bool(rules)) << llvm::toString(rules.takeError());
  ASSERT_EQ(rules->preconditions.size(), 1u);
  EXPECT_EQ(rules->preconditions[0].kind, Precondition::Kind::Defined);
  EXPECT_EQ(rules->preconditions[0].symbols, (std::vector<std::string>{"a_driver", "b_fn"}));
  EXPECT_EQ(rules->preconditions[0].text(), "defined a_driver b_fn");
}

class ExtendsTest : public ::testing::Test {
protected:
  void SetUp() override { dir = testing::makeScratchDir("rules-extends"); }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }
  std::string write(const std::string &name, const std::string &text) {
    std::string path = dir + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  std::string dir;
};

// A set that extends another has all its rules, each still naming the file
// and line it is written in (so a failing one is found where it is), and
// adds its own; what it states itself replaces what it would inherit.
TEST_F(ExtendsTest, InheritedRulesKeepTheirFileAndLine) {
  std::string base = write("base.rules",
                           "description base\n"
                           "applies-to efi legacy\n"
                           "precondition unreferenced g\n  why: base reason\n"
                           "require-policy table-consumers\n  why: tables\n"
                           "driver-tables t1\n  why: t1 matters\n"
                           "cut a->b stub b\n  why: base cut\n");
  std::string lean = write("lean.rules",
                           "# comment lines come first\n"
                           "extends base.rules\n"
                           "description lean\n"
                           "applies-to efi\n"
                           "table-entries t1 drop e1\n  why: read\n"
                           "cut c->d stub d=0\n  why: lean cut\n");
  auto rules = loadRuleSet(lean);
  ASSERT_TRUE(bool(rules)) << llvm::toString(rules.takeError());
  EXPECT_EQ(rules->path, lean);
  EXPECT_EQ(rules->description, "lean");
  EXPECT_EQ(rules->appliesTo, (std::vector<std::string>{"efi"}));
  EXPECT_EQ(rules->require, RequireRule::TableConsumers);
  EXPECT_EQ(rules->driverTables, (std::vector<std::string>{"t1"}));
  ASSERT_EQ(rules->preconditions.size(), 1u);
  EXPECT_EQ(rules->preconditions[0].file, base);
  EXPECT_EQ(rules->preconditions[0].line, 3u);
  ASSERT_EQ(rules->cuts.size(), 2u);
  EXPECT_EQ(rules->cuts[0].cut, "a->b");
  EXPECT_EQ(rules->cuts[0].file, base);
  EXPECT_EQ(rules->cuts[0].line, 9u);
  EXPECT_EQ(rules->cuts[1].cut, "c->d");
  EXPECT_EQ(rules->cuts[1].file, lean);
  EXPECT_EQ(rules->cuts[1].line, 7u);
  ASSERT_EQ(rules->tableEntries.size(), 1u);
  EXPECT_EQ(rules->tableEntries[0].file, lean);
}

TEST_F(ExtendsTest, MisuseIsNamed) {
  write("ok.rules", "cut a\n  why: x\n");
  std::string late = write("late.rules", "cut b\n  why: y\nextends ok.rules\n");
  auto rules = loadRuleSet(late);
  ASSERT_FALSE(bool(rules));
  EXPECT_EQ(llvm::toString(rules.takeError()),
            late + ":3: extends must come before every other rule");
  std::string missing = write("missing.rules", "extends absent.rules\n");
  rules = loadRuleSet(missing);
  ASSERT_FALSE(bool(rules));
  std::string message = llvm::toString(rules.takeError());
  EXPECT_NE(message.find(missing + ":1: extends absent.rules"), std::string::npos) << message;
  EXPECT_NE(message.find(dir + "/absent.rules"), std::string::npos) << message;
  std::string loop = write("loop.rules", "extends loop.rules\n");
  rules = loadRuleSet(loop);
  ASSERT_FALSE(bool(rules));
  message = llvm::toString(rules.takeError());
  EXPECT_NE(message.find("extends nests more than 4 rule sets deep"), std::string::npos)
      << message;
}

// What `extends` may name that is no rule set: a directory, and a device
// that never ends (read up to the input cap, never forever).
TEST_F(ExtendsTest, ADirectoryOrAnEndlessDeviceIsRefused) {
  std::string directory = write("directory.rules", "extends /\n");
  auto rules = loadRuleSet(directory);
  ASSERT_FALSE(bool(rules));
  EXPECT_EQ(llvm::toString(rules.takeError()),
            directory + ":1: extends /: /: cannot read: Is a directory");
  std::string endless = write("endless.rules", "extends /dev/zero\n");
  rules = loadRuleSet(endless);
  ASSERT_FALSE(bool(rules));
  EXPECT_EQ(llvm::toString(rules.takeError()),
            endless + ":1: extends /dev/zero: /dev/zero: cannot read: over the 256 MiB limit "
                      "for an input file (docs/limits.md)");
}

TEST(RuleSet, BuiltInSetsParseStrongestFirst) {
  std::vector<std::string> paths = builtInRuleSets(ROMFIT_SOURCE_DIR "/prune");
  ASSERT_EQ(paths.size(), 3u);
  for (const std::string &path : paths) {
    auto rules = loadRuleSet(path);
    ASSERT_TRUE(bool(rules)) << llvm::toString(rules.takeError());
  }
  // efi-snp-only is the downgrade set and more: its own preconditions come
  // after the downgrade set's, which it names where they are written.
  auto lean = loadRuleSet(paths[0]);
  ASSERT_TRUE(bool(lean));
  EXPECT_NE(lean->path.find("efi-snp-only.rules"), std::string::npos);
  ASSERT_EQ(lean->preconditions.size(), 3u);
  EXPECT_NE(lean->preconditions[0].file.find("efi-downgrade-ux.rules"), std::string::npos);
  EXPECT_EQ(lean->preconditions[2].kind, Precondition::Kind::Defined);
  EXPECT_EQ(lean->cuts.size(), 3u);
  auto downgrade = loadRuleSet(paths[1]);
  ASSERT_TRUE(bool(downgrade));
  ASSERT_EQ(downgrade->preconditions.size(), 2u);
  // Every object but the GUID's definer: robust to the code moving files.
  EXPECT_EQ(downgrade->preconditions[0].text(), "unreferenced efi_load_file_protocol_guid");
  EXPECT_TRUE(downgrade->preconditions[0].members.empty());
  EXPECT_EQ(downgrade->preconditions[1].text(),
            "unreferenced efi_pxe_base_code_protocol_guid in efi_pxe.o");
  EXPECT_FALSE(downgrade->cuts.empty());
  auto full = loadRuleSet(paths[2]);
  ASSERT_TRUE(bool(full));
  EXPECT_TRUE(full->cuts.empty());  // the LoadFile path into ipxe() stays
}

TEST(RuleSet, MissingFileIsNamed) {
  auto rules = loadRuleSet("/nonexistent/x.rules");
  ASSERT_FALSE(bool(rules));
  EXPECT_NE(llvm::toString(rules.takeError()).find("/nonexistent/x.rules"), std::string::npos);
}

} // namespace
} // namespace romfit::prune
