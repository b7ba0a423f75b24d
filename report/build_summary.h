#pragma once
// What romfit build says of each ROM it made: per image, the members and
// bytes before and after the prune, the ROM against its budget, and what the
// rules removed, and the pruned drivers' section layout. Read from OUTDIR (the ROMs, the drivers and prune.json) so
// the same summary can be made again from a finished build.
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "report/budget.h"
#include "pipeline/build_graph.h"

namespace romfit::report {

struct BuiltImageSizes {
  std::string name;                   // "legacy", "efi:x86_64", ...
  uint64_t unpruned = 0, pruned = 0;  // bytes in the ROM
  uint64_t unprunedRaw = 0, prunedRaw = 0;  // the driver files; 0 for legacy images
  int64_t membersBefore = -1, membersAfter = -1;  // -1: not pruned (legacy)
  std::string removed;  // what the rules removed, largest first
  std::optional<pipeline::SectionLayout> layout;  // the pruned driver's; none for legacy images
};

struct BuiltRomSummary {
  std::string romId;
  std::string romPath;  // the pruned ROM
  std::vector<BuiltImageSizes> images;
  BudgetLine before, after;  // the unpruned and the pruned ROM
};

// Errors: a ROM, driver or prune.json of the build that cannot be read.
llvm::Expected<BuiltRomSummary> summarizeBuiltRom(const pipeline::BuildGraphInputs &graph,
                                                  const pipeline::RomBuild &rom, uint64_t budget);

// The table romfit build prints, one line per image, then the totals, what
// the rules removed, each EFI image's layout and the budget line.
std::string builtRomTable(const BuiltRomSummary &summary);

// For each ROM of the graph, in order: its table to `out`, then the gate
// `romfit check` applies to the pruned ROM; a ROM that fails it is handed to
// `onFailedCheck` with check's message. True when every ROM passed.
llvm::Expected<bool> reportBuiltRoms(const pipeline::BuildGraphInputs &graph, uint64_t budget,
                                     std::FILE *out,
                                     const std::function<void(const std::string &)> &onFailedCheck);

} // namespace romfit::report
