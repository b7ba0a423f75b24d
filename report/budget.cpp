#include "report/budget.h"

#include <algorithm>

#include <fmt/format.h>

namespace romfit {

uint64_t nextPowerOfTwo(uint64_t value) {
  uint64_t power = 1;
  while (power < value)
    power <<= 1;
  return power;
}

BudgetLine measureAgainstBudget(uint64_t size, uint64_t budget) {
  BudgetLine line;
  line.size = size;
  line.budget = budget;
  line.barSize = nextPowerOfTwo(size);
  line.headroom = int64_t(budget) - int64_t(size);
  return line;
}

std::string budgetTableText(const std::vector<pci::RomPart> &parts, const BudgetLine &line) {
  size_t labelWidth = 8, detailWidth = 0;
  for (const pci::RomPart &part : parts) {
    labelWidth = std::max(labelWidth, part.label.size());
    detailWidth = std::max(detailWidth, part.detail.size());
  }
  size_t numberWidth = withThousands(std::max(line.size, line.barSize)).size() + 1;
  std::string text;
  auto addLine = [&](const std::string &label, const std::string &detail, const std::string &bytes,
                     const std::string &note) {
    text += fmt::format("  {:<{}}  {:<{}}  {:>{}} B{}\n", label, labelWidth, detail, detailWidth,
                        bytes, numberWidth, note);
  };
  for (const pci::RomPart &part : parts)
    addLine(part.label, part.detail, withThousands(part.size), "");
  addLine("total", "", withThousands(line.size),
          fmt::format("  ({:.1f}% of budget)", line.percentOfBudget()));
  addLine("budget", "", withThousands(line.budget), "");
  addLine("BAR", "", withThousands(line.barSize), "  (next power of two)");
  addLine("headroom", "", signedThousands(line.headroom, false), line.fits() ? "" : "  OVER BUDGET");
  return text;
}

} // namespace romfit
