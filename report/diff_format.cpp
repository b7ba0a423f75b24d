#include "report/diff_format.h"

#include <fmt/color.h>
#include <fmt/format.h>

namespace romfit::report {

namespace {

constexpr ChangeLevel kLevels[] = {ChangeLevel::Image, ChangeLevel::Section, ChangeLevel::Member,
                                   ChangeLevel::Symbol};

std::string headroomText(const BudgetLine &line) { return signedBytes(line.headroom); }

std::vector<RowChange> limited(std::vector<RowChange> rows, size_t limit) {
  if (limit && rows.size() > limit)
    rows.resize(limit);
  return rows;
}

std::string levelHeading(ChangeLevel level, size_t shown, size_t all) {
  std::string heading = fmt::format("{}s", changeLevelName(level));
  if (shown < all)
    heading += fmt::format(" (largest {} of {} changes)", shown, all);
  return heading;
}

} // namespace

std::string signedBytes(int64_t delta) {
  return signedThousands(delta) + " B";
}

std::string sizeChangeLine(const RomReport &before, const RomReport &after) {
  return fmt::format("ROM: {} B -> {} B ({}); headroom {} -> {} of {} B", withThousands(before.fileSize),
                     withThousands(after.fileSize),
                     signedBytes(int64_t(after.fileSize) - int64_t(before.fileSize)),
                     headroomText(before.budget), headroomText(after.budget),
                     withThousands(after.budget.budget));
}

std::string diffTable(llvm::ArrayRef<RomDiff> diffs, size_t limit, const TextStyle &style) {
  std::string out;
  for (const RomDiff &diff : diffs) {
    if (!out.empty())
      out += "\n";
    out += fmt::format("{} -> {}\n  {}\n  {} ({}s, raw bytes)\n", diff.before->path,
                       diff.after->path, sizeChangeLine(*diff.before, *diff.after),
                       diff.summary.line(), changeLevelName(diff.summary.level));
    for (ChangeLevel level : kLevels) {
      std::vector<RowChange> all = diff.at(level);
      if (all.empty())
        continue;
      std::vector<RowChange> rows = limited(all, limit);
      out += fmt::format("\n  {}\n  {:<8} {:>12} {:>12} {:>12} {:>12}  {}\n",
                         levelHeading(level, rows.size(), all.size()), "status", "old raw",
                         "new raw", "raw delta", "compr. delta", "row");
      for (const RowChange &change : rows) {
        std::string line = fmt::format("  {:<8} {:>12} {:>12} {:>12} {:>12}  {}",
                                       change.status(), withThousands(change.oldRaw),
                                       withThousands(change.newRaw), signedBytes(change.rawDelta()),
                                       signedBytes(change.compressedDelta()), change.name());
        if (style.colour)
          line = fmt::format(fmt::fg(change.rawDelta() > 0 ? fmt::terminal_color::red
                                                           : fmt::terminal_color::green),
                             "{}", line);
        out += line + "\n";
      }
    }
  }
  return out;
}

llvm::json::Value diffJson(llvm::ArrayRef<RomDiff> diffs) {
  llvm::json::Array pairs;
  for (const RomDiff &diff : diffs) {
    llvm::json::Array changes;
    for (const RowChange &change : diff.changes) {
      llvm::json::Array path;
      for (const std::string &part : change.path)
        path.push_back(part);
      changes.push_back(llvm::json::Object{{"level", changeLevelName(change.level)},
                                           {"path", std::move(path)},
                                           {"status", change.status()},
                                           {"old_raw", int64_t(change.oldRaw)},
                                           {"new_raw", int64_t(change.newRaw)},
                                           {"old_compressed", int64_t(change.oldCompressed)},
                                           {"new_compressed", int64_t(change.newCompressed)}});
    }
    const ChangeSummary &summary = diff.summary;
    pairs.push_back(llvm::json::Object{
        {"old", llvm::json::Object{{"path", diff.before->path},
                                   {"size", int64_t(diff.before->fileSize)},
                                   {"budget", budgetJson(diff.before->budget)}}},
        {"new", llvm::json::Object{{"path", diff.after->path},
                                   {"size", int64_t(diff.after->fileSize)},
                                   {"budget", budgetJson(diff.after->budget)}}},
        {"summary", llvm::json::Object{{"level", changeLevelName(summary.level)},
                                       {"added", int64_t(summary.added)},
                                       {"removed", int64_t(summary.removed)},
                                       {"grew", int64_t(summary.grew)},
                                       {"shrank", int64_t(summary.shrank)},
                                       {"up", int64_t(summary.up)},
                                       {"down", int64_t(summary.down)},
                                       {"total", summary.total()},
                                       {"line", summary.line()}}},
        {"changes", std::move(changes)}});
  }
  return llvm::json::Object{{"schema", "romfit-report"},
                            {"version", kSchemaVersion},
                            {"command", "diff"},
                            {"pairs", std::move(pairs)}};
}

std::string diffCsv(llvm::ArrayRef<RomDiff> diffs) {
  std::string out = "old,new,level,image,section_or_member,symbol,status,old_raw,new_raw,"
                    "old_compressed,new_compressed\n";
  for (const RomDiff &diff : diffs)
    for (const RowChange &change : diff.changes) {
      std::vector<std::string> columns{diff.before->path, diff.after->path,
                                       changeLevelName(change.level).str()};
      for (size_t i = 0; i < 3; ++i)
        columns.push_back(i < change.path.size() ? change.path[i] : "");
      for (const std::string &column : columns)
        out += csvField(column) + ",";
      out += fmt::format("{},{},{},{},{}\n", change.status(), change.oldRaw, change.newRaw,
                         change.oldCompressed, change.newCompressed);
    }
  return out;
}

std::string diffMarkdown(llvm::ArrayRef<RomDiff> diffs, size_t limit) {
  std::string out;
  for (const RomDiff &diff : diffs) {
    out += fmt::format("### {} → {}\n\n{}\n\n`{}` ({}s, raw bytes)\n", markdownCell(diff.before->path),
                       markdownCell(diff.after->path),
                       markdownCell(sizeChangeLine(*diff.before, *diff.after)), diff.summary.line(),
                       changeLevelName(diff.summary.level));
    for (ChangeLevel level : kLevels) {
      std::vector<RowChange> all = diff.at(level);
      if (all.empty())
        continue;
      std::vector<RowChange> rows = limited(all, limit);
      out += fmt::format("\n**{}**\n\n| Status | Old raw | New raw | Raw delta | Compressed delta | "
                         "Row |\n|---|--:|--:|--:|--:|---|\n",
                         levelHeading(level, rows.size(), all.size()));
      for (const RowChange &change : rows)
        out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", change.status(),
                           withThousands(change.oldRaw), withThousands(change.newRaw),
                           signedBytes(change.rawDelta()), signedBytes(change.compressedDelta()),
                           markdownCell(change.name()));
    }
    out += "\n";
  }
  return out;
}

} // namespace romfit::report
