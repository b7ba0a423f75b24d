#pragma once
// What `romfit prune` does, the step build.ninja runs per EFI image: the
// rule set chosen (one file, or the strongest built-in set whose
// preconditions hold), the decision, and its three files written.
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "prune/prune.h"
#include "prune/rule_set.h"
#include "support/command_line.h"

namespace romfit::prune {

struct PruneStep {
  PruneDecision decision;
  RuleSet rules;                        // the set the decision was made under
  std::vector<std::string> passedOver;  // auto: the stronger sets, and why not
};

// `rules` is a rule-set file, or kAutoRules / kAutoOwnBootPathRules, which
// choose among the built-in sets in `builtInDirectory` (needed only then).
llvm::Expected<PruneStep> decidePruneStep(const support::Argv &link, llvm::StringRef directory,
                                          llvm::StringRef rules,
                                          const std::optional<std::string> &builtInDirectory);

// OUTDIR's stub.c, prune.json and pruned.a, each written whole or not at all.
llvm::Error writePruneStep(const PruneStep &step, llvm::StringRef outDir);

} // namespace romfit::prune
