#pragma once
// `romfit bisect`: a commit where a ROM or image crosses a line (the first,
// when the size crosses it once between the two ends, as bisection takes
// it to), found in history's DIR with history's builds and records.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "history/history_workspace.h"
#include "history/movers.h"

namespace romfit::history {

struct BisectRequest {
  WorkspaceRequest workspace;
  std::string good, bad;
  std::string romId;
  std::string image;  // "" the whole ROM; else an image ("efi:x86_64", "efi:x86_64 unpruned")
  std::optional<uint64_t> over;   // first commit whose bytes exceed this
  std::optional<uint64_t> grew;   // first commit at least this many bytes above the good one
  std::optional<uint64_t> moved;  // first commit at least this many bytes from the good one, either way
};

struct BisectResult {
  Commit first;                  // a commit past the line whose parent is not
  uint64_t before = 0, after = 0;  // the measured bytes at its parent and at it
  std::vector<MemberChange> members;
  size_t rangeCommits = 0;       // commits after good up to bad
  unsigned builds = 0;           // builds this run made
  unsigned maximumBuilds = 0;    // ceil(log2(range)) + 2
};

llvm::Expected<BisectResult> runBisect(const BisectRequest &request);

} // namespace romfit::history
