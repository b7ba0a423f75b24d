// romfit shrink's search against a fake oracle: which removals it ends with,
// that the result is 1-minimal, and how many trials it spends.
#include <gtest/gtest.h>

#include <set>

#include "rules/shrink.h"

namespace romfit::rules {
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

TEST(Shrink, DropRulesGroupEntriesByTable) {
  std::vector<ShrinkCandidate> candidates = {{"net_drivers", {"ipv6_driver"}, "obj_ipv6"},
                                             {"timers", {"efi_timer"}, "obj_efi_timer"},
                                             {"net_drivers", {"lldp_driver"}, "obj_lldp"}};
  EXPECT_EQ(dropRules(candidates, {0, 2}, "boots passed"),
            "table-entries net_drivers drop ipv6_driver lldp_driver\n  why: boots passed\n");
}

} // namespace
} // namespace romfit::rules
