#include "driver/report_options.h"

#include <cstdlib>

#include <fmt/format.h>
#include <llvm/Support/Process.h>

#include "support/error.h"
#include "support/file_io.h"

namespace romfit::driver {

OptionSpec reportFormatSpec(const std::string &choices) {
  return {{"--format"}, "FORMAT", choices};
}
OptionSpec depthSpec() {
  return {{"--depth"}, "N", "rows down to depth N: 1 images, 2 sections, 3 members, 4 symbols"};
}
OptionSpec budgetSpec() { return {{"--budget"}, "SIZE", "size budget (default 256KiB)"}; }
OptionSpec bytesSpec() { return {{"--bytes"}, "", "exact byte counts instead of KiB"}; }
OptionSpec outputSpec() { return {{"-o", "--output"}, "FILE", "write here instead of stdout"}; }

llvm::Expected<report::Format> reportFormatOption(const ParsedArguments &arguments,
                                                  report::Format fallback) {
  if (auto text = arguments.get("--format"))
    return report::parseFormat(*text);
  return fallback;
}

llvm::Expected<int> depthOption(const ParsedArguments &arguments, int fallback) {
  auto text = arguments.get("--depth");
  if (!text)
    return fallback;
  unsigned depth = 0;
  if (llvm::StringRef(*text).getAsInteger(10, depth) || depth > unsigned(report::kDepthAll))
    return makeError("--depth: '{}' is not a depth from 0 to {}", *text, report::kDepthAll);
  return int(depth);
}

report::TextStyle textStyle(const ParsedArguments &arguments) {
  report::TextStyle style;
  style.exactBytes = arguments.has("--bytes");
  const char *noColour = std::getenv("NO_COLOR");
  style.colour = !arguments.has("--output") && llvm::sys::Process::StandardOutIsDisplayed() &&
                 !(noColour && *noColour);
  return style;
}

llvm::Error writeReportOutput(const ParsedArguments &arguments, const std::string &text) {
  if (auto output = arguments.get("--output"))
    return writeFileAtomically(*output, llvm::StringRef(text));
  fmt::print("{}", text);
  std::fflush(stdout);
  return llvm::Error::success();
}

} // namespace romfit::driver
