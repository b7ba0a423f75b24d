#include "prune/shrink.h"

#include <algorithm>

#include <fmt/format.h>
#include <llvm/ADT/STLExtras.h>
#include <llvm/ADT/StringExtras.h>

#include "support/byte_sizes.h"

namespace romfit::prune {

namespace {

std::vector<size_t> without(const std::vector<size_t> &kept, const std::vector<size_t> &chunk) {
  std::vector<size_t> rest;
  for (size_t index : kept)
    if (!llvm::is_contained(chunk, index))
      rest.push_back(index);
  return rest;
}

} // namespace

llvm::Expected<ShrinkOutcome> shrinkByDeltaDebugging(size_t candidates,
                                                     const ShrinkOracle &oracle) {
  ShrinkOutcome outcome;
  std::vector<size_t> kept(candidates);
  for (size_t i = 0; i < candidates; ++i)
    kept[i] = i;
  // The removals a trial makes: every candidate not kept.
  auto trial = [&](const std::vector<size_t> &keep) -> llvm::Expected<bool> {
    std::vector<size_t> removed;
    for (size_t i = 0; i < candidates; ++i)
      if (!llvm::is_contained(keep, i))
        removed.push_back(i);
    auto result = oracle(removed);
    if (!result)
      return result.takeError();
    result->removed = removed;
    outcome.trials.push_back(*result);
    return result->passed;
  };

  size_t granularity = 1;  // 1: try removing every kept candidate at once
  while (!kept.empty()) {
    size_t chunks = std::min(granularity, kept.size());
    size_t chunkSize = (kept.size() + chunks - 1) / chunks;
    bool reduced = false;
    for (size_t start = 0; start < kept.size(); start += chunkSize) {
      std::vector<size_t> chunk(kept.begin() + start,
                                kept.begin() + std::min(kept.size(), start + chunkSize));
      std::vector<size_t> rest = without(kept, chunk);
      auto passed = trial(rest);
      if (!passed)
        return passed.takeError();
      if (*passed) {
        kept = std::move(rest);
        granularity = std::max<size_t>(granularity - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced)
      continue;
    if (chunks >= kept.size())
      break;  // every kept candidate was tried alone
    granularity = std::min(kept.size(), std::max<size_t>(2, granularity * 2));
  }
  for (size_t i = 0; i < candidates; ++i)
    if (!llvm::is_contained(kept, i))
      outcome.removed.push_back(i);
  return outcome;
}

std::string dropRules(const std::vector<ShrinkCandidate> &candidates,
                      const std::vector<size_t> &removed, const std::string &evidence) {
  if (removed.empty())
    return "";
  // The figure is the member's alone and measured before the prune: a trial
  // removes several at once, so no trial's ROM size tells one drop's share.
  std::string text =
      "# Each drop's bytes are its member's own: what ld kept of it in the unpruned link\n"
      "# (prune.json's kept_requires), uncompressed. Members only it pulled in are not\n"
      "# counted, and the ROM holds the driver compressed: what the drops together saved\n"
      "# in the ROM is the evidence's figure.\n";
  for (size_t index : removed) {
    const ShrinkCandidate &candidate = candidates[index];
    text += fmt::format("table-entries {} drop {}\n  why: {}'s member: {} B in the unpruned "
                        "link\n  why: {}\n",
                        candidate.table, llvm::join(candidate.entries, " "), candidate.member,
                        withThousands(candidate.bytes), evidence);
  }
  return text;
}

} // namespace romfit::prune
