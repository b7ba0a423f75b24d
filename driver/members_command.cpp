// romfit members: the archive members ld extracts, with the first reason,
// in the order and form of the map's "Archive member included" list.
#include <fmt/format.h>

#include "driver/analysis_options.h"
#include "driver/command.h"

namespace romfit::driver {
namespace {

using namespace analysis;

llvm::Expected<int> runMembers(const ParsedArguments &arguments) {
  auto analysis = loadAnalysis(arguments);
  if (!analysis)
    return analysis.takeError();
  const ResolvedLink &link = (*analysis)->link;
  auto referencedBy = [&](const LoadedObject &object) -> std::string {
    return object.extractedFor == kCommandLine ? std::string()
                                               : link.objects[object.extractedFor].displayName;
  };
  if (arguments.has("--json")) {
    llvm::json::Array members;
    for (const LoadedObject &object : link.objects) {
      if (!object.memberIndex)
        continue;
      const InputFile &archive = (*analysis)->inputs->files[object.inputIndex];
      std::string from = referencedBy(object);
      members.push_back(llvm::json::Object{
          {"member", object.displayName},
          {"archive", archive.path},
          {"name", archive.members[*object.memberIndex].name},
          {"referencedBy", from.empty() ? llvm::json::Value(nullptr) : llvm::json::Value(from)},
          {"symbol", object.extractedBySymbol},
      });
    }
    size_t count = members.size();
    printJson(llvm::json::Object{{"count", int64_t(count)}, {"members", std::move(members)}});
    return kExitOk;
  }
  // The map's layout: the member padded to 30 columns, or alone on its line
  // when 29 or longer; then the referencing file and the symbol.
  for (const LoadedObject &object : link.objects) {
    if (!object.memberIndex)
      continue;
    std::string line = object.displayName;
    if (line.size() >= 29)
      line += "\n";
    line += std::string(30 - (line.size() >= 29 ? 0 : line.size()), ' ');
    std::string from = referencedBy(object);
    if (!from.empty())
      line += from + " ";
    fmt::print("{}({})\n", line, object.extractedBySymbol);
  }
  return kExitOk;
}

RegisterCommand registerMembers(
    CommandSpec{
        .name = "members",
        .summary = "list the archive members a link extracts, and why",
        .usage = "[OPTIONS] -- LDCMD...",
        .description = std::string("Reproduces GNU ld's archive search for the link after `--` and prints\n"
                            "the members it extracts, first reason included, as the link map's\n"
                            "\"Archive member included to satisfy reference by file (symbol)\" list.\n\n") +
                    kLinkCommandHelp,
        .options = analysisOptions(kWithJson),
        .maxPositionals = 0,
        .takesLinkerCommand = true,
    },
    runMembers);

} // namespace
} // namespace romfit::driver
