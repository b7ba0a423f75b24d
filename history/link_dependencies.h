#pragma once
// What a build's links depend on, in files of the iPXE tree, and whether a
// change between two commits can touch it. A commit that changes none of
// those files, and nothing of the build system, leaves make's objects and
// link commands, and so every ROM byte, as they were: history need not
// build it.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "history/git_repository.h"

namespace romfit::history {

struct LinkDependencies {
  // Paths relative to the source directory (iPXE's src/): each linked
  // object's sources and headers, from make's dependency files.
  std::set<std::string> files;
  // Linked objects no dependency file describes: then nothing is known, and
  // every commit must be built.
  std::vector<std::string> undescribed;
};

// The inputs a GNU ld map says the link read: "bin/blib.a(intel.o)" for an
// archive member it pulled in, "bin/version.8086100e.rom.o" for a file
// named on the command line (archives themselves excepted).
llvm::Expected<std::set<std::string>> linkedInputsOfMap(llvm::StringRef mapPath);

// Make dependency files, in both shapes iPXE's and gcc's -MD write:
// "intel_DEPS += drivers/net/intel.c include/..." and
// "bin/intel.o: drivers/net/intel.c include/...". Keyed by the object's stem
// ("intel"); absolute paths (the toolchain's own headers) are left out.
void addDependencyFileText(llvm::StringRef text, std::map<std::string, std::set<std::string>> &byStem);

// The dependencies of every link `romfit build` wrote under OUTDIR for these
// ROMs: the unpruned EFI links (a pruned link reads a subset of their
// members) and the legacy links, resolved through the dependency files in
// the bin directories those links read (BIN/deps/**.d, BIN/*.d).
llvm::Expected<LinkDependencies> dependenciesOfBuild(llvm::StringRef sourceDir,
                                                      llvm::StringRef outDir,
                                                      const std::vector<std::string> &romIds);

// Files make reads for every target, whatever the dependency files say:
// Makefiles, linker scripts, the config headers, and the tools under util/
// and scripts/ (relative to the source directory).
bool isBuildSystemFile(llvm::StringRef path);

struct BuildDecision {
  bool build = true;
  std::string reason;
};

// Whether a commit whose changes since a built commit are `changes` must be
// built, given that commit's link dependencies. `sourcePrefix` is the source
// directory's path from the repository's top ("src/" in iPXE, "" when the
// repository is the source directory); `textAt(path)` gives a changed file's
// text on either side, to see whether it names one of the ROMs' PCI IDs (a
// driver's PCI_ROM line decides which objects a ROM links).
BuildDecision decideFromChanges(
    const std::vector<ChangedFile> &changes, llvm::StringRef sourcePrefix,
    const LinkDependencies &dependencies, const std::vector<std::string> &romIds,
    const std::function<llvm::Expected<std::string>(const std::string &path)> &textAt);

llvm::Error writeLinkDependencies(llvm::StringRef path, const LinkDependencies &dependencies);
llvm::Expected<LinkDependencies> readLinkDependencies(llvm::StringRef path);

} // namespace romfit::history
