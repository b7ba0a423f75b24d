#pragma once
// Dominators of the reachable view (Cooper, Harvey and Kennedy's iterative
// algorithm over reverse post-order, from the virtual root).  A node's
// retained size is the bytes of every node it dominates: what disappears if
// nothing ever reaches it.
//
// A table entry lives only when both its table is iterated and its object is
// linked.  The tree hangs each entry off its table alone: whatever dominates
// the table's iteration really does kill the entry, so retained sizes stay
// sound, but a member's retained size leaves out its table entries (the
// garbage report, which evaluates both conditions, has them).
#include <cstdint>
#include <vector>

#include "analysis/liveness.h"

namespace romfit::analysis {

struct DominatorTree {
  std::vector<NodeId> immediateDominator;  // kNoNode for the root and dead nodes
  std::vector<uint64_t> retainedSize;      // 0 for dead nodes
};

DominatorTree computeDominators(const LinkGraph &graph, const Liveness &reachable,
                                const ViewOptions &options);

} // namespace romfit::analysis
