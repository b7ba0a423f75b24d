#pragma once
// What every link-analysis command shares: its options, loading the link
// after `--`, and output helpers for text tables and JSON.
#include <memory>
#include <string>
#include <vector>

#include <llvm/Support/JSON.h>

#include "analysis/link_analysis.h"
#include "driver/arguments.h"
#include "support/byte_sizes.h"

namespace romfit::driver {

enum AnalysisOptionSet : unsigned {
  kWithJson = 1,
  kWithCuts = 2,      // --cut, --require-edges
  kWithView = 4,      // --view linker|reachable
  kWithLimit = 8,     // --limit N
};

// -C/--directory and the requested extras, for a CommandSpec.
std::vector<OptionSpec> analysisOptions(unsigned sets);
extern const char *const kLinkCommandHelp;

llvm::Expected<std::unique_ptr<analysis::LinkAnalysis>> loadAnalysis(const ParsedArguments &arguments);
llvm::Expected<analysis::ViewOptions> viewOptionsFrom(const analysis::LinkAnalysis &analysis,
                                                      const ParsedArguments &arguments,
                                                      bool withCuts = true);
llvm::Expected<bool> wantsReachableView(const ParsedArguments &arguments);
llvm::Expected<size_t> limitFrom(const ParsedArguments &arguments, size_t fallback);

void printJson(llvm::json::Value value);

} // namespace romfit::driver
