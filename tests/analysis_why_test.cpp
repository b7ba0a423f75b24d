// ctest-labels: slow
// ctest-one-process
// Compiles and links a fixture with gcc and ld (a second or two per build),
// hence the label: `ctest -L unit` leaves it out, the full suite runs it.
// `romfit why`: chains from a root, checked link by link.
#include "tests/analysis_fixture.h"

namespace romfit::testing {
namespace {

class WhyTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { link = new FixtureLink(buildFixture("why")); }
  static void TearDownTestSuite() { delete link; }
  void SetUp() override { ASSERT_TRUE(link->built) << link->failure; }
  static FixtureLink *link;
};
FixtureLink *WhyTest::link = nullptr;

struct Step {
  std::string from, to, kind, symbol;
};

std::vector<Step> chainOf(const FixtureLink &link, std::vector<std::string> options,
                          int expectedStatus = 0) {
  options.push_back("--json");
  CommandResult result = romfitOnLink(link, "why", options);
  EXPECT_EQ(result.status, expectedStatus) << result.err;
  std::vector<Step> steps;
  llvm::json::Value json = parseJson(result.out);
  const llvm::json::Object *object = json.getAsObject();
  if (!object)
    return steps;
  const llvm::json::Array *targets = object->getArray("targets");
  if (!targets || targets->empty())
    return steps;
  for (const llvm::json::Value &step : *(*targets)[0].getAsObject()->getArray("chain")) {
    const llvm::json::Object *fields = step.getAsObject();
    steps.push_back({fields->getString("from")->str(), fields->getString("to")->str(),
                     fields->getString("kind")->str(), fields->getString("symbol")->str()});
  }
  return steps;
}

void expectConnectedFromRoot(const std::vector<Step> &chain) {
  ASSERT_FALSE(chain.empty());
  EXPECT_EQ(chain.front().from, "(root)");
  for (size_t i = 1; i < chain.size(); ++i)
    EXPECT_EQ(chain[i].from, chain[i - 1].to) << "link " << i;
}

bool hasStep(const std::vector<Step> &chain, const std::string &from, const std::string &to,
             const std::string &kind) {
  return std::any_of(chain.begin(), chain.end(), [&](const Step &step) {
    return step.from == from && step.to == to && step.kind == kind;
  });
}

TEST_F(WhyTest, ReachableChainRunsThroughTheDriverTablesAndLoadFile) {
  std::vector<Step> chain = chainOf(*link, {"http_open", "--view", "reachable"});
  expectConnectedFromRoot(chain);
  EXPECT_EQ(chain.back().to, "blib.a(http.o):.text.http_open");
  auto has = [&](const std::string &from, const std::string &to, const std::string &kind) {
    return hasStep(chain, from, to, kind);
  };
  // The net_drivers table is iterated by register_netdev, which makes SNP's
  // entry live; its probe installs the protocol whose LoadFile boots.
  EXPECT_TRUE(has("blib.a(netdev.o):.text.register_netdev", "table net_drivers", "table"));
  EXPECT_TRUE(has("table net_drivers", "blib.a(snp.o):.tbl.net_drivers.01", "table"));
  EXPECT_TRUE(has("blib.a(snp.o):.text.snp_load_file", "blib.a(boot.o):.text.boot_main", "reloc"));
}

TEST_F(WhyTest, LinkerChainStartsAtAKeptTableEntry) {
  // ld keeps every .tbl.* section (KEEP in the script), so its reason for
  // the boot stack is SNP's table entry, not the table's iteration.
  std::vector<Step> chain = chainOf(*link, {"boot_main"});
  expectConnectedFromRoot(chain);
  EXPECT_EQ(chain.front().kind, "keep");
  EXPECT_EQ(chain.front().to, "blib.a(snp.o):.tbl.net_drivers.01");
}

TEST_F(WhyTest, MemberChainRetracesTheMapsReasons) {
  // ld's map: snp.o for config.o's obj_snp, which -u obj_config pulled.
  auto mapLine = [&](const std::string &member) {
    for (const std::string &line : splitLines(mapMemberList(link->map)))
      if (line.rfind(member + " ", 0) == 0)
        return line;
    return std::string();
  };
  ASSERT_NE(mapLine("blib.a(snp.o)").find(" blib.a(config.o) (obj_snp)"), std::string::npos);
  ASSERT_NE(mapLine("blib.a(config.o)").find(" (obj_config)"), std::string::npos);
  std::vector<Step> chain = chainOf(*link, {"snp.o"});
  ASSERT_EQ(chain.size(), 2u);
  EXPECT_EQ(chain[0].kind, "root");
  EXPECT_EQ(chain[0].symbol, "obj_config");
  EXPECT_EQ(chain[1].from, "blib.a(config.o)");
  EXPECT_EQ(chain[1].to, "blib.a(snp.o)");
  EXPECT_EQ(chain[1].kind, "require");
  EXPECT_EQ(chain[1].symbol, "obj_snp");
}

TEST_F(WhyTest, ReachableMemberNeedsARequireEdge) {
  std::vector<Step> chain = chainOf(*link, {"echo_cmd.o", "--view", "reachable"});
  expectConnectedFromRoot(chain);
  EXPECT_TRUE(std::any_of(chain.begin(), chain.end(),
                          [](const Step &step) { return step.kind == "require"; }));
}

TEST_F(WhyTest, CommandsConfigRequiresRunThroughTheShellsTable) {
  // iPXE's shape: config.o REQUIREs echo_cmd.o, whose only way in is its
  // entry in .tbl.commands.01.echo (an index with the command's name after
  // its digits); the shell's run_command iterates the commands table.
  std::vector<Step> chain = chainOf(*link, {"echo_exec", "--view", "reachable"});
  ASSERT_FALSE(chain.empty());
  expectConnectedFromRoot(chain);
  EXPECT_TRUE(hasStep(chain, "blib.a(shell.o):.text.run_command", "table commands", "table"));
  EXPECT_TRUE(hasStep(chain, "table commands", "blib.a(echo_cmd.o):.tbl.commands.01.echo", "table"));
  EXPECT_EQ(chain.back().to, "blib.a(echo_cmd.o):.text.echo_exec");
}

TEST_F(WhyTest, ATableOnlyACommandIteratesIsIterated) {
  // The statistics table is iterated by stat_exec alone, which runs only as
  // an entry of the commands table: reachability is a fixpoint over tables.
  std::vector<Step> chain = chainOf(*link, {"netdev_statistic", "--view", "reachable"});
  expectConnectedFromRoot(chain);
  EXPECT_TRUE(hasStep(chain, "table commands", "blib.a(stat_cmd.o):.tbl.commands.01.stat", "table"));
  EXPECT_TRUE(hasStep(chain, "blib.a(stat_cmd.o):.text.stat_exec", "table statistics", "table"));
  EXPECT_TRUE(hasStep(chain, "table statistics", "blib.a(netdev.o):.tbl.statistics.01", "table"));
  // Without the shell nothing runs stat_exec, so nothing iterates the table,
  // though netdev.o and stat_cmd.o stay linked.
  chainOf(*link, {"netdev_statistic", "--view", "reachable", "--cut", "snp_load_file->boot_main"},
          1);
  chainOf(*link, {"netdev_statistic", "--view", "linker", "--cut", "snp_load_file->boot_main"});
}

TEST_F(WhyTest, DeadTargetExitsOne) {
  CommandResult result = romfitOnLink(*link, "why", {"http_unused"});
  EXPECT_EQ(result.status, 1) << result.err;
  EXPECT_NE(result.out.find("not kept"), std::string::npos);
}

TEST_F(WhyTest, CutBreaksTheChain) {
  chainOf(*link, {"http_open", "--view", "reachable", "--cut", "snp_load_file->boot_main"}, 1);
}

} // namespace
} // namespace romfit::testing
