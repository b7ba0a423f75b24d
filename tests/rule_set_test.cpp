#include <gtest/gtest.h>

#include "rules/rule_set.h"

namespace romfit::rules {
namespace {

std::string parseError(const char *text) {
  auto rules = parseRuleSet(text, "test.rules");
  if (rules)
    return "";
  return llvm::toString(rules.takeError());
}

TEST(RuleSet, TheDefaultRuleSetParsesWithAReasonForEveryRule) {
  auto rules = loadRuleSet(ROMFIT_SOURCE_DIR "/rules/efi-downgrade-ux.rules");
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
            "test.rules:3: unknown rule 'frobnicate' (description, applies-to, precondition, "
            "require-policy, driver-tables, table-entries, cut)");
  EXPECT_EQ(parseError("  why: orphan\n"), "test.rules:1: 'why:' must follow a rule");
  EXPECT_EQ(parseError("require-policy sometimes\n  why: x\n"),
            "test.rules:1: unknown require-policy 'sometimes' (keep, intent-only, table-consumers)");
  EXPECT_EQ(parseError("cut a stub =3\n  why: x\n"),
            "test.rules:1: stub needs SYMBOL or SYMBOL=INTEGER, not '=3'");
  EXPECT_EQ(parseError("precondition unreferenced g in\n  why: x\n"),
            "test.rules:1: precondition takes 'unreferenced SYMBOL [in OBJECT...]'");
  EXPECT_EQ(parseError("precondition referenced g\n  why: x\n"),
            "test.rules:1: precondition takes 'unreferenced SYMBOL [in OBJECT...]'");
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

TEST(RuleSet, BuiltInSetsParseAndTheDowngradeSetStatesItsPreconditions) {
  std::vector<std::string> paths = builtInRuleSets(ROMFIT_SOURCE_DIR "/rules");
  ASSERT_EQ(paths.size(), 2u);
  for (const std::string &path : paths) {
    auto rules = loadRuleSet(path);
    ASSERT_TRUE(bool(rules)) << llvm::toString(rules.takeError());
  }
  auto downgrade = loadRuleSet(paths[0]);
  ASSERT_TRUE(bool(downgrade));
  ASSERT_EQ(downgrade->preconditions.size(), 2u);
  // Every object but the GUID's definer: robust to the code moving files.
  EXPECT_EQ(downgrade->preconditions[0].text(), "unreferenced efi_load_file_protocol_guid");
  EXPECT_TRUE(downgrade->preconditions[0].members.empty());
  EXPECT_EQ(downgrade->preconditions[1].text(),
            "unreferenced efi_pxe_base_code_protocol_guid in efi_pxe.o");
  EXPECT_FALSE(downgrade->cuts.empty());
  auto full = loadRuleSet(paths[1]);
  ASSERT_TRUE(bool(full));
  EXPECT_TRUE(full->cuts.empty());  // the LoadFile path into ipxe() stays
}

TEST(RuleSet, MissingFileIsNamed) {
  auto rules = loadRuleSet("/nonexistent/x.rules");
  ASSERT_FALSE(bool(rules));
  EXPECT_NE(llvm::toString(rules.takeError()).find("/nonexistent/x.rules"), std::string::npos);
}

} // namespace
} // namespace romfit::rules
