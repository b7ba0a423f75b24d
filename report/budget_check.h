#pragma once
// The CI gate: does each ROM fit its budget, and did it grow no more than
// allowed since a baseline? When not, say by how much and what grew.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/Support/JSON.h>

#include "report/rom_attribution.h"

namespace romfit::report {

struct CheckLimits {
  uint64_t budget = kDefaultBudget;
  std::optional<uint64_t> maxGrowth;  // bytes; needs a baseline
};

struct Contributor {
  std::string name;  // "efi:x86_64/intel.o"
  int64_t bytes = 0; // compressed bytes in the ROM (growth, with a baseline)
};

struct RomCheck {
  RomReport report;
  std::optional<RomReport> baseline;
  bool fits = true;
  bool grewTooMuch = false;
  int64_t growth = 0;  // bytes since the baseline
  std::optional<uint64_t> maxGrowth;
  // What grew most since the baseline, or, without one, what is largest.
  std::vector<Contributor> topContributors;
  bool passed() const { return fits && !grewTooMuch; }
  // One line: the verdict, the figures, and on failure the contributors.
  std::string message() const;
};

inline constexpr size_t kTopContributors = 5;

RomCheck checkRom(RomReport report, std::optional<RomReport> baseline, const CheckLimits &limits);

llvm::json::Value checkJson(const std::vector<RomCheck> &checks, const CheckLimits &limits);
std::string checkText(const std::vector<RomCheck> &checks);

// The check of every ROM the arguments name (a ROM, or a build's OUTDIR),
// each against its baseline when one is given: BASELINE itself, or
// BASELINE/NAME when BASELINE is a directory.
llvm::Expected<std::vector<RomCheck>> checkRomsNamedBy(const std::vector<std::string> &arguments,
                                                       const std::optional<std::string> &baseline,
                                                       const CheckLimits &limits);

bool allPassed(const std::vector<RomCheck> &checks);

// What `romfit check --format` names: text, github (workflow commands and a
// step summary) or json.
enum class CheckFormat { Text, Github, Json };
llvm::Expected<CheckFormat> parseCheckFormat(llvm::StringRef text);
// GitHub Actions workflow commands: ::error for each failure, ::notice for each pass.
std::string checkGithubAnnotations(const std::vector<RomCheck> &checks);
// The Markdown table a job summary ($GITHUB_STEP_SUMMARY) gets.
std::string checkMarkdownSummary(const std::vector<RomCheck> &checks, const CheckLimits &limits);

} // namespace romfit::report
