#include "pipeline/link_recipe.h"

#include <cstdlib>
#include <set>

#include <llvm/ADT/STLExtras.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/StringSaver.h>
#include <llvm/Support/xxhash.h>

#include "support/error.h"

namespace romfit::pipeline {

using support::Argv;
using support::joinCommand;

std::vector<Argv> parseDryRunCommands(llvm::StringRef output) {
  std::vector<Argv> commands;
  llvm::SmallVector<llvm::StringRef, 0> lines;
  output.split(lines, '\n');
  std::string pending;
  auto flush = [&] {
    llvm::StringRef command = llvm::StringRef(pending).trim();
    if (!command.empty() && !command.startswith("#")) {
      llvm::BumpPtrAllocator allocator;
      llvm::StringSaver saver(allocator);
      llvm::SmallVector<const char *, 64> words;
      llvm::cl::TokenizeGNUCommandLine(command, saver, words);
      Argv argv;
      for (const char *word : words)
        if (word)
          argv.emplace_back(word);
      if (!argv.empty())
        commands.push_back(std::move(argv));
    }
    pending.clear();
  };
  for (llvm::StringRef line : lines) {
    llvm::StringRef trimmed = line.rtrim();
    if (trimmed.endswith("\\")) {
      pending += trimmed.drop_back().str() + " ";
      continue;
    }
    pending += trimmed.str();
    flush();
  }
  flush();
  return commands;
}

static bool writesOutput(const Argv &argv, llvm::StringRef output) {
  for (size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == "-o" && argv[i + 1] == output)
      return true;
  return false;
}

static bool isLinker(const Argv &argv) {
  llvm::StringRef program = llvm::sys::path::filename(argv.front());
  return program == "ld" || program.endswith("-ld") || program.startswith("ld.") ||
         program.contains("-ld.");
}

std::string compileProbeObject(llvm::StringRef binDir) {
  return (binDir + "/version.romfit-probe.o").str();
}

llvm::Expected<LinkRecipe> findLinkRecipe(llvm::StringRef output, llvm::StringRef target) {
  LinkRecipe recipe;
  recipe.target = target.str();
  std::string tmp = (target + ".tmp").str();
  std::string probe = compileProbeObject(llvm::sys::path::parent_path(target));
  for (Argv &argv : parseDryRunCommands(output)) {
    if (writesOutput(argv, probe) && recipe.versionCompile.empty())
      recipe.versionCompile = argv;
    else if (isLinker(argv) && writesOutput(argv, tmp))
      recipe.link = argv;
    else if (argv.size() >= 3 && argv[argv.size() - 2] == tmp && argv.back() == target &&
             llvm::StringRef(argv.front()).contains("elf2efi"))
      recipe.convert = argv;
  }
  if (recipe.link.empty())
    return makeError("make printed no ld command writing {} (is {} an iPXE target?)", tmp,
                     target.str());
  if (recipe.versionCompile.empty())
    return makeError("make printed no compile of {} (does the Makefile still build version "
                     "objects by the rule BIN/version.%.o?)",
                     probe);
  return recipe;
}

namespace {

// make's "make: Entering directory '...'" (or make[1]:, Leaving).
bool isDirectoryMessage(const Argv &argv) {
  llvm::StringRef program = argv.front();
  return argv.size() >= 2 && program.startswith("make") && program.endswith(":") &&
         (argv[1] == "Entering" || argv[1] == "Leaving");
}

} // namespace

std::vector<std::string> unexplainedCommands(llvm::StringRef output,
                                             const std::vector<std::string> &targets) {
  std::set<std::string> explaining;
  for (const std::string &target : targets) {
    explaining.insert({target, target + ".tmp", target + ".tmp.map",
                       compileProbeObject(llvm::sys::path::parent_path(target))});
  }
  std::vector<std::string> unexplained;
  for (const Argv &argv : parseDryRunCommands(output)) {
    if (isDirectoryMessage(argv))
      continue;
    if (llvm::none_of(argv, [&](const std::string &word) { return explaining.count(word); }))
      unexplained.push_back(joinCommand(argv));
  }
  return unexplained;
}

Argv withStableBuildSymbols(const Argv &link, llvm::StringRef target) {
  uint64_t timestamp = 0;
  if (const char *epoch = std::getenv("SOURCE_DATE_EPOCH"))
    llvm::StringRef(epoch).getAsInteger(10, timestamp);
  // iPXE wants a build ID unique per target; a hash of the target name is
  // unique per target and the same on every run.
  uint32_t buildId = uint32_t(llvm::xxHash64(target)) & 0x7fffffff;
  Argv stable;
  for (size_t i = 0; i < link.size(); ++i) {
    llvm::StringRef word = link[i];
    if (word == "--defsym" && i + 1 < link.size()) {
      llvm::StringRef definition = link[i + 1];
      if (definition.startswith("_build_id=")) {
        stable.insert(stable.end(), {"--defsym", "_build_id=" + std::to_string(buildId)});
        ++i;
        continue;
      }
      if (definition.startswith("_build_timestamp=")) {
        stable.insert(stable.end(), {"--defsym", "_build_timestamp=" + std::to_string(timestamp)});
        ++i;
        continue;
      }
    }
    stable.push_back(link[i]);
  }
  return stable;
}

} // namespace romfit::pipeline
