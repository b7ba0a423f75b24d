#pragma once
// romfit shrink's trials: each a whole `romfit build --verify` with a rule
// set that drops some of the table entries the baseline's prune kept back,
// searched by prune/shrink's ddmin with the build's exit status as the oracle.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "pipeline/ipxe_targets.h"
#include "prune/shrink.h"
#include "support/process_runner.h"

namespace romfit::pipeline {

// What the full network boots do not exercise, said with every result.
inline constexpr const char kShrinkNotExercised[] =
    "link loss and recovery, multicast, IPv6, VLAN-tagged networks, a second NIC, "
    "the driver's unload, and the firmware's setup menus";

struct ShrinkRequest {
  std::vector<std::string> buildArguments;  // romfit build's, without --rules and -o
  std::string romId;
  std::vector<ImageKind> images;
  std::string baseRulesPath;
  std::string outDir;
  std::string romfit;  // the executable each trial runs
  support::ProcessRunner *runner = &support::systemProcessRunner();
};

struct ShrinkResult {
  prune::ShrinkTrial baseline;
  std::vector<prune::ShrinkCandidate> candidates;
  prune::ShrinkOutcome outcome;
  uint64_t shrunkBytes = 0;
  double seconds = 0;   // the baseline's and every trial's
  size_t passes = 0;    // trials that passed
  std::vector<std::string> removedText;  // shrinkCandidateText of each removal kept
  std::string shrunkRulesPath;  // OUTDIR/shrunk.rules
  std::string logPath;          // OUTDIR/shrink-log.txt
};

// "TABLE ENTRY... (MEMBER, N B)".
std::string shrinkCandidateText(const prune::ShrinkCandidate &candidate);

// The baseline (which must pass), its candidates, then ddmin's trials, each
// said on `out` as it ends; writes OUTDIR/shrunk.rules and the trial log.
llvm::Expected<ShrinkResult> searchRemovableEntries(const ShrinkRequest &request, std::FILE *out);

} // namespace romfit::pipeline
