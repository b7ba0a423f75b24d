#include "report/budget_check.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <llvm/ADT/STLExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "report/diff_format.h"
#include "support/error.h"
#include "report/report_format.h"
#include "report/rom_diff.h"

namespace romfit::report {

namespace {

// Members where the report has them, else sections: the finest rows that
// mean something to whoever has to shrink the ROM.
std::vector<Contributor> largestRows(const RomReport &report) {
  std::vector<Contributor> members, sections;
  for (const SizeNode &image : report.tree.children)
    for (const SizeNode &section : image.children) {
      sections.push_back({image.name + "/" + section.name, int64_t(section.stored)});
      for (const SizeNode &member : section.children)
        if (member.kind == RowKind::Member)
          members.push_back({image.name + "/" + member.name, int64_t(member.stored)});
    }
  std::vector<Contributor> rows = members.empty() ? sections : members;
  if (!members.empty()) {
    // A member spread over several sections is one contributor.
    std::sort(rows.begin(), rows.end(), [](auto &a, auto &b) { return a.name < b.name; });
    std::vector<Contributor> merged;
    for (const Contributor &row : rows) {
      if (!merged.empty() && merged.back().name == row.name)
        merged.back().bytes += row.bytes;
      else
        merged.push_back(row);
    }
    rows = std::move(merged);
  }
  return rows;
}

std::vector<Contributor> grownRows(const RomReport &before, const RomReport &after) {
  RomDiff diff = diffReports(before, after);
  ChangeLevel level = diff.summary.level == ChangeLevel::Symbol ? ChangeLevel::Member
                                                                 : diff.summary.level;
  std::vector<Contributor> rows;
  for (const RowChange &change : diff.at(level))
    if (change.compressedDelta() > 0)
      rows.push_back({change.name(), change.compressedDelta()});
  return rows;
}

std::string contributorsText(const std::vector<Contributor> &contributors, bool growth) {
  std::string text;
  for (const Contributor &contributor : contributors)
    text += fmt::format("{}{} ({})", text.empty() ? "" : ", ", contributor.name,
                        growth ? signedBytes(contributor.bytes)
                               : withThousands(uint64_t(contributor.bytes)) + " B");
  return text;
}

} // namespace

RomCheck checkRom(RomReport report, std::optional<RomReport> baseline, const CheckLimits &limits) {
  RomCheck check;
  // The budget is the check's policy: measured here, against its limit.
  check.report = measureAgainst(std::move(report), limits.budget);
  if (baseline)
    check.baseline = measureAgainst(std::move(*baseline), limits.budget);
  check.fits = check.report.budget.fits();
  check.maxGrowth = limits.maxGrowth;
  if (check.baseline) {
    check.growth = int64_t(check.report.fileSize) - int64_t(check.baseline->fileSize);
    check.grewTooMuch = limits.maxGrowth && check.growth > int64_t(*limits.maxGrowth);
  }
  std::vector<Contributor> rows =
      check.baseline ? grownRows(*check.baseline, check.report) : largestRows(check.report);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Contributor &a, const Contributor &b) { return a.bytes > b.bytes; });
  if (rows.size() > kTopContributors)
    rows.resize(kTopContributors);
  check.topContributors = std::move(rows);
  return check;
}

std::string RomCheck::message() const {
  const BudgetLine &line = report.budget;
  std::string figures = fmt::format("{} B of {} B ({:.1f}%)", withThousands(line.size),
                                    withThousands(line.budget), line.percentOfBudget());
  std::string growthText =
      baseline ? fmt::format(", {} since {}", signedBytes(growth), baseline->path) : "";
  if (passed())
    return fmt::format("{}: fits: {}, headroom {} B{}", report.path, figures,
                       withThousands(line.headroom), growthText);
  std::vector<std::string> reasons;
  if (!fits)
    reasons.push_back(fmt::format("over budget by {} B", withThousands(-line.headroom)));
  if (grewTooMuch)
    reasons.push_back(fmt::format("grew by {} B since {}, more than the {} B allowed",
                                  withThousands(growth), baseline->path,
                                  withThousands(maxGrowth.value_or(0))));
  std::string text = fmt::format("{}: {}: {}", report.path, fmt::join(reasons, "; "), figures);
  if (!topContributors.empty())
    text += fmt::format("; {}: {}", baseline ? "grew most" : "largest",
                        contributorsText(topContributors, baseline.has_value()));
  return text;
}

std::string checkText(const std::vector<RomCheck> &checks) {
  std::string out;
  for (const RomCheck &check : checks)
    out += (check.passed() ? "PASS " : "FAIL ") + check.message() + "\n";
  return out;
}

