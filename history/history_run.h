#pragma once
// `romfit history`: the commits of a range (or samples of it), each measured
// by building it or carried from a built commit its changes cannot touch.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "history/bisect.h"
#include "history/history_workspace.h"
#include "history/movers.h"

namespace romfit::history {

struct HistoryRequest {
  WorkspaceRequest workspace;
  std::string range;     // "A..B"; or
  unsigned last = 0;     // the last N commits of HEAD; or
  bool tags = false;     // the release tags reachable from HEAD (v*), then HEAD
  unsigned stride = 0;   // of the range's commits, every stride-th (and the last)
  bool everyCommit = false;  // build every commit: the brute force the skipping is checked by
  // Between two neighbouring samples (tags, or a stride) where an image
  // moved by at least this many bytes, bisect finds the commit that did it.
  std::optional<uint64_t> locate;
  uint64_t budget = 256 * 1024;
};

// A move of at least --locate bytes between two samples, and the commit
// bisection found for it.
struct LocatedStep {
  Mover between;       // the samples' move (commit: the later sample)
  std::string first;   // the commit bisection found crossing it, and its subject
  std::string subject;
  uint64_t before = 0, after = 0;  // that commit's parent and itself
  unsigned builds = 0;
};

struct HistoryResult {
  std::vector<const CommitRecord *> ordered;  // the range's commits, oldest first
  std::vector<Mover> movers;
  std::vector<LocatedStep> located;
  unsigned built = 0, skipped = 0, failed = 0, alreadyRecorded = 0;
  HistoryWorkspace workspace;
};

// Measures every commit of the range (those DIR/history.json already has are
// not built again), then writes DIR/movers.{txt,md,json} and DIR/history.html.
llvm::Expected<HistoryResult> runHistory(const HistoryRequest &request);

// The located steps as text and as JSON.
std::string locatedStepsText(const std::vector<LocatedStep> &steps);
llvm::json::Value locatedStepsJson(const std::vector<LocatedStep> &steps);

} // namespace romfit::history
