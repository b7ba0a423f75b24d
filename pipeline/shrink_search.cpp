#include "pipeline/shrink_search.h"

#include <chrono>

#include <fmt/format.h>
#include <llvm/ADT/STLExtras.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>

#include "pipeline/build_layout.h"
#include "prune/prune_record.h"
#include "prune/rule_set.h"
#include "support/byte_sizes.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::pipeline {
namespace {

// Runs `romfit build` with `rules` into OUTDIR/trial; a trial passes when
// the build (its budget check and boot proof included) exits 0.
llvm::Expected<prune::ShrinkTrial> runTrial(const ShrinkRequest &request, const std::string &rules,
                                            size_t number) {
  BuildLayout layout(request.outDir + "/trial");
  std::string rulesPath = request.outDir + "/trial.rules";
  if (llvm::Error error = writeFileAtomically(rulesPath, llvm::StringRef(rules)))
    return error;
  std::vector<std::string> command = {request.romfit, "build"};
  command.insert(command.end(), request.buildArguments.begin(), request.buildArguments.end());
  command.insert(command.end(), {"--rules", rulesPath, "-o", layout.outDir()});
  std::string log = fmt::format("{}/trial-{}.log", request.outDir, number);
  auto started = std::chrono::steady_clock::now();
  auto process = request.runner->start(command, log, log);
  if (!process)
    return process.takeError();
  auto status = support::waitForExit(**process);
  if (!status)
    return status.takeError();
  prune::ShrinkTrial trial;
  trial.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  trial.passed = *status == 0;
  if (*status == 2)
    return makeError("trial {}: romfit build could not build (exit 2); see {}", number, log);
  // What pack wrote, whatever its proof made of the name.
  uint64_t size = 0;
  if (!llvm::sys::fs::file_size(layout.packedRom(request.romId), size))
    trial.romBytes = size;
  trial.verdict = trial.passed ? "every boot passed" : fmt::format("failed (see {})", log);
  return trial;
}

// The removals shrink may propose: every member the baseline's prune kept
// back for a table, from each image's prune.json.
llvm::Expected<std::vector<prune::ShrinkCandidate>> candidatesOf(const ShrinkRequest &request) {
  std::vector<prune::ShrinkCandidate> candidates;
  BuildLayout layout(request.outDir + "/trial");
  for (const ImageKind &kind : request.images) {
    if (!kind.efi)
      continue;  // legacy images are not pruned
    auto parsed = prune::readPruneRecord(
        layout.imageFile(request.romId, kind.name, ImageFile::PruneRecord));
    if (!parsed)
      return parsed.takeError();
    for (const auto &kept : parsed->keptRequires) {
      if (kept.table.empty() || kept.entries.empty())
        continue;
      bool seen = llvm::any_of(candidates, [&](const prune::ShrinkCandidate &candidate) {
        return candidate.table == kept.table && candidate.entries == kept.entries;
      });
      if (!seen)
        candidates.push_back({kept.table, kept.entries, kept.symbol, kept.bytes});
    }
  }
  // Largest first, so ddmin's first halves hold the removals worth most.
  llvm::stable_sort(candidates, [](const prune::ShrinkCandidate &a, const prune::ShrinkCandidate &b) {
    return a.bytes > b.bytes;
  });
  return candidates;
}

// Trials and shrunk.rules extend the base set by its absolute path rather
// than copying its text: a base that itself extends a set beside it (as
// efi-snp-only.rules does) then still resolves from OUTDIR.
llvm::Expected<std::string> baseRulesText(const std::string &baseRulesPath) {
  auto base = prune::loadRuleSet(baseRulesPath);
  if (!base)
    return base.takeError();
  llvm::SmallString<256> absoluteBase(baseRulesPath);
  if (std::error_code error = llvm::sys::fs::make_absolute(absoluteBase))
    return makeError("{}: cannot make the path absolute: {}", baseRulesPath, error.message());
  return fmt::format("# romfit shrink's base rule set, then what shrink drops\n"
                     "extends {}\n",
                     absoluteBase.str());
}

} // namespace

std::string shrinkCandidateText(const prune::ShrinkCandidate &candidate) {
  return fmt::format("{} {} ({}, {} B)", candidate.table, llvm::join(candidate.entries, " "),
                     candidate.member, withThousands(candidate.bytes));
}

