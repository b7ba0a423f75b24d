#include "analysis/liveness.h"

#include <deque>

#include "support/error.h"

namespace romfit::analysis {

llvm::Expected<Cut> parseCut(const LinkGraph &graph, llvm::StringRef text) {
  Cut cut;
  cut.text = text.str();
  auto resolve = [&](llvm::StringRef name, std::vector<NodeId> &nodes) -> llvm::Error {
    name = name.trim();
    nodes = graph.nodesNamed(name);
    if (nodes.empty())
      return makeError("--cut '{}': no symbol, section or member named '{}' in the link",
                       text.str(), name.str());
    return llvm::Error::success();
  };
  if (size_t arrow = text.find("->"); arrow != llvm::StringRef::npos) {
    if (auto error = resolve(text.substr(0, arrow), cut.from))
      return error;
    if (auto error = resolve(text.substr(arrow + 2), cut.to))
      return error;
  } else if (auto error = resolve(text, cut.to)) {
    return error;
  }
  return cut;
}

static bool isCut(const Edge &edge, const std::vector<Cut> &cuts) {
  if (edge.kind == EdgeKind::Member || edge.kind == EdgeKind::Keep || edge.kind == EdgeKind::Root)
    return false;
  for (const Cut &cut : cuts)
    if (llvm::is_contained(cut.to, edge.to) &&
        (cut.from.empty() || llvm::is_contained(cut.from, edge.from)))
      return true;
  return false;
}

// An object still links another while any one reference between them
// survives the cuts, as ld extracts a member for any reference: one
// resolved into it, or one to the symbol it was extracted for (a weak
// definition there lost to a strong one elsewhere).
static bool someReferenceSurvives(const LinkGraph &graph, const Edge &extract,
                                  const ViewOptions &options) {
  int32_t from = graph.nodes[extract.from].object;
  int32_t to = graph.nodes[extract.to].object;
  for (NodeId section : graph.sectionNodes[from]) {
    if (section == kNoNode)
      continue;
    for (const Edge &edge : graph.outEdges(section))
      if (edge.kind == EdgeKind::Reloc &&
          (graph.nodes[edge.to].object == to || edge.symbol == extract.symbol) &&
          !isCut(edge, options.cuts))
        return true;
  }
  return false;
}

bool followsInReachableView(const LinkGraph &graph, const Edge &edge, const ViewOptions &options) {
  if (!(edge.views & kReachableView))
    return false;
  if (edge.kind == EdgeKind::Require && options.requirePolicy == RequirePolicy::IntentOnly)
    return false;
  if (edge.kind == EdgeKind::Extract)
    return options.cuts.empty() || someReferenceSurvives(graph, edge, options);
  return !isCut(edge, options.cuts);
}

Liveness linkerView(const LinkGraph &graph, bool gcSections) {
  Liveness result{std::vector<bool>(graph.nodes.size(), false),
                  std::vector<uint32_t>(graph.nodes.size(), kNoEdge)};
  result.live[graph.root] = true;
  if (!gcSections) {
    for (NodeId node = 0; node < graph.nodes.size(); ++node)
      if (graph.nodes[node].kind != NodeKind::Table)
        result.live[node] = true;
    return result;
  }
  std::vector<NodeId> work{graph.root};
  while (!work.empty()) {
    NodeId node = work.back();
    work.pop_back();
    for (uint32_t index = graph.firstEdge[node]; index < graph.firstEdge[node + 1]; ++index) {
      const Edge &edge = graph.edges[index];
      if (!(edge.views & kLinkerView) || result.live[edge.to])
        continue;
      result.live[edge.to] = true;
      result.reachedBy[edge.to] = index;
      work.push_back(edge.to);
    }
  }
  // Every loaded object is in the link, whatever the collector removes.
  for (NodeId node : graph.objectNodes)
    result.live[node] = true;
  return result;
}

Liveness reachableView(const LinkGraph &graph, const ViewOptions &options) {
  Liveness result{std::vector<bool>(graph.nodes.size(), false),
                  std::vector<uint32_t>(graph.nodes.size(), kNoEdge)};
  // Breadth first, so reachedBy spells a shortest chain for `why`.
  std::deque<NodeId> work{graph.root};
  result.live[graph.root] = true;
  // ld links every object it loads, whether or not code that runs reaches
  // it (config.o's REQUIREs bring iPXE's commands; a -u root's references
  // bring the bus code that iterates the NIC driver table), and an entry of
  // an iterated table runs whenever its object is linked.  With cuts or
  // REQUIREs as intent, the objects in the link are found as ld would find
  // them in the link without those references, from the root's (Member,
  // Extract and Require edges below) and from the objects named on the
  // command line, which every link has.
  for (size_t object = 0; object < graph.objectNodes.size(); ++object) {
    if (options.isLdsOwnLink() || !graph.link->objects[object].memberIndex) {
      result.live[graph.objectNodes[object]] = true;
      work.push_back(graph.objectNodes[object]);
    }
  }
  while (!work.empty()) {
    NodeId node = work.front();
    work.pop_front();
    for (uint32_t index = graph.firstEdge[node]; index < graph.firstEdge[node + 1]; ++index) {
      const Edge &edge = graph.edges[index];
      if (result.live[edge.to] || !followsInReachableView(graph, edge, options))
        continue;
      const Node &target = graph.nodes[edge.to];
      // A table entry needs both its table iterated and its object linked.
      if (target.isTableEntry()) {
        if (edge.kind == EdgeKind::Table && !result.live[graph.objectNodes[target.object]])
          continue;
        if (edge.kind == EdgeKind::Keep &&
            (!result.live[target.table] ||
             isCut(Edge{NodeId(target.table), edge.to, EdgeKind::Table, kReachableView, ""},
                   options.cuts)))
          continue;
      }
      result.live[edge.to] = true;
      result.reachedBy[edge.to] = index;
      work.push_back(edge.to);
    }
  }
  return result;
}

} // namespace romfit::analysis
