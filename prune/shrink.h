#pragma once
// romfit shrink's search: delta debugging (ddmin) over the removals a rule
// set could make, with the boot proof as the oracle. The search is data and
// a callback, so tests drive it with a fake oracle and no build or QEMU.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

namespace romfit::prune {

// A removal shrink may propose: a member the prune kept back for a table,
// dropped by dropping its entries there (`table-entries TABLE drop ...`).
struct ShrinkCandidate {
  std::string table;
  std::vector<std::string> entries;
  std::string member;  // the obj_ symbol that kept it
  uint64_t bytes = 0;  // the member's bytes in the unpruned link: largest are tried first
};

struct ShrinkTrial {
  std::vector<size_t> removed;  // candidate indices, ascending
  bool passed = false;
  uint64_t romBytes = 0;
  double seconds = 0;
  std::string verdict;  // one line: what the proof said
};

// Runs the build with these removals and proves it.
using ShrinkOracle =
    std::function<llvm::Expected<ShrinkTrial>(const std::vector<size_t> &removed)>;

struct ShrinkOutcome {
  std::vector<size_t> removed;  // a set that passes; removing any one more kept candidate fails
  std::vector<ShrinkTrial> trials;
};

// ddmin on the kept set: starts by trying to remove everything, then halves,
// quarters, ... and after each success retries at the coarser grain. Ends
// 1-minimal: every candidate still kept was tried alone and its removal failed.
llvm::Expected<ShrinkOutcome> shrinkByDeltaDebugging(size_t candidates, const ShrinkOracle &oracle);

// The rule lines for a set of removals: one `table-entries TABLE drop
// ENTRY...` per removed candidate, whose reason gives the candidate's own
// bytes (ShrinkCandidate::bytes, which a comment above the rules says how
// it was measured) and then `evidence`, which they all share.
std::string dropRules(const std::vector<ShrinkCandidate> &candidates,
                      const std::vector<size_t> &removed, const std::string &evidence);

} // namespace romfit::prune
