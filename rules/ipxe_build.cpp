#include "rules/ipxe_build.h"

#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>

#include "support/error.h"
#include "rules/make_runner.h"
#include "rules/ninja_writer.h"

namespace romfit::rules {
namespace {

std::string absolute(llvm::StringRef path) {
  llvm::SmallString<256> result(path);
  llvm::sys::fs::make_absolute(result);
  llvm::sys::path::remove_dots(result, /*remove_dot_dot=*/true);
  return std::string(result);
}

std::vector<std::string> makeVariables(const BuildOptions &options) {
  std::vector<std::string> variables;
  if (!options.config.empty())
    variables.push_back("CONFIG=" + options.config);
  if (!options.cross.empty())
    variables.push_back("CROSS=" + options.cross);
  return variables;
}

llvm::Expected<std::string> runNinja(const std::string &outDir, unsigned jobs,
                                     support::ProcessRunner &runner) {
  auto ninja = llvm::sys::findProgramByName("ninja");
  if (!ninja)
    return makeError("cannot find 'ninja' on PATH (install ninja-build)");
  std::vector<std::string> command{*ninja, "-C", outDir};
  if (jobs)
    command.push_back("-j" + std::to_string(jobs));
  return runWithProgress(command, "ninja", /*quiet=*/false, runner);
}

} // namespace

llvm::Expected<BuildOutcome> runBuild(const BuildOptions &options) {
  auto source = findIpxeSourceDir(options.ipxeTree);
  if (!source)
    return source.takeError();
  if (options.romIds.empty())
    return makeError("name at least one ROM with --rom (e.g. --rom 8086100e)");
  for (const std::string &romId : options.romIds)
    if (llvm::Error error = checkRomId(romId))
      return error;
  std::vector<ImageKind> kinds;
  if (options.imageNames.empty())
    kinds = defaultImageKinds();
  for (const std::string &name : options.imageNames) {
    auto kind = parseImageKind(name);
    if (!kind)
      return kind.takeError();
    if (kind->needsCross && options.cross.empty())
      return makeError("image {} needs a cross compiler: give --cross PREFIX (e.g. "
                       "aarch64-linux-gnu-)",
                       name);
    kinds.push_back(*kind);
  }
  if (!options.cross.empty() && !llvm::sys::findProgramByName(options.cross + "gcc"))
    return makeError("cross compiler '{}gcc' not found on PATH", options.cross);

  BuildOutcome outcome;
  BuildGraphInputs &graph = outcome.graph;
  graph.romfit = absolute(options.romfit);
  graph.sourceDir = absolute(*source);
  graph.outDir = absolute(options.outDir);
  graph.compressionLevel = options.compressionLevel;
  if (options.rulesPath == "auto") {
    graph.rulesPath = "auto";
    for (const std::string &path : options.autoRuleSets)
      graph.ruleFiles.push_back(absolute(path));
  } else {
    graph.rulesPath = absolute(options.rulesPath);
    graph.ruleFiles = {graph.rulesPath};
  }
  for (const std::string &path : graph.ruleFiles)
    if (!llvm::sys::fs::exists(path))
      return makeError("{}: no such rule set", path);

  // 1. iPXE's own make builds what the graph starts from.
  std::vector<std::string> targets;
  for (const std::string &romId : options.romIds)
    for (const ImageKind &kind : kinds) {
      if (!kind.efi) {
        targets.push_back(kind.target(romId));
        continue;
      }
      targets.insert(targets.end(), {kind.archive(), kind.versionObject(romId), kind.elf2efi});
    }
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  MakeInvocation make{graph.sourceDir, makeVariables(options), false};
  if (options.jobs)
    make.arguments.push_back("-j" + std::to_string(options.jobs));
  make.arguments.insert(make.arguments.end(), targets.begin(), targets.end());
  if (auto built = runMake(make, *options.runner); !built)
    return built.takeError();

  // 2. Each EFI link exactly as the Makefile would run it, from its dry run.
  for (const std::string &romId : options.romIds) {
    RomBuild rom{llvm::StringRef(romId).lower(), {}};
    for (const ImageKind &kind : kinds) {
      ImageBuild image{kind, {}};
      if (kind.efi) {
        MakeInvocation dryRun{graph.sourceDir, makeVariables(options), true};
        dryRun.arguments.insert(dryRun.arguments.end(),
                                {"-n", "V=1", "-W", kind.archive(), "-W", "core/version.c",
                                 kind.target(romId)});
        auto output = runMake(dryRun, *options.runner);
        if (!output)
          return output.takeError();
        auto recipe = findLinkRecipe(*output, kind.target(romId));
        if (!recipe)
          return recipe.takeError();
        recipe->link = withStableBuildSymbols(recipe->link, recipe->target);
        image.recipe = std::move(*recipe);
      } else {
        std::string legacy = graph.sourceDir + "/" + kind.target(rom.romId);
        image.legacyLinkKept = llvm::sys::fs::exists(legacy + ".tmp") &&
                               llvm::sys::fs::exists(legacy + ".tmp.map");
      }
      rom.images.push_back(std::move(image));
    }
    graph.roms.push_back(std::move(rom));
  }

  // 3. build.ninja, rewritten only when it changes, then ninja.
  if (std::error_code ec = llvm::sys::fs::create_directories(graph.outDir))
    return makeError("{}: cannot create: {}", graph.outDir, ec.message());
  auto text = generateBuildGraph(graph);
  if (!text)
    return text.takeError();
  auto changed = writeIfChanged(layoutOf(graph).buildNinja(), *text);
  if (!changed)
    return changed.takeError();
  outcome.graphChanged = *changed;
  auto ninjaOutput = runNinja(graph.outDir, options.jobs, *options.runner);
  if (!ninjaOutput)
    return ninjaOutput.takeError();
  outcome.ninjaOutput = *ninjaOutput;
  outcome.ninjaRanNothing = llvm::StringRef(*ninjaOutput).contains("ninja: no work to do.");
  return outcome;
}

} // namespace romfit::rules
