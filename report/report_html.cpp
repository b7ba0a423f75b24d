// The HTML report: the JSON report embedded in a page whose own script
// draws the treemap and the table (report/report_html_template.h).
#include <llvm/Support/raw_ostream.h>

#include "report/report_format.h"
#include "report/report_html_template.h"

namespace romfit::report {

namespace {

// The JSON sits inside a <script> element, where a '<' from a symbol name
// could end it ("</script>") or start a comment that swallows the rest
// ("<!--"). JSON has '<' only inside strings, and there \u003c reads back
// as the same character.
std::string scriptSafeJson(const llvm::json::Value &value) {
  std::string text;
  llvm::raw_string_ostream(text) << value;
  std::string safe;
  safe.reserve(text.size());
  for (char c : text) {
    if (c == '<')
      safe += "\\u003c";
    else
      safe += c;
  }
  return safe;
}

} // namespace

std::string reportHtml(llvm::ArrayRef<RomReport> reports) {
  llvm::StringRef page = kReportHtmlTemplate;
  llvm::StringRef placeholder = kReportHtmlDataPlaceholder;
  auto [before, after] = page.split(placeholder);
  return before.str() + scriptSafeJson(reportJson(reports, kDepthAll)) + after.str();
}

} // namespace romfit::report
