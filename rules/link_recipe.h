#pragma once
// How iPXE's Makefile makes one target, learnt from `make -n V=1` rather than
// hard-coded: the version-object compile (whose flags also build romfit's
// stubs), the ld link of TARGET.tmp, and the ELF-to-PE conversion.
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::rules {

using Argv = std::vector<std::string>;

struct LinkRecipe {
  std::string target;      // e.g. bin-x86_64-efi/8086100e.efidrv
  Argv versionCompile;     // gcc ... -c core/version.c -o bin-.../version.TARGET.o
  Argv link;               // ld ... -o TARGET.tmp
  Argv convert;            // ./util/elf2efi64 --subsystem=11 TARGET.tmp TARGET (EFI only)
};

// Splits make's dry-run output into commands: joins backslash-continued
// lines, drops make's "#echo" progress lines, and splits each command into
// words the way the shell would for the quoting iPXE uses.
std::vector<Argv> parseDryRunCommands(llvm::StringRef output);

// Finds the recipe for `target` (its link writes `target`.tmp). The error
// says which command was not found, with the commands make printed.
llvm::Expected<LinkRecipe> findLinkRecipe(llvm::StringRef output, llvm::StringRef target);

// Iterative builds must not differ by make-time values: iPXE passes a fresh
// random _build_id and the wall-clock _build_timestamp to each link. These
// become stable values derived from the target (and SOURCE_DATE_EPOCH).
Argv withStableBuildSymbols(const Argv &link, llvm::StringRef target);

std::string joinCommand(const Argv &argv);

} // namespace romfit::rules
