#include "report/rom_diff.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "support/error.h"

namespace romfit::report {

llvm::StringRef changeLevelName(ChangeLevel level) {
  switch (level) {
  case ChangeLevel::Image: return "image";
  case ChangeLevel::Section: return "section";
  case ChangeLevel::Member: return "member";
  case ChangeLevel::Symbol: return "symbol";
  }
  return "symbol";
}

llvm::StringRef RowChange::status() const {
  if (!inOld)
    return "added";
  if (!inNew)
    return "removed";
  if (newRaw > oldRaw)
    return "grew";
  if (newRaw < oldRaw)
    return "shrank";
  return "same";
}

std::string RowChange::name() const {
  std::string joined;
  for (const std::string &part : path)
    joined += (joined.empty() ? "" : "/") + part;
  return joined;
}

std::string ChangeSummary::line() const {
  return fmt::format("add/remove: {}/{} grow/shrink: {}/{} up/down: {}/-{} ({})", added, removed,
                     grew, shrank, up, down, total());
}

std::vector<RowChange> RomDiff::at(ChangeLevel level) const {
  std::vector<RowChange> out;
  for (const RowChange &change : changes)
    if (change.level == level)
      out.push_back(change);
  return out;
}

namespace {

struct Sizes {
  uint64_t raw = 0, compressed = 0;
  bool attributed = false;  // not only overhead rows
};
using SizesByPath = std::map<std::vector<std::string>, Sizes>;

// Rows by level. A member's rows from several sections add up to one row
// per member and image, since "what did intel.o cost" is the question;
// symbols keep their member in the path, as names repeat across members.
std::map<ChangeLevel, SizesByPath> rowsByLevel(const RomReport &report) {
  std::map<ChangeLevel, SizesByPath> levels;
  for (const SizeNode &image : report.tree.children) {
    Sizes &imageSizes = levels[ChangeLevel::Image][{image.name}];
    imageSizes.attributed = true;
    imageSizes.raw += image.raw;
    imageSizes.compressed += image.stored;
    for (const SizeNode &section : image.children) {
      Sizes &sectionSizes = levels[ChangeLevel::Section][{image.name, section.name}];
      sectionSizes.attributed |= section.kind != RowKind::Overhead;
      sectionSizes.raw += section.raw;
      sectionSizes.compressed += section.stored;
      for (const SizeNode &member : section.children) {
        if (member.kind != RowKind::Member)
          continue;
        Sizes &memberSizes = levels[ChangeLevel::Member][{image.name, member.name}];
        memberSizes.attributed = true;
        memberSizes.raw += member.raw;
        memberSizes.compressed += member.stored;
        for (const SizeNode &symbol : member.children) {
          Sizes &symbolSizes = levels[ChangeLevel::Symbol][{image.name, member.name, symbol.name}];
          symbolSizes.attributed = true;
          symbolSizes.raw += symbol.raw;
          symbolSizes.compressed += symbol.stored;
        }
      }
    }
  }
  return levels;
}

} // namespace

RomDiff diffReports(const RomReport &before, const RomReport &after) {
  RomDiff diff;
  diff.before = &before;
  diff.after = &after;
  auto oldLevels = rowsByLevel(before);
  auto newLevels = rowsByLevel(after);
  diff.summary.level = ChangeLevel::Image;
  for (ChangeLevel level :
       {ChangeLevel::Image, ChangeLevel::Section, ChangeLevel::Member, ChangeLevel::Symbol}) {
    const SizesByPath &oldRows = oldLevels[level];
    const SizesByPath &newRows = newLevels[level];
    bool bothHaveLevel = !oldRows.empty() && !newRows.empty();
    if (bothHaveLevel)
      diff.summary.level = level;
    // An image both ROMs hold is compared at a level only when both have
    // attributed rows for it there: without build files one side stops at
    // sections (or, for a legacy image, at the whole image), and every row
    // of the other side would look added.
    auto attributedImages = [](const SizesByPath &rows) {
      std::set<std::string> images;
      for (const auto &[path, sizes] : rows)
        if (sizes.attributed)
          images.insert(path.front());
      return images;
    };
    std::set<std::string> oldImages = attributedImages(oldRows);
    std::set<std::string> newImages = attributedImages(newRows);
    const SizesByPath &oldWhole = oldLevels[ChangeLevel::Image];
    const SizesByPath &newWhole = newLevels[ChangeLevel::Image];
    std::vector<RowChange> changes;
    auto note = [&](const std::vector<std::string> &path) {
      const std::string &image = path.front();
      bool inBoth = oldWhole.count({image}) && newWhole.count({image});
      if (level != ChangeLevel::Image && inBoth &&
          !(oldImages.count(image) && newImages.count(image)))
        return;
      RowChange change;
      change.level = level;
      change.path = path;
      if (auto found = oldRows.find(path); found != oldRows.end()) {
        change.inOld = true;
        change.oldRaw = found->second.raw;
        change.oldCompressed = found->second.compressed;
      }
      if (auto found = newRows.find(path); found != newRows.end()) {
        change.inNew = true;
        change.newRaw = found->second.raw;
        change.newCompressed = found->second.compressed;
      }
      if (change.status() != "same" || (level == ChangeLevel::Image && change.compressedDelta()))
        changes.push_back(std::move(change));
    };
    for (const auto &[path, sizes] : oldRows)
      note(path);
    for (const auto &[path, sizes] : newRows)
      if (!oldRows.count(path))
        note(path);
    std::stable_sort(changes.begin(), changes.end(), [](const RowChange &a, const RowChange &b) {
      if (std::llabs(a.rawDelta()) != std::llabs(b.rawDelta()))
        return std::llabs(a.rawDelta()) > std::llabs(b.rawDelta());
      return std::llabs(a.compressedDelta()) > std::llabs(b.compressedDelta());
    });
    diff.changes.insert(diff.changes.end(), changes.begin(), changes.end());
  }
  for (const RowChange &change : diff.changes) {
    if (change.level != diff.summary.level)
      continue;
    llvm::StringRef status = change.status();
    diff.summary.added += status == "added";
    diff.summary.removed += status == "removed";
    diff.summary.grew += status == "grew";
    diff.summary.shrank += status == "shrank";
    if (change.rawDelta() > 0)
      diff.summary.up += uint64_t(change.rawDelta());
    else
      diff.summary.down += uint64_t(-change.rawDelta());
  }
  return diff;
}

namespace {

// Pairs OLD and NEW: two ROMs, or the ROMs of the same name in two dirs.
llvm::Expected<std::vector<std::pair<std::string, std::string>>>
pairRoms(const std::string &before, const std::string &after) {
  bool beforeIsDir = llvm::sys::fs::is_directory(before);
  if (beforeIsDir != llvm::sys::fs::is_directory(after))
    return makeError("diff: '{}' and '{}' must both be ROMs or both be build directories", before,
                     after);
  if (!beforeIsDir)
    return std::vector<std::pair<std::string, std::string>>{{before, after}};
  auto oldRoms = romsNamedBy(before);
  if (!oldRoms)
    return oldRoms.takeError();
  auto newRoms = romsNamedBy(after);
  if (!newRoms)
    return newRoms.takeError();
  std::map<std::string, std::string> newByName;
  for (const std::string &rom : *newRoms)
    newByName[llvm::sys::path::filename(rom).str()] = rom;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const std::string &rom : *oldRoms) {
    auto match = newByName.find(llvm::sys::path::filename(rom).str());
    if (match != newByName.end())
      pairs.emplace_back(rom, match->second);
  }
  if (pairs.empty())
    return makeError("diff: no ROM of the same name in '{}' and '{}'", before, after);
  return pairs;
}

} // namespace

llvm::Expected<RomDiffs> diffRomsNamedBy(const std::string &before, const std::string &after,
                                         uint64_t budget) {
  auto pairs = pairRoms(before, after);
  if (!pairs)
    return pairs.takeError();
  RomDiffs compared;
  // Diffs point into the reports, so the reports are all made first.
  for (const auto &[old, current] : *pairs)
    for (const std::string &path : {old, current}) {
      auto attributed = attributeRom(path);
      if (!attributed)
        return attributed.takeError();
      compared.reports.push_back(measureAgainst(std::move(*attributed), budget));
    }
  for (size_t i = 0; i + 1 < compared.reports.size(); i += 2)
    compared.diffs.push_back(diffReports(compared.reports[i], compared.reports[i + 1]));
  return compared;
}

} // namespace romfit::report
