#pragma once
// `romfit history`: the commits of a range, each measured by building it or
// carried from a built commit its changes cannot touch; and `romfit bisect`:
// the first commit where a ROM or image crosses a line.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "history/history_workspace.h"
#include "history/movers.h"

namespace romfit::history {

struct HistoryRequest {
  WorkspaceRequest workspace;
  std::string range;     // "A..B"; or
  unsigned last = 0;     // the last N commits of HEAD
  bool everyCommit = false;  // build every commit: the brute force the skipping is checked by
  uint64_t budget = 256 * 1024;
};

struct HistoryResult {
  std::vector<const CommitRecord *> ordered;  // the range's commits, oldest first
  std::vector<Mover> movers;
  unsigned built = 0, skipped = 0, failed = 0, alreadyRecorded = 0;
  HistoryWorkspace workspace;
};

// Measures every commit of the range (those DIR/history.json already has are
// not built again), then writes DIR/movers.{txt,md,json} and DIR/history.html.
llvm::Expected<HistoryResult> runHistory(const HistoryRequest &request);

struct BisectRequest {
  WorkspaceRequest workspace;
  std::string good, bad;
  std::string romId;
  std::string image;  // "" the whole ROM; else an image ("efi:x86_64", "efi:x86_64 unpruned")
  std::optional<uint64_t> over;   // first commit whose bytes exceed this
  std::optional<uint64_t> grew;   // first commit at least this many bytes above the good one
};

struct BisectResult {
  Commit first;                  // the first commit past the line
  uint64_t before = 0, after = 0;  // the measured bytes at its parent and at it
  std::vector<MemberChange> members;
  size_t rangeCommits = 0;       // commits after good up to bad
  unsigned builds = 0;           // builds this run made
  unsigned maximumBuilds = 0;    // ceil(log2(range)) + 2
};

llvm::Expected<BisectResult> runBisect(const BisectRequest &request);

} // namespace romfit::history
