#pragma once
// How iPXE's Makefile makes one target, learnt from `make -n V=1` rather than
// hard-coded: the ld link of TARGET.tmp, the ELF-to-PE conversion, and how
// the bin directory compiles C (whose flags build romfit's stubs).
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "support/command_line.h"

namespace romfit::pipeline {

struct LinkRecipe {
  std::string target;      // e.g. bin-x86_64-efi/8086100e.efidrv
  support::Argv versionCompile;     // gcc ... -c core/version.c -o BIN/version.romfit-probe.o
  support::Argv link;               // ld ... -o TARGET.tmp
  support::Argv convert;            // ./util/elf2efi64 --subsystem=11 TARGET.tmp TARGET (EFI only)
};

// Splits make's dry-run output into commands: joins backslash-continued
// lines, drops make's "#echo" progress lines, and splits each command into
// words the way the shell would for the quoting iPXE uses.
std::vector<support::Argv> parseDryRunCommands(llvm::StringRef output);

// The object a dry run asks for beside the links, so that make prints its
// compile of core/version.c: the name matches the Makefile's version-object
// rule (BIN/version.%.o) and is never built.
std::string compileProbeObject(llvm::StringRef binDir);

// Finds the recipe for `target` (its link writes `target`.tmp, the compile
// is the probe's of its bin directory). The error says which command was
// not found.
llvm::Expected<LinkRecipe> findLinkRecipe(llvm::StringRef output, llvm::StringRef target);

// The dry run of `make -n V=1 -W ARCHIVE TARGET... PROBE` prints each
// target's link, map and conversion (the archive looks new) and the probe's
// compile, and nothing else when the bin directory is up to date. Returns
// the commands it printed besides those, each as one line: a stale object
// or archive, a missing or stale version object, a converter to build, a
// dependency file make remade. None: make has nothing to do there.
std::vector<std::string> unexplainedCommands(llvm::StringRef output,
                                             const std::vector<std::string> &targets);

// Iterative builds must not differ by make-time values: iPXE passes a fresh
// random _build_id and the wall-clock _build_timestamp to each link. These
// become stable values derived from the target (and SOURCE_DATE_EPOCH).
support::Argv withStableBuildSymbols(const support::Argv &link, llvm::StringRef target);

} // namespace romfit::pipeline
