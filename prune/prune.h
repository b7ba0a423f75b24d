#pragma once
// Choosing what an efidrv link keeps under a rule set, the way the relink
// will actually behave: cut targets and dropped REQUIREs become definitions
// (weak stubs in the relink, --defsym here), and GNU ld's own archive
// extraction, modelled by the analysis engine, decides the members.
#include <memory>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "analysis/link_analysis.h"
#include "support/command_line.h"
#include "prune/relink.h"
#include "prune/rule_set.h"

namespace romfit::prune {

struct DroppedRequire {
  std::string symbol;       // obj_X
  std::string requiredBy;   // the config member that REQUIREs it
};

struct PrunedMember {
  std::string name;              // member name inside the archive, e.g. intel.o
  uint32_t archiveIndex;         // position in the original archive
  llvm::MemoryBufferRef buffer;  // its bytes, owned by PruneDecision::modelled
};

// A precondition evaluated on the unpruned link: held or not, and the
// evidence either way (the relocations found, or the members searched).
struct PreconditionCheck {
  Precondition precondition;
  bool held = false;
  std::string evidence;
};

struct PruneDecision {
  std::string archivePath;                // the archive the link searched
  StubPlan stubs;
  std::vector<DroppedRequire> droppedRequires;
  struct KeptRequire {
    std::string symbol;
    std::string table;  // the iterated table its member feeds; empty under 'keep'
    std::vector<std::string> entries;  // what the member puts into that table
    uint64_t bytes = 0;  // allocated bytes ld kept of the member in the unpruned link
  };
  std::vector<KeptRequire> keptRequires;
  std::vector<PrunedMember> members;      // what the relink extracts, in archive order
  struct RemovedMember {
    std::string name;
    uint64_t bytes;  // allocated bytes ld kept of it in the unpruned link
  };
  std::vector<RemovedMember> removed;     // largest first
  size_t membersBefore = 0;
  uint64_t bytesBefore = 0;               // allocated bytes ld keeps, unpruned
  uint64_t bytesAfter = 0;                // the same for the relink
  unsigned iterations = 0;
  std::vector<PreconditionCheck> preconditions;  // all held, or there is no decision
  // The modelled relink's analysis: it holds the archive the members' bytes
  // come from, so nothing reads the archive a second time.
  std::shared_ptr<const analysis::LinkAnalysis> modelled;
};

// `link` is the recipe's ld command (program first); `directory` where it
// runs. Errors: a rule naming a symbol the link does not have, a cut whose
// target has no stub (the relink would leave it undefined), a link that
// searches no archive.
llvm::Expected<PruneDecision> decidePrune(const support::Argv &link, llvm::StringRef directory,
                                          const RuleSet &rules);

std::vector<PreconditionCheck> checkPreconditions(const analysis::LinkAnalysis &link,
                                                  const RuleSet &rules);

// `--rules auto`: the decision under the first of `candidates` (strongest
// first) whose preconditions all hold on this link, and why each earlier one
// was passed over. The link is analysed once for both.
struct AutoPruneDecision {
  size_t chosen = 0;
  std::vector<std::string> passedOver;  // "FILE:LINE: precondition ... does not hold: EVIDENCE"
  PruneDecision decision;
};
llvm::Expected<AutoPruneDecision> decidePruneAmong(const support::Argv &link, llvm::StringRef directory,
                                                   llvm::ArrayRef<RuleSet> candidates);

// The same link with extra --defsym NAME=0 definitions.
support::Argv withDefinitions(const support::Argv &link, const std::vector<std::string> &symbols);

} // namespace romfit::prune
