#pragma once
// What changed between two ROM reports, in the manner of the kernel's
// bloat-o-meter: rows matched by their path (image, section, member,
// symbol), sorted by how much they changed, with a one-line summary.
#include <cstdint>
#include <string>
#include <vector>

#include "report/rom_attribution.h"

namespace romfit::report {

enum class ChangeLevel { Image, Section, Member, Symbol };
llvm::StringRef changeLevelName(ChangeLevel level);

struct RowChange {
  ChangeLevel level = ChangeLevel::Symbol;
  std::vector<std::string> path;  // image, section, member, symbol: as deep as the level
  bool inOld = false, inNew = false;
  uint64_t oldRaw = 0, newRaw = 0;
  uint64_t oldCompressed = 0, newCompressed = 0;

  int64_t rawDelta() const { return int64_t(newRaw) - int64_t(oldRaw); }
  int64_t compressedDelta() const { return int64_t(newCompressed) - int64_t(oldCompressed); }
  // "added", "removed", "grew", "shrank" or "same".
  llvm::StringRef status() const;
  std::string name() const;  // the path joined with '/'
};

// bloat-o-meter's line, over the deepest level both reports have.
struct ChangeSummary {
  ChangeLevel level = ChangeLevel::Symbol;
  size_t added = 0, removed = 0, grew = 0, shrank = 0;
  uint64_t up = 0, down = 0;  // raw bytes
  int64_t total() const { return int64_t(up) - int64_t(down); }
  std::string line() const;  // "add/remove: 1/2 grow/shrink: 3/4 up/down: 10/-20 (-10)"
};

struct RomDiff {
  const RomReport *before = nullptr;
  const RomReport *after = nullptr;
  ChangeSummary summary;
  // Rows whose raw size changed (or that exist on one side only), at every
  // level, each level sorted by the size of its change, largest first.
  std::vector<RowChange> changes;
  std::vector<RowChange> at(ChangeLevel level) const;
};

RomDiff diffReports(const RomReport &before, const RomReport &after);

// The reports of the ROMs compared, and their diffs, which point into them.
struct RomDiffs {
  std::vector<RomReport> reports;
  std::vector<RomDiff> diffs;
};

// OLD against NEW: two ROMs, or the ROMs of the same name in two build
// directories; each measured against `budget`.
llvm::Expected<RomDiffs> diffRomsNamedBy(const std::string &before, const std::string &after,
                                         uint64_t budget);

} // namespace romfit::report
