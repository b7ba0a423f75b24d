// ctest-labels: slow
// ctest-one-process
// Compiles and links a fixture with gcc and ld (a second or two per build),
// hence the label: `ctest -L unit` leaves it out, the full suite runs it.
// Retained sizes from the dominator tree, against ld's link of the variant
// in which the dominating reference does not exist.
#include "tests/analysis_fixture.h"

namespace romfit::testing {
namespace {

class DominatorsTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    full = new FixtureLink(buildFixture("dom-full"));
    cut = new FixtureLink(buildFixture("dom-cut", "-DFIXTURE_CUT_LOAD_FILE"));
  }
  static void TearDownTestSuite() {
    delete full;
    delete cut;
  }
  void SetUp() override {
    ASSERT_TRUE(full->built) << full->failure;
    ASSERT_TRUE(cut->built) << cut->failure;
  }
  static FixtureLink *full, *cut;
};
FixtureLink *DominatorsTest::full = nullptr;
FixtureLink *DominatorsTest::cut = nullptr;

struct Retained {
  std::map<std::string, uint64_t> byNode;
  uint64_t reachable = 0;
};

Retained dominatorsOf(const FixtureLink &link) {
  CommandResult result = romfitOnLink(link, "dominators", {"--limit", "0", "--json"});
  EXPECT_EQ(result.status, 0) << result.err;
  Retained retained;
  llvm::json::Value json = parseJson(result.out);
  const llvm::json::Object *object = json.getAsObject();
  if (!object)
    return retained;
  retained.reachable = *object->getInteger("reachableBytes");
  for (const llvm::json::Value &node : *object->getArray("nodes"))
    retained.byNode[node.getAsObject()->getString("node")->str()] =
        *node.getAsObject()->getInteger("retained");
  return retained;
}

TEST_F(DominatorsTest, LoadFileRetainsWhatLdDropsWithoutIt) {
  // snp_load_file is the only way into the boot stack, so it dominates it:
  // its retained size is its own bytes plus every byte ld stops keeping
  // when it no longer calls boot_main, plus what ld keeps without it but
  // only the shell runs (runsOnlyThroughTheShell).
  std::map<std::string, uint64_t> before = mapKeptSections(full->map);
  std::map<std::string, uint64_t> after = mapKeptSections(cut->map);
  uint64_t expected = before.at("blib.a(snp.o):.text.snp_load_file");
  for (const auto &[section, size] : before)
    if (!after.count(section) || runsOnlyThroughTheShell(section))
      expected += size;
  Retained retained = dominatorsOf(*full);
  EXPECT_EQ(retained.byNode["blib.a(snp.o):.text.snp_load_file"], expected);
}

TEST_F(DominatorsTest, RootRetainsEverythingReachable) {
  Retained retained = dominatorsOf(*full);
  CommandResult top = romfitOnLink(*full, "top", {"--view", "reachable", "--json"});
  ASSERT_EQ(top.status, 0) << top.err;
  llvm::json::Value json = parseJson(top.out);
  EXPECT_EQ(int64_t(retained.reachable), *json.getAsObject()->getInteger("total"));
  for (const auto &[node, size] : retained.byNode)
    EXPECT_LE(size, retained.reachable) << node;
}

TEST_F(DominatorsTest, TableNodeRetainsEntriesOnlyItReaches) {
  // init_fns entries are reachable only through initialise()'s iteration;
  // their functions come with them.  ld's map gives the sizes.
  std::map<std::string, uint64_t> kept = mapKeptSections(full->map);
  uint64_t expected = kept.at("blib.a(timer.o):.tbl.init_fns.01") +
                      kept.at("blib.a(timer.o):.text.timer_init") +
                      kept.at("blib.a(console.o):.tbl.init_fns.02") +
                      kept.at("blib.a(console.o):.text.console_init");
  Retained retained = dominatorsOf(*full);
  EXPECT_GE(retained.byNode["table init_fns"], expected);
}

} // namespace
} // namespace romfit::testing
