#include "prune/prune_step.h"

#include <llvm/Support/FileSystem.h>

#include "prune/prune_record.h"
#include "prune/relink.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::prune {

llvm::Expected<PruneStep> decidePruneStep(const support::Argv &link, llvm::StringRef directory,
                                          llvm::StringRef rules,
                                          const std::optional<std::string> &builtInDirectory) {
  PruneStep step;
  if (rules == kAutoRules || rules == kAutoOwnBootPathRules) {
    if (!builtInDirectory)
      return makeError("--rules {} needs the built-in rule sets", rules.str());
    std::vector<RuleSet> candidates;
    for (const std::string &path : rules == kAutoRules
                                       ? builtInRuleSets(*builtInDirectory)
                                       : builtInOwnBootPathRuleSets(*builtInDirectory)) {
      auto candidate = loadRuleSet(path);
      if (!candidate)
        return candidate.takeError();
      candidates.push_back(std::move(*candidate));
    }
    auto automatic = decidePruneAmong(link, directory, candidates);
    if (!automatic)
      return automatic.takeError();
    step.passedOver = std::move(automatic->passedOver);
    step.rules = std::move(candidates[automatic->chosen]);
    step.decision = std::move(automatic->decision);
    return step;
  }
  auto explicitRules = loadRuleSet(rules);
  if (!explicitRules)
    return explicitRules.takeError();
  step.rules = std::move(*explicitRules);
  auto decided = decidePrune(link, directory, step.rules);
  if (!decided)
    return decided.takeError();
  step.decision = std::move(*decided);
  return step;
}

llvm::Error writePruneStep(const PruneStep &step, llvm::StringRef outDir) {
  std::vector<ArchiveEntry> entries;
  for (const PrunedMember &member : step.decision.members)
    entries.push_back({member.name, member.buffer});
  auto pruned = writePrunedArchive(entries);
  if (!pruned)
    return pruned.takeError();

  if (std::error_code ec = llvm::sys::fs::create_directories(outDir))
    return makeError("{}: cannot create: {}", outDir.str(), ec.message());
  std::string json = pruneRecordText(pruneRecordOf(step.decision, step.rules, step.passedOver));
  for (auto [name, contents] :
       {std::pair<std::string, std::string>{"stub.c", generateStubSource(step.decision.stubs)},
        {"prune.json", json}})
    if (llvm::Error error = writeFileAtomically(outDir.str() + "/" + name, contents))
      return error;
  return writeFileAtomically(outDir.str() + "/pruned.a", *pruned);
}

} // namespace romfit::prune
