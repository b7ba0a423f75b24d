// The text formats: an aligned table for terminals, CSV and Markdown rows.
#include <algorithm>

#include <fmt/color.h>
#include <fmt/format.h>

#include "report/report_format.h"

namespace romfit::report {

namespace {

constexpr size_t kMaxNameWidth = 64;

std::string budgetSummary(const RomReport &report, const TextStyle &style) {
  const BudgetLine &line = report.budget;
  std::string verdict = line.fits() ? "fits" : "OVER BUDGET";
  if (style.colour)
    verdict = fmt::format(fmt::fg(line.fits() ? fmt::terminal_color::green
                                              : fmt::terminal_color::bright_red) |
                              fmt::emphasis::bold,
                          "{}", verdict);
  std::string room = line.fits() ? fmt::format("headroom {} B", withThousands(line.headroom))
                                 : fmt::format("{} B over", withThousands(-line.headroom));
  return fmt::format("{}: {} B of {} B budget ({:.1f}%), {}, BAR {}: {}", report.path,
                     withThousands(line.size), withThousands(line.budget), line.percentOfBudget(),
                     room, humanBytes(line.barSize), verdict);
}

std::string clipped(std::string text, size_t width) {
  if (text.size() <= width)
    return text;
  return text.substr(0, width - 3) + "...";
}

} // namespace

std::string csvField(const std::string &text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos)
    return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"')
      quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string markdownCell(const std::string &text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|' || c == '\\' || c == '*' || c == '_' || c == '`' || c == '<' || c == '[')
      escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::string reportTable(llvm::ArrayRef<RomReport> reports, int depth, const TextStyle &style) {
  std::string out;
  for (const RomReport &report : reports) {
    if (!out.empty())
      out += "\n";
    out += budgetSummary(report, style) + "\n";
    size_t nameWidth = 4;
    visitRows(report.tree, depth, [&](const RowVisit &visit) {
      nameWidth = std::max(nameWidth, std::min(kMaxNameWidth, 2 * visit.depth + visit.row.name.size()));
    });
    out += fmt::format("  {:<{}}  {:>12}  {:>6}  {:>12}\n", "row", nameWidth, "raw", "share",
                       "compressed");
    visitRows(report.tree, depth, [&](const RowVisit &visit) {
      std::string name = clipped(std::string(2 * visit.depth, ' ') + visit.row.name, nameWidth);
      std::string line = fmt::format("  {:<{}}  {:>12}  {:>5.1f}%  {:>12}", name, nameWidth,
                                     bytesText(visit.row.raw, style),
                                     100.0 * shareOf(visit.row, visit.image),
                                     bytesText(visit.row.stored, style));
      if (style.colour && visit.row.kind == RowKind::Overhead)
        line = fmt::format(fmt::emphasis::faint, "{}", line);
      out += line + "\n";
    });
    for (const std::string &note : report.notes)
      out += "  note: " + note + "\n";
  }
  return out;
}

std::string reportCsv(llvm::ArrayRef<RomReport> reports, int depth) {
  std::string out = "rom,image,section,member,symbol,kind,raw,compressed,share\n";
  for (const RomReport &report : reports)
    visitRows(report.tree, depth, [&](const RowVisit &visit) {
      std::vector<std::string> columns(5);
      columns[0] = report.path;
      for (size_t level = 1; level < visit.path.size() && level < columns.size(); ++level)
        columns[level] = visit.path[level];
      for (const std::string &column : columns)
        out += csvField(column) + ",";
      out += fmt::format("{},{},{},{:.6f}\n", rowKindName(visit.row.kind), visit.row.raw,
                         visit.row.stored, shareOf(visit.row, visit.image));
    });
  return out;
}

std::string reportMarkdown(llvm::ArrayRef<RomReport> reports, int depth) {
  std::string out;
  TextStyle exact{false, true};
  for (const RomReport &report : reports) {
    out += "### " + markdownCell(budgetSummary(report, exact)) + "\n\n";
    out += "| Row | Kind | Raw bytes | Share | Compressed bytes |\n|---|---|--:|--:|--:|\n";
    visitRows(report.tree, depth, [&](const RowVisit &visit) {
      std::string indent;
      for (int i = 0; i < visit.depth; ++i)
        indent += "&emsp;";
      out += fmt::format("| {}{} | {} | {} | {:.1f}% | {} |\n", indent,
                         markdownCell(visit.row.name), rowKindName(visit.row.kind),
                         withThousands(visit.row.raw), 100.0 * shareOf(visit.row, visit.image),
                         withThousands(visit.row.stored));
    });
    for (const std::string &note : report.notes)
      out += "\n> " + markdownCell(note) + "\n";
    out += "\n";
  }
  return out;
}

} // namespace romfit::report
