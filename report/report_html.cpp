#include "report/report_format.h"

namespace romfit::report {

// Placeholder until the treemap page lands: the JSON in a <pre>.
std::string reportHtml(llvm::ArrayRef<RomReport> reports) {
  return "<!doctype html><meta charset=utf-8><pre>" + jsonText(reportJson(reports, kDepthAll)) +
         "</pre>\n";
}

} // namespace romfit::report
