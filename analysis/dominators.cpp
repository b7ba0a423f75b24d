#include "analysis/dominators.h"

namespace romfit::analysis {

DominatorTree computeDominators(const LinkGraph &graph, const Liveness &reachable,
                                const ViewOptions &options) {
  size_t count = graph.nodes.size();
  auto follows = [&](const Edge &edge) {
    // A table entry hangs off its table's iteration alone (see the header).
    if (edge.kind == EdgeKind::Keep && graph.nodes[edge.to].isTableEntry())
      return false;
    return reachable.isLive(edge.from) && reachable.isLive(edge.to) &&
           followsInReachableView(graph, edge, options);
  };

  // Objects the view links because ld links them (the reachable view of
  // ld's own link) have no edge into them: they hang off the root.
  std::vector<NodeId> linkedByLd;
  for (NodeId object : graph.objectNodes)
    if (reachable.isLive(object) && reachable.reachedBy[object] == kNoEdge)
      linkedByLd.push_back(object);

  // Post-order by an explicit-stack depth-first search; the root's
  // successors are its edges, then linkedByLd.
  constexpr uint32_t kUnvisited = ~0u;
  std::vector<uint32_t> postNumber(count, kUnvisited);
  std::vector<NodeId> postOrder;
  postOrder.reserve(count);
  std::vector<std::pair<NodeId, uint32_t>> stack{{graph.root, graph.firstEdge[graph.root]}};
  std::vector<bool> entered(count, false);
  entered[graph.root] = true;
  auto enter = [&](NodeId node) {
    if (entered[node])
      return;
    entered[node] = true;
    stack.push_back({node, graph.firstEdge[node]});
  };
  while (!stack.empty()) {
    auto &[node, next] = stack.back();
    if (next < graph.firstEdge[node + 1]) {
      const Edge &edge = graph.edges[next++];
      if (follows(edge))
        enter(edge.to);
      continue;
    }
    if (node == graph.root && next - graph.firstEdge[node + 1] < linkedByLd.size()) {
      enter(linkedByLd[next++ - graph.firstEdge[node + 1]]);
      continue;
    }
    postNumber[node] = postOrder.size();
    postOrder.push_back(node);
    stack.pop_back();
  }

  std::vector<std::vector<NodeId>> predecessors(count);
  for (const Edge &edge : graph.edges)
    if (follows(edge) && postNumber[edge.from] != kUnvisited && postNumber[edge.to] != kUnvisited)
      predecessors[edge.to].push_back(edge.from);
  for (NodeId object : linkedByLd)
    predecessors[object].push_back(graph.root);

  std::vector<NodeId> idom(count, kNoNode);
  idom[graph.root] = graph.root;
  auto intersect = [&](NodeId a, NodeId b) {
    while (a != b) {
      while (postNumber[a] < postNumber[b])
        a = idom[a];
      while (postNumber[b] < postNumber[a])
        b = idom[b];
    }
    return a;
  };
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = postOrder.size(); i-- > 0;) {
      NodeId node = postOrder[i];
      if (node == graph.root)
        continue;
      NodeId candidate = kNoNode;
      for (NodeId predecessor : predecessors[node]) {
        if (idom[predecessor] == kNoNode)
          continue;
        candidate = candidate == kNoNode ? predecessor : intersect(predecessor, candidate);
      }
      if (candidate != idom[node]) {
        idom[node] = candidate;
        changed = true;
      }
    }
  }

  DominatorTree tree{std::move(idom), std::vector<uint64_t>(count, 0)};
  // Post-order visits every node before its dominator.
  for (NodeId node : postOrder) {
    tree.retainedSize[node] += graph.nodes[node].size;
    if (node != graph.root)
      tree.retainedSize[tree.immediateDominator[node]] += tree.retainedSize[node];
  }
  tree.immediateDominator[graph.root] = kNoNode;
  return tree;
}

} // namespace romfit::analysis