llvm::Expected<ShrinkResult> searchRemovableEntries(const ShrinkRequest &request, std::FILE *out) {
  auto baseRules = baseRulesText(request.baseRulesPath);
  if (!baseRules)
    return baseRules.takeError();
  if (std::error_code error = llvm::sys::fs::create_directories(request.outDir))
    return makeError("{}: cannot create directory: {}", request.outDir, error.message());

  // The baseline must pass, or there is nothing to shrink from.
  fmt::print(out, "shrink: baseline: {} under {}\n", request.romId, request.baseRulesPath);
  ShrinkResult result;
  auto baseline = runTrial(request, *baseRules, 0);
  if (!baseline)
    return baseline.takeError();
  if (!baseline->passed)
    return makeError("the baseline build does not pass its boot proof: {}", baseline->verdict);
  result.baseline = std::move(*baseline);
  auto candidates = candidatesOf(request);
  if (!candidates)
    return candidates.takeError();
  result.candidates = std::move(*candidates);
  const std::vector<prune::ShrinkCandidate> &all = result.candidates;
  fmt::print(out, "shrink: baseline {} B, passed in {:.1f} s; {} candidate removal{}:\n",
             withThousands(result.baseline.romBytes), result.baseline.seconds, all.size(),
             all.size() == 1 ? "" : "s");
  for (const prune::ShrinkCandidate &candidate : all)
    fmt::print(out, "  {}\n", shrinkCandidateText(candidate));
  std::fflush(out);

  std::string log;
  size_t number = 0;
  auto oracle = [&](const std::vector<size_t> &removed) -> llvm::Expected<prune::ShrinkTrial> {
    std::string rulesText =
        *baseRules + "\n" + prune::dropRules(all, removed, "romfit shrink trial");
    auto trial = runTrial(request, rulesText, ++number);
    if (!trial)
      return trial.takeError();
    std::vector<std::string> names;
    for (size_t index : removed)
      names.push_back(all[index].member);
    std::string line = fmt::format("trial {}: without {}: {} B, {}, {:.1f} s", number,
                                   names.empty() ? "nothing" : llvm::join(names, " "),
                                   withThousands(trial->romBytes),
                                   trial->passed ? "PASS" : "FAIL", trial->seconds);
    fmt::print(out, "  {}\n", line);
    std::fflush(out);  // trials take a while: show each as it ends
    log += line + "\n";
    return trial;
  };
  auto outcome = prune::shrinkByDeltaDebugging(all.size(), oracle);
  if (!outcome)
    return outcome.takeError();
  result.outcome = std::move(*outcome);

  // The result, rebuilt so OUTDIR/trial holds it, and written as a rule set.
  result.shrunkBytes = result.baseline.romBytes;
  for (const prune::ShrinkTrial &trial : result.outcome.trials)
    if (trial.passed && trial.removed == result.outcome.removed)
      result.shrunkBytes = trial.romBytes;
  result.seconds = result.baseline.seconds;
  for (const prune::ShrinkTrial &trial : result.outcome.trials) {
    result.seconds += trial.seconds;
    result.passes += trial.passed;
  }
  for (size_t index : result.outcome.removed)
    result.removedText.push_back(shrinkCandidateText(all[index]));
  size_t drops = result.outcome.removed.size();
  std::string why = fmt::format(
      "found by romfit shrink ({} trials): with the {} drop{} here together the ROM went from "
      "{} to {} B and every full network boot passed; not exercised: {}. A rule for the "
      "default set needs a reason read in the code, not only this evidence.",
      result.outcome.trials.size(), drops, drops == 1 ? "" : "s",
      withThousands(result.baseline.romBytes), withThousands(result.shrunkBytes),
      kShrinkNotExercised);
  std::string shrunk = *baseRules + "\n" + prune::dropRules(all, result.outcome.removed, why);
  result.shrunkRulesPath = request.outDir + "/shrunk.rules";
  if (llvm::Error error = writeFileAtomically(result.shrunkRulesPath, llvm::StringRef(shrunk)))
    return error;
  result.logPath = request.outDir + "/shrink-log.txt";
  if (llvm::Error error = writeFileAtomically(result.logPath, llvm::StringRef(log)))
    return error;
  return result;
}

} // namespace romfit::pipeline
