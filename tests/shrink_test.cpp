// romfit shrink's search against a fake oracle: which removals it ends with,
// that the result is 1-minimal, and how many trials it spends.
#include <gtest/gtest.h>

#include <set>

#include "prune/rule_set.h"
#include "prune/shrink.h"

namespace romfit::prune {
namespace {

// Boots pass while every candidate in `needed` is still linked.
ShrinkOracle needs(std::set<size_t> needed, int *calls) {
  return [needed, calls](const std::vector<size_t> &removed) -> llvm::Expected<ShrinkTrial> {
    ++*calls;
    ShrinkTrial trial;
    trial.passed = std::none_of(removed.begin(), removed.end(),
                                [&](size_t index) { return needed.count(index); });
    trial.romBytes = 1000 - 10 * removed.size();
    return trial;
  };
}

TEST(Shrink, RemovesEverythingTheBootsDoNotNeed) {
  int calls = 0;
  auto outcome = shrinkByDeltaDebugging(7, needs({1, 5}, &calls));
  ASSERT_TRUE(bool(outcome)) << llvm::toString(outcome.takeError());
  EXPECT_EQ(outcome->removed, (std::vector<size_t>{0, 2, 3, 4, 6}));
  EXPECT_EQ(outcome->trials.size(), size_t(calls));
  // Far fewer trials than the 2^7 subsets; the first tries removing all.
  EXPECT_LE(calls, 16);
  EXPECT_EQ(outcome->trials.front().removed.size(), 7u);
  EXPECT_FALSE(outcome->trials.front().passed);
}

TEST(Shrink, EndsOneMinimal) {
  for (std::set<size_t> needed : {std::set<size_t>{}, {0}, {6}, {0, 1, 2, 3, 4, 5, 6}, {2, 3}}) {
    int calls = 0;
    auto outcome = shrinkByDeltaDebugging(7, needs(needed, &calls));
    ASSERT_TRUE(bool(outcome));
    std::set<size_t> removed(outcome->removed.begin(), outcome->removed.end());
    for (size_t i = 0; i < 7; ++i)
      EXPECT_EQ(removed.count(i) == 0, needed.count(i) == 1) << "candidate " << i;
  }
}

TEST(Shrink, OracleErrorsStopTheSearch) {
  auto outcome = shrinkByDeltaDebugging(3, [](const std::vector<size_t> &) -> llvm::Expected<ShrinkTrial> {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "make failed");
  });
  ASSERT_FALSE(bool(outcome));
  EXPECT_EQ(llvm::toString(outcome.takeError()), "make failed");
}

TEST(Shrink, EachDropCarriesItsOwnBytes) {
  std::vector<ShrinkCandidate> candidates = {
      {"net_drivers", {"ipv6_driver"}, "obj_ipv6", 1536},
      {"timers", {"efi_timer"}, "obj_efi_timer", 700},
      {"net_drivers", {"lldp_driver", "lldp_watch"}, "obj_lldp", 12345}};
  std::string drops = dropRules(candidates, {0, 2}, "boots passed");
  EXPECT_NE(drops.find("table-entries net_drivers drop ipv6_driver\n"
                       "  why: obj_ipv6's member: 1,536 B in the unpruned link\n"
                       "  why: boots passed\n"),
            std::string::npos)
      << drops;
  EXPECT_NE(drops.find("table-entries net_drivers drop lldp_driver lldp_watch\n"
                       "  why: obj_lldp's member: 12,345 B in the unpruned link\n"),
            std::string::npos)
      << drops;
  EXPECT_EQ(drops.find("efi_timer"), std::string::npos) << drops;
  // The file says where the figure comes from.
  EXPECT_NE(drops.find("# Each drop's bytes are its member's own: what ld kept of it in the "
                       "unpruned link\n# (prune.json's kept_requires), uncompressed."),
            std::string::npos)
      << drops;
  EXPECT_EQ(dropRules(candidates, {}, "boots passed"), "");

  // What shrink writes is a rule set romfit reads: two drop rules for one
  // table, each reason its own bytes and then the shared evidence.
  auto parsed = parseRuleSet("require-policy table-consumers\n  why: a test\n" + drops,
                             "shrunk.rules");
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  ASSERT_EQ(parsed->tableEntries.size(), 2u);
  EXPECT_EQ(parsed->tableEntries[1].entries, (std::vector<std::string>{"lldp_driver", "lldp_watch"}));
  EXPECT_NE(parsed->tableEntries[0].reason.find("1,536 B"), std::string::npos)
      << parsed->tableEntries[0].reason;
  EXPECT_NE(parsed->tableEntries[0].reason.find("boots passed"), std::string::npos);
  EXPECT_NE(parsed->tableEntries[1].reason.find("12,345 B"), std::string::npos);
}

} // namespace
} // namespace romfit::prune
