#include "driver/analysis_options.h"

#include <fmt/format.h>
#include <llvm/Support/raw_ostream.h>

#include "support/error.h"

namespace romfit::driver {

const char *const kLinkCommandHelp =
    "LDCMD is the GNU ld command exactly as `make V=1` prints it, from the\n"
    "linker's name on; -C DIR names the directory it ran in (iPXE's src/).";

std::vector<OptionSpec> analysisOptions(unsigned sets) {
  std::vector<OptionSpec> options{
      {{"-C", "--directory"}, "DIR", "the directory the link command ran in (default: here)"}};
  if (sets & kWithJson)
    options.push_back({{"--json"}, "", "print JSON instead of text"});
  if (sets & kWithView)
    options.push_back({{"--view"}, "VIEW",
                       "linker (what ld keeps, the default) or reachable (what can run)"});
  if (sets & kWithCuts) {
    options.push_back({{"--cut"}, "CUT",
                       "remove references: FROM->TO (one reference) or SYMBOL (all to it)",
                       /*repeatable=*/true});
    options.push_back({{"--require-edges"}, "POLICY",
                       "keep (REQUIRE_OBJECT keeps its target, the default) or intent"});
  }
  if (sets & kWithLimit)
    options.push_back({{"--limit"}, "N", "show at most N rows (0: all)"});
  return options;
}

llvm::Expected<std::unique_ptr<analysis::LinkAnalysis>> loadAnalysis(const ParsedArguments &arguments) {
  auto command = analysis::parseLinkCommand(arguments.linkerCommand);
  if (!command)
    return command.takeError();
  if (auto directory = arguments.get("--directory"))
    command->directory = *directory;
  return analysis::analyseLink(std::move(*command));
}

llvm::Expected<analysis::ViewOptions> viewOptionsFrom(const analysis::LinkAnalysis &analysis,
                                                      const ParsedArguments &arguments,
                                                      bool withCuts) {
  analysis::RequirePolicy policy = analysis::RequirePolicy::Keep;
  if (auto text = arguments.get("--require-edges")) {
    if (*text == "intent")
      policy = analysis::RequirePolicy::IntentOnly;
    else if (*text != "keep")
      return makeError("--require-edges takes 'keep' or 'intent', not '{}'", *text);
  }
  return analysis.viewOptions(withCuts ? arguments.getAll("--cut") : std::vector<std::string>{},
                              policy);
}

llvm::Expected<bool> wantsReachableView(const ParsedArguments &arguments) {
  auto view = arguments.get("--view").value_or("linker");
  if (view != "linker" && view != "reachable")
    return makeError("--view takes 'linker' or 'reachable', not '{}'", view);
  return view == "reachable";
}

llvm::Expected<size_t> limitFrom(const ParsedArguments &arguments, size_t fallback) {
  auto text = arguments.get("--limit");
  if (!text)
    return fallback;
  unsigned long long value;
  if (llvm::StringRef(*text).getAsInteger(10, value))
    return makeError("--limit takes a number, not '{}'", *text);
  return value == 0 ? SIZE_MAX : size_t(value);
}

void printJson(llvm::json::Value value) {
  llvm::outs() << llvm::formatv("{0:2}", value) << "\n";
  llvm::outs().flush();
}

} // namespace romfit::driver
