#pragma once
// The formats every report command writes: a table for people, JSON for
// programs (docs/report-schema.md), flat CSV and Markdown rows for
// spreadsheets and CI summaries, and a self-contained HTML page.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/JSON.h>

#include "report/rom_attribution.h"
#include "support/byte_sizes.h"

namespace romfit::report {

inline constexpr int kSchemaVersion = 1;

enum class Format { Table, Json, Csv, Markdown, Html };
llvm::Expected<Format> parseFormat(llvm::StringRef text);

// Depth 0 is the ROM row; 1 images, 2 sections, 3 members, 4 symbols.
inline constexpr int kDepthAll = 4;

struct TextStyle {
  bool colour = false;     // ANSI colours: only on a terminal without NO_COLOR
  bool exactBytes = false; // "12,345" rather than "12.1 KiB"
};

// Exact or human, as the style says.
std::string bytesText(uint64_t bytes, const TextStyle &style);
// A row's share of its image (or of the ROM, for the ROM and image rows).
double shareOf(const SizeNode &row, const SizeNode &image);

llvm::json::Value budgetJson(const BudgetLine &line);
llvm::json::Value reportJson(llvm::ArrayRef<RomReport> reports, int depth);
// The JSON document as text, one document, pretty-printed.
std::string jsonText(llvm::json::Value value);

// Quoted when it holds a comma, quote or line break.
std::string csvField(const std::string &text);
// Escaped so a name cannot end a table cell or start markup.
std::string markdownCell(const std::string &text);

std::string reportTable(llvm::ArrayRef<RomReport> reports, int depth, const TextStyle &style);
std::string reportCsv(llvm::ArrayRef<RomReport> reports, int depth);
std::string reportMarkdown(llvm::ArrayRef<RomReport> reports, int depth);
std::string reportHtml(llvm::ArrayRef<RomReport> reports);

// Visits rows down to `depth`, parents before children, with what each
// row's share is of (its image; the ROM for the ROM and image rows).
struct RowVisit {
  const SizeNode &row;
  const SizeNode &image;  // the share's base
  int depth;
  std::vector<std::string> path;  // names from the ROM row down to this row
};
void visitRows(const SizeNode &root, int depth, const std::function<void(const RowVisit &)> &visit);

} // namespace romfit::report
