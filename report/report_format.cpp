#include "report/report_format.h"

#include <fmt/format.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/raw_ostream.h>

#include "support/error.h"

namespace romfit::report {

llvm::Expected<Format> parseFormat(llvm::StringRef text) {
  if (text == "table")
    return Format::Table;
  if (text == "json")
    return Format::Json;
  if (text == "csv")
    return Format::Csv;
  if (text == "markdown")
    return Format::Markdown;
  if (text == "html")
    return Format::Html;
  return makeError("--format: '{}' is not one of table, json, csv, markdown, html", text);
}

std::string bytesText(uint64_t bytes, const TextStyle &style) {
  return style.exactBytes ? withThousands(bytes) : humanBytes(bytes);
}

double shareOf(const SizeNode &row, const SizeNode &image) {
  return image.stored ? double(row.stored) / double(image.stored) : 0.0;
}

void visitRows(const SizeNode &root, int depth,
               const std::function<void(const RowVisit &)> &visit) {
  std::vector<std::string> path;
  // `base` is what the row's share is of: the ROM for the ROM and its
  // images, the image for everything inside one.
  std::function<void(const SizeNode &, const SizeNode &, const SizeNode &, int)> walk =
      [&](const SizeNode &row, const SizeNode &base, const SizeNode &image, int level) {
        path.push_back(row.name);
        visit(RowVisit{row, base, level, path});
        if (level < depth)
          for (const SizeNode &child : row.children) {
            const SizeNode &childImage = level == 0 ? child : image;
            walk(child, level == 0 ? root : childImage, childImage, level + 1);
          }
        path.pop_back();
      };
  walk(root, root, root, 0);
}

llvm::json::Value budgetJson(const BudgetLine &line) {
  return llvm::json::Object{{"budget", int64_t(line.budget)},
                            {"used", int64_t(line.size)},
                            {"headroom", line.headroom},
                            {"bar_size", int64_t(line.barSize)},
                            {"fits", line.fits()}};
}

namespace {

llvm::json::Value rowJson(const SizeNode &row, const SizeNode &root, const SizeNode &base,
                          const SizeNode &image, int level, int depth) {
  llvm::json::Object object{{"name", row.name},
                            {"kind", rowKindName(row.kind)},
                            {"raw", int64_t(row.raw)},
                            {"compressed", int64_t(row.stored)},
                            {"share", shareOf(row, base)}};
  if (level < depth && !row.children.empty()) {
    llvm::json::Array children;
    for (const SizeNode &child : row.children) {
      const SizeNode &childImage = level == 0 ? child : image;
      children.push_back(
          rowJson(child, root, level == 0 ? root : childImage, childImage, level + 1, depth));
    }
    object["children"] = std::move(children);
  }
  return object;
}

} // namespace

llvm::json::Value reportJson(llvm::ArrayRef<RomReport> reports, int depth) {
  llvm::json::Array roms;
  for (const RomReport &report : reports) {
    llvm::json::Array notes;
    for (const std::string &note : report.notes)
      notes.push_back(note);
    roms.push_back(llvm::json::Object{{"path", report.path},
                                      {"size", int64_t(report.fileSize)},
                                      {"budget", budgetJson(report.budget)},
                                      {"notes", std::move(notes)},
                                      {"root", rowJson(report.tree, report.tree, report.tree, report.tree, 0, depth)}});
  }
  return llvm::json::Object{{"schema", "romfit-report"},
                            {"version", kSchemaVersion},
                            {"command", "report"},
                            {"roms", std::move(roms)}};
}

std::string jsonText(llvm::json::Value value) {
  std::string text;
  llvm::raw_string_ostream stream(text);
  stream << llvm::formatv("{0:2}", value);
  stream.flush();
  return text + "\n";
}

} // namespace romfit::report
