#pragma once
// romfit diff's output in each format (schema: docs/report-schema.md).
#include <string>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/JSON.h>

#include "report/report_format.h"
#include "report/rom_diff.h"

namespace romfit::report {

// At most `limit` rows per level (0: all).
std::string diffTable(llvm::ArrayRef<RomDiff> diffs, size_t limit, const TextStyle &style);
llvm::json::Value diffJson(llvm::ArrayRef<RomDiff> diffs);
std::string diffCsv(llvm::ArrayRef<RomDiff> diffs);
std::string diffMarkdown(llvm::ArrayRef<RomDiff> diffs, size_t limit);

// "ROM: 387,072 B -> 176,640 B (-210,432 B); headroom -124,928 B -> 85,504 B"
std::string sizeChangeLine(const RomReport &before, const RomReport &after);
std::string signedBytes(int64_t delta);

} // namespace romfit::report
