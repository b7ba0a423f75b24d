// romfit prune: decides what an efidrv link keeps under a rule set and writes
// what the relink needs. build.ninja runs it; users run it to see the effect
// of a rule set on one link.
#include <optional>

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

#include "support/error.h"
#include "support/file_io.h"
#include "driver/analysis_options.h"
#include "driver/command.h"
#include "driver/data_directory.h"
#include "prune/prune_step.h"

namespace romfit::driver {
namespace {

llvm::Expected<int> runPrune(const ParsedArguments &arguments) {
  auto rulesPath = arguments.get("--rules");
  auto outDir = arguments.get("--out-dir");
  if (!rulesPath || !outDir)
    return makeError("'romfit prune' needs --rules FILE and --out-dir DIR");
  std::string directory = arguments.get("--directory").value_or(".");
  std::optional<std::string> builtIn;
  if (*rulesPath == prune::kAutoRules || *rulesPath == prune::kAutoOwnBootPathRules) {
    auto rulesDirectory = builtInRulesDirectory();
    if (!rulesDirectory)
      return rulesDirectory.takeError();
    builtIn = *rulesDirectory;
  }
  auto step = prune::decidePruneStep(arguments.linkerCommand, directory, *rulesPath, builtIn);
  if (!step)
    return step.takeError();
  if (llvm::Error error = prune::writePruneStep(*step, *outDir))
    return error;
  const prune::PruneDecision *decision = &step->decision;
  const prune::RuleSet *chosen = &step->rules;
  const std::vector<std::string> &passedOver = step->passedOver;

  fmt::print("{}: rule set {}{}\n", decision->archivePath, chosen->path,
             passedOver.empty() ? std::string()
                                : " (auto; passed over: " + llvm::join(passedOver, "; ") + ")");
  fmt::print("{}: {} -> {} members, {} -> {} B kept by ld; {} REQUIREs dropped, {} kept, "
             "{} stubs ({} rounds)\n",
             decision->archivePath, decision->membersBefore, decision->members.size(),
             decision->bytesBefore, decision->bytesAfter, decision->droppedRequires.size(),
             decision->keptRequires.size(), decision->stubs.functions.size(),
             decision->iterations);
  return kExitOk;
}

RegisterCommand registration{
    CommandSpec{
        .name = "prune",
        .summary = "choose the members an efidrv link keeps under a rule set; write stub.c, pruned.a, prune.json",
        .usage = "--rules FILE --out-dir DIR [-C DIR] -- LDCMD...",
        .description = "Cut targets get weak stubs and config REQUIREs the rule set drops become weak\n"
        "absent symbols (stub.c); GNU ld's archive extraction, modelled on the link with\n"
        "those symbols defined, gives the members (pruned.a, in archive order).\n"
        "Under 'require-policy table-consumers' a dropped REQUIRE is taken back while its\n"
        "member feeds a linker table that live code iterates. A rule set's preconditions\n"
        "are checked on the link's objects first: with --rules FILE one that fails is\n"
        "an error (exit 2) naming the rule, the precondition and the evidence; with\n"
        "--rules auto that set is passed over, and prune.json says why.",
        .options = {
            {{"--rules"}, "FILE",
             "the rule set (see docs/rules.md); auto: the strongest built-in set whose "
             "preconditions hold; auto-own-boot-path: the same among the sets that keep iPXE's "
             "own boot path (efi-netboot, else efi-full-ux)"},
            {{"--out-dir"}, "DIR", "where stub.c, pruned.a and prune.json go"},
            {{"-C", "--directory"}, "DIR", "the directory the link command runs in"},
        },
        .maxPositionals = 0,
        .takesLinkerCommand = /*takesLinkerCommand=*/true,
    },
    runPrune};

} // namespace
} // namespace romfit::driver
