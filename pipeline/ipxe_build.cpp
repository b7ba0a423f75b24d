#include "pipeline/ipxe_build.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <llvm/ADT/STLExtras.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>

#include "support/error.h"
#include "support/tool_root.h"
#include "pipeline/config_overlay.h"
#include "pipeline/make_runner.h"
#include "pipeline/ninja_writer.h"
#include "prune/rule_set.h"

namespace romfit::pipeline {
namespace {

std::string absolute(llvm::StringRef path) {
  llvm::SmallString<256> result(path);
  llvm::sys::fs::make_absolute(result);
  llvm::sys::path::remove_dots(result, /*remove_dot_dot=*/true);
  return std::string(result);
}

std::vector<std::string> makeVariables(const BuildOptions &options, const ImageKind &kind,
                                       const std::map<std::string, std::string> &cross) {
  std::vector<std::string> variables;
  if (!options.config.empty())
    variables.push_back("CONFIG=" + options.config);
  if (auto prefix = cross.find(kind.arch); kind.needsCross && prefix != cross.end())
    variables.push_back("CROSS=" + prefix->second);
  return variables;
}

// The prefix a --cross value names: PREFIX in ARCH=PREFIX, or all of it.
std::string prefixOf(llvm::StringRef argument) {
  return argument.contains('=') ? argument.split('=').second.str() : argument.str();
}

// One EFI kind's dry run of its links for every ROM, plus the compile
// probe (see unexplainedCommands): one make in its bin directory, which
// also says whether that directory has work for the real make.
struct LinkDryRun {
  std::string kindName;
  std::vector<std::string> targets;
  MakeInvocation make;
};

std::vector<LinkDryRun> linkDryRuns(const std::string &sourceDir, const BuildOptions &options,
                                    const std::vector<ImageKind> &kinds,
                                    const std::map<std::string, std::string> &cross) {
  std::vector<LinkDryRun> dryRuns;
  for (const ImageKind &kind : kinds) {
    // One make per bin directory: a dry run remakes the directory's
    // dependency files for real, and two must not write them at once.
    if (!kind.efi || llvm::any_of(dryRuns, [&](const LinkDryRun &run) {
          return run.kindName == kind.name;
        }))
      continue;
    LinkDryRun dryRun{kind.name, {}, {sourceDir, makeVariables(options, kind, cross), true}};
    for (const std::string &romId : options.romIds)
      dryRun.targets.push_back(kind.target(romId));
    dryRun.make.arguments.insert(dryRun.make.arguments.end(),
                                 {"--no-print-directory", "-n", "V=1", "-W", kind.archive()});
    llvm::append_range(dryRun.make.arguments, dryRun.targets);
    dryRun.make.arguments.push_back(compileProbeObject(kind.binDir));
    dryRuns.push_back(std::move(dryRun));
  }
  return dryRuns;
}

// What make printed for each EFI kind's links (by kind name), from a tree
// make has brought up to date. First, at once: the legacy images' make and
// each EFI kind's dry run. When that make did nothing and no dry run shows
// work beside the links, the dry runs are the answer, and a build whose
// tree is up to date costs one make per bin directory, as make's own does.
// Otherwise the real makes run (settling what one leaves stale for
// another), then the dry runs again. Running them together is safe: a dry
// run writes only its own bin directory's files, and a legacy make that
// wrote anything (a shared header's first touch) discards what they said.
llvm::Expected<std::map<std::string, std::string>> learnLinks(
    const std::string &sourceDir, const BuildOptions &options, const std::vector<ImageKind> &kinds,
    const std::map<std::string, std::string> &cross) {
  std::vector<ImageKind> legacyKinds;
  llvm::copy_if(kinds, std::back_inserter(legacyKinds), [](const ImageKind &kind) { return !kind.efi; });
  std::vector<MakeInvocation> legacyMakes = imageMakes(sourceDir, options, legacyKinds, cross);
  std::vector<LinkDryRun> dryRuns = linkDryRuns(sourceDir, options, kinds, cross);
  std::vector<MakeInvocation> dryRunMakes;
  for (const LinkDryRun &dryRun : dryRuns)
    dryRunMakes.push_back(dryRun.make);

  std::vector<MakeInvocation> first = legacyMakes;
  llvm::append_range(first, dryRunMakes);
  auto runs = runMakesTogether(first, *options.runner);
  if (!runs)
    return runs.takeError();
  bool upToDate = true;
  for (size_t index = 0; index < legacyMakes.size(); ++index) {
    if ((*runs)[index].status != 0)
      return makeFailed(legacyMakes[index], (*runs)[index]);
    upToDate = upToDate && makeDidNothing((*runs)[index].output, legacyMakes[index]);
  }
  std::vector<MakeRun> dryRunRuns(std::make_move_iterator(runs->begin() + legacyMakes.size()),
                                  std::make_move_iterator(runs->end()));
  // A dry run that fails (in a tree never built, say) is asked again once
  // the real makes have run, and its error, if it stays, reported then.
  for (size_t index = 0; index < dryRuns.size(); ++index)
    upToDate = upToDate && dryRunRuns[index].status == 0 &&
               unexplainedCommands(dryRunRuns[index].output, dryRuns[index].targets).empty();
  if (!upToDate) {
    if (llvm::Error error =
            runMakesUntilSettled(imageMakes(sourceDir, options, kinds, cross), *options.runner))
      return error;
    auto again = runMakesTogether(dryRunMakes, *options.runner);
    if (!again)
      return again.takeError();
    dryRunRuns = std::move(*again);
  }
  std::map<std::string, std::string> outputs;
  for (size_t index = 0; index < dryRuns.size(); ++index) {
    if (dryRunRuns[index].status != 0)
      return makeFailed(dryRunMakes[index], dryRunRuns[index]);
    outputs[dryRuns[index].kindName] = std::move(dryRunRuns[index].output);
  }
  return outputs;
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

// The host's compiler when it has one; else the Debian 13 root's
// (scripts/setup-debian13), e.g. Debian 12 has no loongarch64 compiler.
std::optional<std::string> toolRootCrossPrefix(llvm::StringRef prefix) {
  if (llvm::sys::findProgramByName((prefix + "gcc").str()))
    return std::nullopt;
  support::ToolRoot root = support::ToolRoot::fromEnvironment();
  std::string launchers = root.hostCrossDirectory() + "/" + prefix.str();
  if (llvm::sys::fs::can_execute(launchers + "gcc")) {
    if (llvm::Error notReady = root.checkReady()) {
      llvm::consumeError(std::move(notReady));
      return std::nullopt;
    }
    return launchers;
  }
  return std::nullopt;
}

llvm::Error checkCrossCompiler(llvm::StringRef prefix, llvm::StringRef argument) {
  if (llvm::sys::findProgramByName((prefix + "gcc").str()) || toolRootCrossPrefix(prefix))
    return llvm::Error::success();
  return makeError("cross compiler '{}gcc' not found on PATH nor in the Debian 13 root '{}' "
                   "(--cross {}; {} installs Debian 13's riscv64 and loongarch64 compilers "
                   "there)",
                   prefix.str(), support::ToolRoot::fromEnvironment().path, argument.str(),
                   support::kToolRootSetupCommand);
}

// What make gets as CROSS for each architecture: the prefix itself, or the
// path of the root's launchers for it.
llvm::Expected<std::map<std::string, std::string>> crossPrefixesForMake(
    const std::vector<std::string> &arguments, const std::vector<ImageKind> &kinds) {
  auto cross = crossPrefixes(arguments, kinds);
  if (!cross)
    return cross.takeError();
  for (auto &[arch, prefix] : *cross)
    prefix = toolRootCrossPrefix(prefix).value_or(prefix);
  return cross;
}

} // namespace

llvm::Expected<std::map<std::string, std::string>> crossPrefixes(
    const std::vector<std::string> &arguments, const std::vector<ImageKind> &kinds) {
  std::vector<std::string> known = crossArchitectures();
  std::map<std::string, std::string> prefixes;
  std::optional<std::string> bare;
  for (const std::string &argument : arguments) {
    if (argument.empty())
      return makeError("--cross '': empty prefix (e.g. --cross arm64=aarch64-linux-gnu-)");
    if (!llvm::StringRef(argument).contains('=')) {
      if (bare)
        return makeError("--cross '{}': a prefix without ARCH= was given already ('{}'); "
                         "with several, name each one's architecture: --cross ARCH=PREFIX",
                         argument, *bare);
      bare = argument;
      continue;
    }
    auto [arch, prefix] = llvm::StringRef(argument).split('=');
    if (!llvm::is_contained(known, arch)) {
      auto host = parseImageKind(("efi:" + arch).str());
      if (host)
        return makeError("--cross '{}': {} is built with the host's compiler here, with no "
                         "CROSS (a prefix is for {})",
                         argument, arch.str(), llvm::join(known, ", "));
      llvm::consumeError(host.takeError());
      return makeError("--cross '{}': unknown architecture '{}' (a prefix is for {})", argument,
                       arch.str(), llvm::join(known, ", "));
    }
    if (prefix.empty())
      return makeError("--cross '{}': empty prefix (e.g. --cross {}={})", argument, arch.str(),
                       cantFail(parseImageKind(("efi:" + arch).str())).crossExample);
    if (auto earlier = prefixes.find(arch.str()); earlier != prefixes.end())
      return makeError("--cross '{}': {} has a prefix already ('{}')", argument, arch.str(),
                       earlier->second);
    prefixes[arch.str()] = prefix.str();
  }

  std::vector<std::string> needing;
  for (const ImageKind &kind : kinds)
    if (kind.needsCross && !llvm::is_contained(needing, kind.arch))
      needing.push_back(kind.arch);
  if (bare) {
    if (!prefixes.empty())
      return makeError("--cross '{}' names no architecture, beside --cross {}={}: give it as "
                       "ARCH=PREFIX too",
                       *bare, prefixes.begin()->first, prefixes.begin()->second);
    if (needing.size() > 1)
      return makeError("--cross '{}' names no architecture, and the images need a cross "
                       "compiler for {}: give --cross ARCH=PREFIX for each",
                       *bare, llvm::join(needing, " and "));
    if (needing.size() == 1)
      prefixes[needing.front()] = *bare;
  }
  for (const ImageKind &kind : kinds)
    if (kind.needsCross && !prefixes.count(kind.arch))
      return makeError("image {} needs a cross compiler: give --cross {}=PREFIX (e.g. {}={})",
                       kind.name, kind.arch, kind.arch, kind.crossExample);
  return prefixes;
}

std::vector<MakeInvocation> imageMakes(const std::string &sourceDir, const BuildOptions &options,
                                       const std::vector<ImageKind> &kinds,
                                       const std::map<std::string, std::string> &cross) {
  // One make per bin directory, as iPXE's own Makefile recurses: a make
  // whose goals name several bin directories builds each in a sub-make and
  // anything outside them (util/elf2efi64) at its top level, where no BIN is
  // set and the converter misses its flags (-fshort-wchar), so a tree's
  // first build failed. Separate makes also read iPXE's ~1000 dependency
  // files once per directory instead of once more for the top level.
  // A bin directory is one image kind, so its make's variables are that
  // kind's.
  std::vector<const ImageKind *> kindOf;
  std::vector<std::vector<std::string>> targetsOf;
  for (const ImageKind &kind : kinds) {
    auto found = llvm::find_if(kindOf, [&](const ImageKind *seen) {
      return seen->binDir == kind.binDir;
    });
    size_t index = found - kindOf.begin();
    if (found == kindOf.end()) {
      kindOf.push_back(&kind);
      targetsOf.emplace_back();
    }
    std::vector<std::string> &targets = targetsOf[index];
    for (const std::string &romId : options.romIds) {
      if (kind.efi)
        targets.insert(targets.end(), {kind.archive(), kind.versionObject(romId), kind.elf2efi});
      else
        targets.push_back(kind.target(romId));
    }
  }
  std::vector<MakeInvocation> makes;
  for (size_t index = 0; index < kindOf.size(); ++index) {
    MakeInvocation make{sourceDir, makeVariables(options, *kindOf[index], cross), false};
    if (options.jobs)
      make.arguments.push_back("-j" + std::to_string(options.jobs));
    // The archive and the converter once, however many ROMs.
    std::vector<std::string> &targets = targetsOf[index];
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    make.arguments.insert(make.arguments.end(), targets.begin(), targets.end());
    makes.push_back(std::move(make));
  }
  return makes;
}

// A driver for a firmware without a network stack of its own boots only
// through LoadFile into ipxe(): a rule set that cuts the way into ipxe()
// would make it SNP-only, a driver that publishes the NIC and can never
// boot there. Such a set is refused for those images before any make runs.
static llvm::Error checkKeepsOwnBootPath(const std::string &rulesPath,
                                         const std::vector<ImageKind> &ownBootPath) {
  if (ownBootPath.empty())
    return llvm::Error::success();
  auto ruleSet = prune::loadRuleSet(rulesPath);
  if (!ruleSet)
    return ruleSet.takeError();
  for (const prune::CutRule &cut : ruleSet->cuts)
    if (cut.target() == "ipxe")
      return makeError("{}:{}: 'cut {}' takes away iPXE's own boot path (LoadFile into "
                       "ipxe()), the only way image {} can boot: its firmware has no network "
                       "stack of its own. Build it with --rules auto (efi-netboot.rules) or a "
                       "set that keeps ipxe()",
                       cut.file, cut.line, cut.cut, ownBootPath.front().name);
  return llvm::Error::success();
}

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
    kinds.push_back(*kind);
  }
  // The drivers of firmwares without a network stack keep iPXE's own boot
  // path under any CONFIG, and are pruned under a rule set of their own.
  std::vector<ImageKind> ownBootPath;
  for (const ImageKind &kind : kinds)
    if (llvm::is_contained(options.ownBootPathImages, kind.name))
      ownBootPath.push_back(kind);
  if (options.rulesPath != prune::kAutoRules)
    if (llvm::Error error = checkKeepsOwnBootPath(options.rulesPath, ownBootPath))
      return error;
  // Every prefix is checked before any make runs, used or not: a typo in one
  // is a typo however the images turn out.
  auto cross = crossPrefixesForMake(options.cross, kinds);
  if (!cross)
    return cross.takeError();
  for (const std::string &argument : options.cross)
    if (llvm::Error missing = checkCrossCompiler(prefixOf(argument), argument))
      return missing;

