#pragma once
// One self-contained HTML page of a history: bytes per image over the
// commits as a step chart, the budget line, the unpruned sizes beside the
// pruned ones, and at every step its commit and top member changes (on the
// point's tooltip and, when pointed at, in the panel under the chart).
#include <cstdint>
#include <string>
#include <vector>

#include "history/history_record.h"
#include "history/movers.h"

namespace romfit::history {

std::string historyChartHtml(const std::vector<const CommitRecord *> &ordered,
                             const std::vector<Mover> &movers, uint64_t budget);

} // namespace romfit::history
