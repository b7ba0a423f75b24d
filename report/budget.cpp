#include "report/budget.h"

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

} // namespace romfit
