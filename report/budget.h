#pragma once
// The size budget a ROM is measured against: QEMU rounds a ROM BAR up to a
// power of two, and a ROM past the budget cannot migrate to hosts with the
// smaller ROM.
#include <cstdint>
#include <string>
#include <vector>

#include "rom/rom_assembly.h"
#include "support/byte_sizes.h"

namespace romfit {

inline constexpr uint64_t kDefaultBudget = 256 * 1024;

struct BudgetLine {
  uint64_t size = 0;
  uint64_t budget = kDefaultBudget;
  uint64_t barSize = 0;  // what QEMU would map: next power of two
  int64_t headroom = 0;  // budget - size; negative when over
  bool fits() const { return headroom >= 0; }
  double percentOfBudget() const { return budget ? 100.0 * double(size) / double(budget) : 0; }
};

BudgetLine measureAgainstBudget(uint64_t size, uint64_t budget);
uint64_t nextPowerOfTwo(uint64_t value);

// The table pack and inspect print: a line per part, then total, budget,
// BAR and headroom.
std::string budgetTableText(const std::vector<pci::RomPart> &parts, const BudgetLine &line);

} // namespace romfit
