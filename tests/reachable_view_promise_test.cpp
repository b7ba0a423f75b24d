// ctest-labels: slow
// Compiles and links a fixture with gcc and ld (a second or two per build),
// hence the label: `ctest -L unit` leaves it out, the full suite runs it.
// What the reachable view promises (docs/analysis.md), checked on the
// link-graph fixture and on every real link ROMFIT_REAL_LINKS names: a file
// with one ld command a line as `make -n V=1` prints iPXE's links, the
// directory it runs in given inside it (`ld -C DIR -m elf_x86_64 ...`). Without it only the fixture
// is checked.
//  1. The reachable view is within the linker view.
//  2. Every entry of an iterated table whose object ld links is reachable: a
//     table is iterated when a reachable section references its bounds.
#include <cstdlib>
#include <set>
#include <sstream>

#include "analysis/link_analysis.h"
#include "tests/analysis_fixture.h"

namespace romfit::testing {
namespace {

using namespace romfit::analysis;

struct PromiseCheck {
  std::vector<std::string> broken;  // one line per violation
  size_t entriesOfIteratedTables = 0;
};

// The table a section is an entry of, read off its name as the script's
// KEEP(*(SORT(.tbl.*))) places it: strictly between .tbl.NAME.00 and
// .tbl.NAME.99 (".tbl.net_drivers.01", ".tbl.commands.01.imgfetch").
std::string tableOfEntry(llvm::StringRef section) {
  if (!section.consume_front(".tbl."))
    return "";
  auto [table, index] = section.split('.');
  return index > "00" && index < "99" ? table.str() : "";
}

std::string tableOfBound(llvm::StringRef section) {
  if (!section.consume_front(".tbl."))
    return "";
  auto [table, index] = section.split('.');
  return index == "00" || index == "99" ? table.str() : "";
}

PromiseCheck checkPromise(const LinkAnalysis &analysis) {
  const LinkGraph &graph = analysis.graph;
  Liveness reachable = analysis.reachable(ViewOptions{});
  PromiseCheck check;
  // Iterated: a reachable section has a relocation against a bound (the
  // linker view's reloc edges are the relocations, resolved).
  std::set<std::string> iterated;
  for (NodeId node = 0; node < graph.nodes.size(); ++node) {
    const Node &described = graph.nodes[node];
    bool holdsBytes = described.kind == NodeKind::Section || described.kind == NodeKind::Common;
    if (!holdsBytes || !reachable.isLive(node))
      continue;
    if (!analysis.linker.isLive(node))
      check.broken.push_back(graph.describe(node) + " is reachable but ld does not keep it");
    for (const Edge &edge : graph.outEdges(node))
      if (edge.kind == EdgeKind::Reloc && graph.nodes[edge.to].kind == NodeKind::Section)
        if (std::string table = tableOfBound(graph.nodes[edge.to].name); !table.empty())
          iterated.insert(table);
  }
  for (NodeId node = 0; node < graph.nodes.size(); ++node) {
    const Node &entry = graph.nodes[node];
    if (entry.kind != NodeKind::Section || !analysis.linker.isLive(node))
      continue;
    std::string table = tableOfEntry(entry.name);
    if (table.empty() || !iterated.count(table))
      continue;
    ++check.entriesOfIteratedTables;
    if (!reachable.isLive(node))
      check.broken.push_back(graph.describe(node) + " is an entry of the iterated table " + table +
                             ", its object is linked, yet it is not reachable");
  }
  return check;
}

std::unique_ptr<LinkAnalysis> analyse(const std::vector<std::string> &words,
                                      const std::string &directory) {
  auto command = parseLinkCommand(words);
  EXPECT_TRUE(bool(command)) << llvm::toString(command.takeError());
  if (!command)
    return nullptr;
  if (!directory.empty())
    command->directory = directory;
  auto result = analyseLink(std::move(*command));
  EXPECT_TRUE(bool(result)) << llvm::toString(result.takeError());
  return result ? std::move(*result) : nullptr;
}

void expectPromiseHolds(const LinkAnalysis &analysis) {
  PromiseCheck check = checkPromise(analysis);
  EXPECT_GT(check.entriesOfIteratedTables, 0u) << "nothing to check: no iterated table";
  for (const std::string &line : check.broken)
    ADD_FAILURE() << line;
}

TEST(ReachableViewPromise, HoldsOnTheFixture) {
  FixtureLink link = buildFixture("promise");
  ASSERT_TRUE(link.built) << link.failure;
  auto analysis = analyse(link.linkCommand, link.directory);
  ASSERT_TRUE(analysis);
  expectPromiseHolds(*analysis);
  // Not vacuous: among the entries checked are the shell's commands (their
  // objects linked through config.o's REQUIREs), an entry of a member ld
  // links only for a weak definition another beats, and one of the object
  // named on the command line.
  Liveness reachable = analysis->reachable(ViewOptions{});
  for (const char *entry : {"echo_command", "platform_weak_init_fn", "version_init_fn"}) {
    std::vector<NodeId> nodes = analysis->graph.nodesNamed(entry);
    ASSERT_EQ(nodes.size(), 1u) << entry;
    EXPECT_TRUE(reachable.isLive(nodes[0])) << entry;
  }
}

TEST(ReachableViewPromise, HoldsOnEveryRealLinkGiven) {
  const char *list = std::getenv("ROMFIT_REAL_LINKS");
  if (!list || !*list)
    GTEST_SKIP() << "ROMFIT_REAL_LINKS names no file of link commands";
  std::istringstream lines(readText(list));
  std::string line;
  size_t checked = 0;
  while (std::getline(lines, line)) {
    std::istringstream split(line);
    std::vector<std::string> words;
    for (std::string word; split >> word;)
      words.push_back(word);
    if (words.empty())
      continue;
    SCOPED_TRACE(line.substr(0, 160));
    auto analysis = analyse(words, "");
    ASSERT_TRUE(analysis);
    expectPromiseHolds(*analysis);
    ++checked;
  }
  EXPECT_GT(checked, 0u) << list << " holds no link command";
}

} // namespace
} // namespace romfit::testing
