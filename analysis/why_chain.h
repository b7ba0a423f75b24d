#pragma once
// Why a node is in a view: the chain of edges from the root that keeps it.
#include <string>
#include <vector>

#include "analysis/liveness.h"

namespace romfit::analysis {

struct ChainLink {
  NodeId from, to;
  EdgeKind kind;
  std::string symbol;
};

// Empty when the node is not live in that view.  In the linker view an
// object's chain is its archive extraction: the member whose reference
// pulled it in, back to the command line; in the reachable view of ld's own
// link, a chain that reaches an object the view took as linked goes on
// through that extraction.
std::vector<ChainLink> whyLive(const LinkGraph &graph, const Liveness &view, NodeId node);
std::vector<ChainLink> whyExtracted(const LinkGraph &graph, int32_t object);

} // namespace romfit::analysis
