// ctest-labels: slow
// ctest-one-process
// Compiles and links a fixture with gcc and ld (a second or two per build),
// hence the label: `ctest -L unit` leaves it out, the full suite runs it.
// The library API the build driver uses: analyse a link, apply cuts, ask
// which objects a pruned relink needs.
#include "analysis/dominators.h"
#include "analysis/link_analysis.h"
#include "analysis/size_attribution.h"
#include "analysis/why_chain.h"
#include "tests/analysis_fixture.h"

namespace romfit::testing {
namespace {

using namespace romfit::analysis;

class AnalysisApiTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { link = new FixtureLink(buildFixture("api")); }
  static void TearDownTestSuite() { delete link; }
  void SetUp() override {
    ASSERT_TRUE(link->built) << link->failure;
    auto command = parseLinkCommand(link->linkCommand);
    ASSERT_TRUE(bool(command)) << llvm::toString(command.takeError());
    command->directory = link->directory;
    auto result = analyseLink(std::move(*command));
    ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
    analysis = std::move(*result);
  }
  std::set<std::string> namesOf(const std::vector<int32_t> &objects) const {
    std::set<std::string> names;
    for (int32_t object : objects)
      names.insert(analysis->link.objects[object].displayName);
    return names;
  }
  static FixtureLink *link;
  std::unique_ptr<LinkAnalysis> analysis;
};
FixtureLink *AnalysisApiTest::link = nullptr;

TEST_F(AnalysisApiTest, LoadsWhatTheMapLists) {
  std::set<std::string> members;
  for (const LoadedObject &object : analysis->link.objects)
    if (object.memberIndex)
      members.insert(object.displayName);
  std::set<std::string> mapped;
  for (const std::string &line : splitLines(mapMemberList(link->map)))
    if (!line.empty() && line[0] != ' ')
      mapped.insert(line.substr(0, line.find(' ')));
  EXPECT_EQ(members, mapped);
}

TEST_F(AnalysisApiTest, NeededObjectsShrinkWithACut) {
  auto uncut = analysis->viewOptions({}, RequirePolicy::Keep);
  auto cut = analysis->viewOptions({"snp_load_file->boot_main"}, RequirePolicy::Keep);
  ASSERT_TRUE(bool(uncut) && bool(cut));
  std::set<std::string> all = namesOf(analysis->objectsNeeded(analysis->reachable(*uncut)));
  std::set<std::string> pruned = namesOf(analysis->objectsNeeded(analysis->reachable(*cut)));
  for (const char *gone : {"blib.a(boot.o)", "blib.a(shell.o)", "blib.a(fetch.o)", "blib.a(http.o)"}) {
    EXPECT_TRUE(all.count(gone)) << gone;
    EXPECT_FALSE(pruned.count(gone)) << gone;
  }
  // echo_cmd.o stays: config.o requires it, even though its only entry point
  // (a commands table entry) can no longer run.
  EXPECT_TRUE(pruned.count("blib.a(echo_cmd.o)"));
  EXPECT_TRUE(pruned.count("blib.a(snp.o)"));
}

TEST_F(AnalysisApiTest, CutsNameWhatTheyCannotFind) {
  auto options = analysis->viewOptions({"snp_load_file->nowhere"}, RequirePolicy::Keep);
  ASSERT_FALSE(bool(options));
  EXPECT_NE(llvm::toString(options.takeError()).find("nowhere"), std::string::npos);
}

TEST_F(AnalysisApiTest, ReachableViewIsWithinTheLinkerView) {
  Liveness reachable = analysis->reachable({});
  for (NodeId node = 0; node < analysis->graph.nodes.size(); ++node) {
    NodeKind kind = analysis->graph.nodes[node].kind;
    if ((kind == NodeKind::Section || kind == NodeKind::Common) && reachable.isLive(node)) {
      EXPECT_TRUE(analysis->linker.isLive(node)) << analysis->graph.describe(node);
    }
  }
}

TEST_F(AnalysisApiTest, EveryChainStepIsAnEdgeOfTheGraph) {
  Liveness reachable = analysis->reachable({});
  for (NodeId node = 0; node < analysis->graph.nodes.size(); ++node) {
    std::vector<ChainLink> chain = whyLive(analysis->graph, reachable, node);
    if (!reachable.isLive(node) || node == analysis->graph.root)
      continue;
    // An object named on the command line is linked for no reference.
    const Node &first = analysis->graph.nodes[chain.empty() ? node : chain.front().from];
    bool fromCommandLine = first.kind == NodeKind::Object &&
                           !analysis->link.objects[first.object].memberIndex;
    if (!fromCommandLine) {
      ASSERT_FALSE(chain.empty()) << analysis->graph.describe(node);
      EXPECT_EQ(chain.front().from, analysis->graph.root) << analysis->graph.describe(node);
    }
    if (chain.empty())
      continue;
    EXPECT_EQ(chain.back().to, node);
    for (const ChainLink &step : chain) {
      // Into an object the view takes as linked because ld links it: the
      // step is ld's extraction (whyExtracted), not an edge of the view.
      if (analysis->graph.nodes[step.to].kind == NodeKind::Object &&
          reachable.reachedBy[step.to] == kNoEdge)
        continue;
      auto edges = analysis->graph.outEdges(step.from);
      EXPECT_TRUE(std::any_of(edges.begin(), edges.end(), [&](const Edge &edge) {
        return edge.to == step.to && edge.kind == step.kind;
      }));
    }
  }
}

TEST_F(AnalysisApiTest, DominatorSizesAddUp) {
  ViewOptions options;
  Liveness reachable = analysis->reachable(options);
  DominatorTree tree = computeDominators(analysis->graph, reachable, options);
  uint64_t liveBytes = 0;
  for (NodeId node = 0; node < analysis->graph.nodes.size(); ++node)
    if (reachable.isLive(node))
      liveBytes += analysis->graph.nodes[node].size;
  EXPECT_EQ(tree.retainedSize[analysis->graph.root], liveBytes);
  // A node's retained size is its own plus its children's in the tree.
  std::vector<uint64_t> children(analysis->graph.nodes.size(), 0);
  for (NodeId node = 0; node < analysis->graph.nodes.size(); ++node)
    if (tree.immediateDominator[node] != kNoNode)
      children[tree.immediateDominator[node]] += tree.retainedSize[node];
  for (NodeId node = 0; node < analysis->graph.nodes.size(); ++node)
    if (reachable.isLive(node)) {
      EXPECT_EQ(tree.retainedSize[node], analysis->graph.nodes[node].size + children[node])
          << analysis->graph.describe(node);
    }
}

} // namespace
} // namespace romfit::testing
