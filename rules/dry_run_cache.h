#pragma once
// make's dry run of an EFI link (`make -n V=1 ... TARGET`), kept in OUTDIR:
// iPXE's make reads ~1000 dependency files to answer, about a second per
// image, and a rebuild with nothing changed must cost little more than
// make's own no-op. The output is kept, not the recipe parsed from it, so a
// newer romfit parses it afresh.
#include <string>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "rules/make_runner.h"
#include "support/process_runner.h"

namespace romfit::rules {

// Everything the dry run's output follows from, one line each: the make
// program, its arguments (CONFIG=, CROSS=, the target), the environment
// (make takes variables from it; values as SHA-256 digests), the tools the Makefile probes (gcc, ld
// with the CROSS prefix, found on PATH), and the size and modification time
// of the Makefiles (Makefile*, arch/*/Makefile*), the config headers
// (config/*.h, config/*/*.h), the bin directory's generated lists (BINDIR/.*:
// iPXE's .rom.defs gives the -u list, the .*.list files the make variables a
// directory was built with) and git's HEAD (iPXE's version string).
// A file that is missing is named as missing, so creating it changes the key.
llvm::Expected<std::string> dryRunKey(const MakeInvocation &dryRun, llvm::StringRef binDir);

// make's output for `dryRun`, from `cachePath` when it was written for the
// same key, else from running it (then written there).
llvm::Expected<std::string> runDryRunCached(
    const MakeInvocation &dryRun, llvm::StringRef binDir, const std::string &cachePath,
    support::ProcessRunner &runner = support::systemProcessRunner());

} // namespace romfit::rules
