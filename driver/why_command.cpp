// romfit why TARGET: the chain from a root that keeps a symbol, section or
// member, each edge with its kind.
#include <fmt/format.h>

#include "analysis/why_chain.h"
#include "support/error.h"
#include "driver/analysis_options.h"
#include "driver/command.h"

namespace romfit::driver {
namespace {

using namespace analysis;

struct Explanation {
  NodeId node;
  bool live;
  std::vector<ChainLink> chain;
};

llvm::Expected<int> runWhy(const ParsedArguments &arguments) {
  auto reachable = wantsReachableView(arguments);
  if (!reachable)
    return reachable.takeError();
  auto loaded = loadAnalysis(arguments);
  if (!loaded)
    return loaded.takeError();
  const LinkAnalysis &analysis = **loaded;
  const LinkGraph &graph = analysis.graph;
  const std::string &target = arguments.positionals[0];
  std::vector<NodeId> nodes = graph.nodesNamed(target);
  if (nodes.empty())
    return makeError("no symbol, section or member named '{}' in the link", target);

  auto options = viewOptionsFrom(analysis, arguments);
  if (!options)
    return options.takeError();
  Liveness view = *reachable ? analysis.reachable(*options) : analysis.linker;
  std::vector<Explanation> explanations;
  for (NodeId node : nodes) {
    const Node &described = graph.nodes[node];
    Explanation explanation{node, view.isLive(node), {}};
    if (!*reachable && described.kind == NodeKind::Object)
      explanation.chain = whyExtracted(graph, described.object);
    else
      explanation.chain = whyLive(graph, view, node);
    explanations.push_back(std::move(explanation));
  }

  const char *viewName = *reachable ? "reachable" : "linker";
  bool anyLive = llvm::any_of(explanations, [](const Explanation &e) { return e.live; });
  if (arguments.has("--json")) {
    llvm::json::Array targets;
    for (const Explanation &explanation : explanations) {
      llvm::json::Array chain;
      for (const ChainLink &link : explanation.chain)
        chain.push_back(llvm::json::Object{{"from", graph.describe(link.from)},
                                           {"to", graph.describe(link.to)},
                                           {"kind", edgeKindName(link.kind)},
                                           {"symbol", link.symbol}});
      targets.push_back(llvm::json::Object{{"node", graph.describe(explanation.node)},
                                           {"live", explanation.live},
                                           {"chain", std::move(chain)}});
    }
    printJson(llvm::json::Object{{"target", target}, {"view", viewName},
                                 {"targets", std::move(targets)}});
    return anyLive ? kExitOk : kExitCheckFailed;
  }
  for (const Explanation &explanation : explanations) {
    if (!explanation.live) {
      fmt::print("{} is not kept in the {} view\n", graph.describe(explanation.node), viewName);
      continue;
    }
    fmt::print("{} is kept in the {} view:\n", graph.describe(explanation.node), viewName);
    for (const ChainLink &link : explanation.chain) {
      std::string symbol = link.symbol.empty() ? "" : " " + link.symbol;
      if (link.from == graph.root)
        fmt::print("  {:<7} {}{} -> {}\n", edgeKindName(link.kind),
                   link.kind == EdgeKind::Keep ? "KEEP" : "-u/-e", symbol,
                   graph.describe(link.to));
      else
        fmt::print("  {:<7} {} -> {}{}\n", edgeKindName(link.kind), graph.describe(link.from),
                   graph.describe(link.to), symbol.empty() ? "" : " (" + link.symbol + ")");
    }
  }
  return anyLive ? kExitOk : kExitCheckFailed;
}

RegisterCommand registerWhy(
    CommandSpec{
        .name = "why",
        .summary = "show the chain of references that keeps a symbol, section or member",
        .usage = "TARGET [OPTIONS] -- LDCMD...",
        .description = std::string("TARGET is a symbol, a section (.text.foo, or member:section), a member\n"
                            "(intel.o) or a table (table init_fns).  The linker view explains what\n"
                            "ld keeps (for a member: its archive extraction); the reachable view,\n"
                            "what can execute.  Exit 1 when the target is not kept.\n\n") +
                    kLinkCommandHelp,
        .options = analysisOptions(kWithJson | kWithCuts | kWithView),
        .minPositionals = 1,
        .maxPositionals = 1,
        .takesLinkerCommand = true,
    },
    runWhy);

} // namespace
} // namespace romfit::driver
