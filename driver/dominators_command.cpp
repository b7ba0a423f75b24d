// romfit dominators: retained size per node of the reachable view.
#include <algorithm>

#include <fmt/format.h>

#include "analysis/dominators.h"
#include "driver/analysis_options.h"
#include "driver/command.h"

namespace romfit::driver {
namespace {

using namespace analysis;

llvm::Expected<int> runDominators(const ParsedArguments &arguments) {
  auto limit = limitFrom(arguments, 40);
  if (!limit)
    return limit.takeError();
  auto loaded = loadAnalysis(arguments);
  if (!loaded)
    return loaded.takeError();
  const LinkAnalysis &analysis = **loaded;
  const LinkGraph &graph = analysis.graph;
  auto options = viewOptionsFrom(analysis, arguments);
  if (!options)
    return options.takeError();
  Liveness reachable = analysis.reachable(*options);
  DominatorTree tree = computeDominators(graph, reachable, *options);

  std::vector<NodeId> nodes;
  for (NodeId node = 0; node < graph.nodes.size(); ++node)
    if (node != graph.root && reachable.isLive(node) && tree.retainedSize[node] > 0)
      nodes.push_back(node);
  std::stable_sort(nodes.begin(), nodes.end(), [&](NodeId a, NodeId b) {
    return tree.retainedSize[a] > tree.retainedSize[b];
  });
  size_t shown = std::min(nodes.size(), *limit);
  uint64_t total = tree.retainedSize[graph.root];
  auto kindName = [](NodeKind kind) {
    switch (kind) {
    case NodeKind::Object: return "member";
    case NodeKind::Table: return "table";
    case NodeKind::Common: return "common";
    default: return "section";
    }
  };
  if (arguments.has("--json")) {
    llvm::json::Array list;
    for (size_t i = 0; i < shown; ++i) {
      NodeId node = nodes[i];
      NodeId idom = tree.immediateDominator[node];
      list.push_back(llvm::json::Object{
          {"node", graph.describe(node)},
          {"kind", kindName(graph.nodes[node].kind)},
          {"size", int64_t(graph.nodes[node].size)},
          {"retained", int64_t(tree.retainedSize[node])},
          {"immediateDominator", idom == kNoNode ? "" : graph.describe(idom)}});
    }
    printJson(llvm::json::Object{{"reachableBytes", int64_t(total)}, {"nodes", std::move(list)}});
    return kExitOk;
  }
  fmt::print("{:>10} {:>8}  {:<7}  {}\n", "retained", "self", "kind", "node");
  for (size_t i = 0; i < shown; ++i) {
    NodeId node = nodes[i];
    fmt::print("{:>10} {:>8}  {:<7}  {}\n", tree.retainedSize[node], graph.nodes[node].size,
               kindName(graph.nodes[node].kind), graph.describe(node));
  }
  if (shown < nodes.size())
    fmt::print("{:>10} {:>8}  ({} more)\n", "", "", nodes.size() - shown);
  fmt::print("{:>10} {:>8}  reachable in total ({})\n", total, "", humanBytes(total));
  return kExitOk;
}

RegisterCommand registerDominators(
    CommandSpec{
        .name = "dominators",
        .summary = "retained size per node: the bytes that vanish if nothing reaches it",
        .usage = "[OPTIONS] -- LDCMD...",
        .description = std::string("Builds the dominator tree of the reachable view from a virtual root\n"
                            "and prints each node's retained size, largest first.  Nodes are\n"
                            "sections, members (their presence in the link) and tables (their\n"
                            "iteration).  A table entry needs both its member and its table; the\n"
                            "tree credits it to its table, so a member's retained size leaves out\n"
                            "its table entries.\n\n") +
                    kLinkCommandHelp,
        .options = analysisOptions(kWithJson | kWithCuts | kWithLimit),
        .maxPositionals = 0,
        .takesLinkerCommand = true,
    },
    runDominators);

} // namespace
} // namespace romfit::driver