  BuildOutcome outcome;
  BuildGraphInputs &graph = outcome.graph;
  graph.romfit = absolute(options.romfit);
  graph.sourceDir = absolute(*source);
  graph.outDir = absolute(options.outDir);
  graph.compressionLevel = options.compressionLevel;
  graph.layout = options.layout;
  if (options.rulesPath == prune::kAutoRules) {
    graph.rulesPath = "auto";
    for (const std::string &path : options.autoRuleSets)
      graph.ruleFiles.push_back(absolute(path));
    if (!options.ownBootPathRuleSets.empty() && !ownBootPath.empty()) {
      for (const std::string &path : options.ownBootPathRuleSets)
        if (!llvm::is_contained(graph.ruleFiles, absolute(path)))
          graph.ruleFiles.push_back(absolute(path));
      for (const ImageKind &kind : ownBootPath)
        graph.rulesByImage[kind.name] = prune::kAutoOwnBootPathRules;
    }
  } else {
    graph.rulesPath = absolute(options.rulesPath);
    graph.ruleFiles = {graph.rulesPath};
  }
  for (const std::string &path : graph.ruleFiles)
    if (!llvm::sys::fs::exists(path))
      return makeError("{}: no such rule set", path);

  // 1. iPXE's own make builds what the graph starts from, and its dry runs
  // say how each EFI image is linked.
  if (llvm::Error error = writeOwnBootPathOverlay(graph.sourceDir, options.config, ownBootPath))
    return error;
  auto dryRunOutputs = learnLinks(graph.sourceDir, options, kinds, *cross);
  if (!dryRunOutputs)
    return dryRunOutputs.takeError();

  // 2. Each EFI link exactly as the Makefile would run it.
  for (const std::string &romId : options.romIds) {
    RomBuild rom{llvm::StringRef(romId).lower(), {}};
    for (const ImageKind &kind : kinds) {
      ImageBuild image{kind, {}};
      if (kind.efi) {
        auto recipe = findLinkRecipe(dryRunOutputs->at(kind.name), kind.target(romId));
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

llvm::Expected<std::string> makeTreeFile(const BuildOptions &options, const ImageKind &kind,
                                         const std::string &fileName) {
  auto source = findIpxeSourceDir(options.ipxeTree);
  if (!source)
    return source.takeError();
  auto cross = crossPrefixesForMake(options.cross, {kind});
  if (!cross)
    return cross.takeError();
  std::string target = kind.binDir + "/" + fileName;
  MakeInvocation make{absolute(*source), makeVariables(options, kind, *cross), false};
  if (options.jobs)
    make.arguments.push_back("-j" + std::to_string(options.jobs));
  make.arguments.push_back(target);
  auto output = runMake(make, *options.runner);
  if (!output)
    return output.takeError();
  return make.directory + "/" + target;
}

} // namespace romfit::pipeline