std::string checkGithubAnnotations(const std::vector<RomCheck> &checks) {
  // Workflow commands end at a line break and treat % specially.
  auto escape = [](const std::string &text) {
    std::string out;
    for (char c : text)
      out += c == '%' ? "%25" : c == '\r' ? "%0D" : c == '\n' ? "%0A" : std::string(1, c);
    return out;
  };
  std::string out;
  for (const RomCheck &check : checks)
    out += fmt::format("::{} file={},title={}::{}\n", check.passed() ? "notice" : "error",
                       escape(check.report.path),
                       check.passed() ? "ROM fits its budget" : "ROM size check failed",
                       escape(check.message()));
  return out;
}

std::string checkMarkdownSummary(const std::vector<RomCheck> &checks, const CheckLimits &limits) {
  std::string out = fmt::format("### ROM size check (budget {} B{})\n\n| ROM | Size | Headroom | "
                                "Growth | Result |\n|---|--:|--:|--:|---|\n",
                                withThousands(limits.budget),
                                limits.maxGrowth
                                    ? fmt::format(", growth at most {} B",
                                                  withThousands(*limits.maxGrowth))
                                    : "");
  for (const RomCheck &check : checks)
    out += fmt::format("| {} | {} B | {} | {} | {} |\n", markdownCell(check.report.path),
                       withThousands(check.report.fileSize),
                       signedBytes(check.report.budget.headroom),
                       check.baseline ? signedBytes(check.growth) : "-",
                       check.passed() ? "pass" : "**FAIL**");
  for (const RomCheck &check : checks)
    if (!check.passed())
      out += "\n- " + markdownCell(check.message()) + "\n";
  return out + "\n";
}

llvm::json::Value checkJson(const std::vector<RomCheck> &checks, const CheckLimits &limits) {
  llvm::json::Array roms;
  bool allPassed = true;
  for (const RomCheck &check : checks) {
    allPassed &= check.passed();
    llvm::json::Array contributors;
    for (const Contributor &contributor : check.topContributors)
      contributors.push_back(
          llvm::json::Object{{"name", contributor.name}, {"bytes", contributor.bytes}});
    llvm::json::Value baseline = nullptr;
    if (check.baseline)
      baseline = llvm::json::Object{{"path", check.baseline->path},
                                    {"size", int64_t(check.baseline->fileSize)},
                                    {"growth", check.growth}};
    roms.push_back(llvm::json::Object{{"path", check.report.path},
                                      {"size", int64_t(check.report.fileSize)},
                                      {"budget", budgetJson(check.report.budget)},
                                      {"baseline", std::move(baseline)},
                                      {"fits", check.fits},
                                      {"grew_too_much", check.grewTooMuch},
                                      {"passed", check.passed()},
                                      {"message", check.message()},
                                      {"top_contributors", std::move(contributors)}});
  }
  llvm::json::Value maxGrowth = nullptr;
  if (limits.maxGrowth)
    maxGrowth = int64_t(*limits.maxGrowth);
  return llvm::json::Object{{"schema", "romfit-report"},
                            {"version", kSchemaVersion},
                            {"command", "check"},
                            {"budget", int64_t(limits.budget)},
                            {"max_growth", std::move(maxGrowth)},
                            {"passed", allPassed},
                            {"roms", std::move(roms)}};
}

llvm::Expected<CheckFormat> parseCheckFormat(llvm::StringRef text) {
  if (text == "text")
    return CheckFormat::Text;
  if (text == "github")
    return CheckFormat::Github;
  if (text == "json")
    return CheckFormat::Json;
  return makeError("--format: '{}' is not one of text, github, json", text.str());
}

namespace {

// The baseline of one ROM: BASELINE itself, or BASELINE/NAME for a directory.
std::string baselineFor(const std::string &baseline, const std::string &rom) {
  if (!llvm::sys::fs::is_directory(baseline))
    return baseline;
  llvm::SmallString<256> path(baseline);
  llvm::sys::path::append(path, llvm::sys::path::filename(rom));
  return path.str().str();
}

} // namespace

llvm::Expected<std::vector<RomCheck>> checkRomsNamedBy(const std::vector<std::string> &arguments,
                                                       const std::optional<std::string> &baseline,
                                                       const CheckLimits &limits) {
  std::vector<RomCheck> checks;
  for (const std::string &argument : arguments) {
    auto roms = romsNamedBy(argument);
    if (!roms)
      return roms.takeError();
    for (const std::string &rom : *roms) {
      auto attributed = attributeRom(rom);
      if (!attributed)
        return attributed.takeError();
      std::optional<RomReport> old;
      if (baseline) {
        auto attributedOld = attributeRom(baselineFor(*baseline, rom));
        if (!attributedOld)
          return withContext(attributedOld.takeError(), "baseline");
        old = std::move(*attributedOld);
      }
      checks.push_back(checkRom(std::move(*attributed), std::move(old), limits));
    }
  }
  return checks;
}

bool allPassed(const std::vector<RomCheck> &checks) {
  return llvm::all_of(checks, [](const RomCheck &check) { return check.passed(); });
}

} // namespace romfit::report
