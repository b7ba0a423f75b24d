// romfit shrink: searches, with the boot proof as the oracle, for the driver
// table entries a rule set can drop, and writes them as a rule set to read,
// not to install: shrink finds candidates, reasons decide.
#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>

#include "driver/command.h"
#include "driver/data_directory.h"
#include "pipeline/ipxe_targets.h"
#include "pipeline/shrink_search.h"
#include "support/byte_sizes.h"
#include "support/error.h"

namespace romfit::driver {
namespace {

llvm::Expected<pipeline::ShrinkRequest> shrinkRequestFrom(const ParsedArguments &arguments) {
  pipeline::ShrinkRequest request;
  request.outDir = arguments.get("--output").value_or("");
  auto ipxe = arguments.get("--ipxe");
  auto rom = arguments.get("--rom");
  if (request.outDir.empty() || !ipxe || !rom)
    return makeError("'romfit shrink' needs --ipxe SRC, --rom ID and -o OUTDIR");
  request.romId = *rom;
  request.romfit = romfitExecutable();
  request.buildArguments = {"--ipxe", *ipxe, "--rom", *rom, "--verify"};
  for (const char *option : {"--config", "--boot-programs"})
    if (auto value = arguments.get(option))
      request.buildArguments.insert(request.buildArguments.end(), {option, *value});
  for (const std::string &cross : arguments.getAll("--cross"))
    request.buildArguments.insert(request.buildArguments.end(), {"--cross", cross});
  for (const std::string &image : arguments.getAll("--image")) {
    auto kind = pipeline::parseImageKind(image);
    if (!kind)
      return kind.takeError();
    request.images.push_back(std::move(*kind));
    request.buildArguments.insert(request.buildArguments.end(), {"--image", image});
  }
  if (request.images.empty())
    request.images = pipeline::defaultImageKinds();
  if (auto path = arguments.get("--rules")) {
    request.baseRulesPath = *path;
  } else {
    auto directory = builtInRulesDirectory();
    if (!directory)
      return directory.takeError();
    request.baseRulesPath = *directory + "/efi-downgrade-ux.rules";
  }
  return request;
}

llvm::Expected<int> runShrink(const ParsedArguments &arguments) {
  auto request = shrinkRequestFrom(arguments);
  if (!request)
    return request.takeError();
  auto result = pipeline::searchRemovableEntries(*request, stdout);
  if (!result)
    return result.takeError();
  fmt::print("shrink: {} trials ({} passed) in {:.0f} s; removable: {}\n",
             result->outcome.trials.size(), result->passes, result->seconds,
             result->removedText.empty() ? "nothing" : llvm::join(result->removedText, "; "));
  fmt::print("shrink: {} -> {} B; rule set: {}; trial log: {}\n",
             withThousands(result->baseline.romBytes), withThousands(result->shrunkBytes),
             result->shrunkRulesPath, result->logPath);
  fmt::print("shrink: not exercised by the boots: {}\n", pipeline::kShrinkNotExercised);
  return kExitOk;
}

RegisterCommand registerShrink(
    CommandSpec{
        .name = "shrink",
        .summary = "find, by full network boots, which driver-table entries a driver can lose",
        .usage = "--ipxe SRC --rom ID [--image KIND]... [--config NAME]\n"
                 "       [--cross ARCH=PREFIX]... [--rules BASE] [--boot-programs DIR] -o OUTDIR",
        .description =
            "Builds the ROM under BASE (default: the built-in efi-downgrade-ux.rules) and\n"
            "proves it; every member its prune kept back for a driver table becomes a\n"
            "candidate removal ('table-entries TABLE drop ENTRY...'). Delta debugging\n"
            "(ddmin) then tries removing all of them, halves, quarters, ... relinking and\n"
            "re-proving every image each time (romfit build --verify into OUTDIR/trial), and\n"
            "keeps a removal only when every full network boot passes. Writes\n"
            "OUTDIR/shrunk.rules (BASE plus a drop rule per removed member, each with the\n"
            "member's own bytes in the unpruned link, from prune.json, then the evidence and\n"
            "what the boots do not exercise) and OUTDIR/shrink-log.txt (every trial: what it\n"
            "removed, bytes, verdict, seconds). Evidence is not a reason: read the code before\n"
            "a drop goes into a rule set others use.",
        .options =
            {
                {{"--ipxe"}, "SRC", "the iPXE source tree"},
                {{"--rom"}, "ID", "the ROM, 8 hex digits"},
                {{"--image"}, "KIND", "an image to build and prove; repeatable", true},
                {{"--config"}, "NAME", "iPXE's CONFIG (e.g. qemu)"},
                {{"--cross"}, "ARCH=PREFIX", "iPXE's CROSS for one architecture, as romfit build "
                 "takes it; repeatable", true},
                {{"--rules"}, "BASE", "the rule set to shrink from (table-consumers)"},
                {{"--boot-programs"}, "DIR", "where the boot programs are"},
                {{"-o", "--output"}, "OUTDIR", "trials, the rule set and the log"},
            },
        .maxPositionals = 0,
    },
    runShrink);

} // namespace
} // namespace romfit::driver
