#include "analysis/why_chain.h"

#include <algorithm>

namespace romfit::analysis {

std::vector<ChainLink> whyLive(const LinkGraph &graph, const Liveness &view, NodeId node) {
  std::vector<ChainLink> chain;
  if (!view.isLive(node))
    return chain;
  std::vector<bool> visited(graph.nodes.size(), false);
  while (node != graph.root && view.reachedBy[node] != kNoEdge && !visited[node]) {
    visited[node] = true;
    const Edge &edge = graph.edges[view.reachedBy[node]];
    chain.push_back({edge.from, edge.to, edge.kind, edge.symbol.str()});
    node = edge.from;
  }
  std::reverse(chain.begin(), chain.end());
  // An object the view takes as linked because ld links it (the reachable
  // view of ld's own link) has no edge of its own: its reason is ld's
  // extraction, back to the command line.
  if (node != graph.root && graph.nodes[node].kind == NodeKind::Object &&
      view.reachedBy[node] == kNoEdge) {
    std::vector<ChainLink> extraction = whyExtracted(graph, graph.nodes[node].object);
    chain.insert(chain.begin(), extraction.begin(), extraction.end());
  }
  return chain;
}

// Which kind of reference made `referencing` need `symbol`: only R_*_NONE
// relocations make it a REQUIRE.
static EdgeKind referenceKind(const LinkGraph &graph, int32_t referencing, llvm::StringRef symbol) {
  const ElfObject &elf = graph.link->objects[referencing].elf;
  bool sawRequire = false;
  for (const ElfSection &section : elf.sections)
    for (const ElfRelocation &relocation : section.relocations)
      if (elf.symbols[relocation.symbolIndex].name == symbol) {
        if (relocation.type != 0)
          return EdgeKind::Reloc;
        sawRequire = true;
      }
  return sawRequire ? EdgeKind::Require : EdgeKind::Reloc;
}

std::vector<ChainLink> whyExtracted(const LinkGraph &graph, int32_t object) {
  std::vector<ChainLink> chain;
  std::vector<bool> visited(graph.objectNodes.size(), false);
  while (object >= 0 && !visited[object]) {
    visited[object] = true;
    const LoadedObject &loaded = graph.link->objects[object];
    if (!loaded.memberIndex)
      break;  // named on the command line
    int32_t referencing = loaded.extractedFor;
    if (referencing == kCommandLine) {
      chain.push_back({graph.root, graph.objectNodes[object], EdgeKind::Root,
                       loaded.extractedBySymbol});
      break;
    }
    chain.push_back({graph.objectNodes[referencing], graph.objectNodes[object],
                     referenceKind(graph, referencing, loaded.extractedBySymbol),
                     loaded.extractedBySymbol});
    object = referencing;
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

} // namespace romfit::analysis
