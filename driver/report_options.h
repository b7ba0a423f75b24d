#pragma once
// Options report, diff and check share, stated once.
#include <string>

#include <llvm/Support/Error.h>

#include "driver/arguments.h"
#include "report/report_format.h"

namespace romfit::driver {

OptionSpec reportFormatSpec(const std::string &choices);
OptionSpec depthSpec();
OptionSpec budgetSpec();
OptionSpec bytesSpec();
OptionSpec outputSpec();

llvm::Expected<report::Format> reportFormatOption(const ParsedArguments &arguments,
                                                  report::Format fallback);
llvm::Expected<int> depthOption(const ParsedArguments &arguments, int fallback);
// Colour only on a terminal and only without NO_COLOR; exact bytes with --bytes.
report::TextStyle textStyle(const ParsedArguments &arguments);
// To -o FILE through a temporary and a rename, or to standard output.
llvm::Error writeReportOutput(const ParsedArguments &arguments, const std::string &text);

} // namespace romfit::driver
