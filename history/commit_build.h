#pragma once
// One commit of iPXE, built by `romfit build` in history's own work tree and
// measured: every ROM, image and member, pruned and unpruned, and the files
// the links depend on.
#include <cstdio>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "history/commit_symbols.h"
#include "history/git_repository.h"
#include "history/history_record.h"
#include "history/link_dependencies.h"

namespace romfit::history {

struct CommitBuildRequest {
  std::string romfit;                     // the romfit binary that builds
  std::vector<std::string> buildArguments;  // --rom, --image, --config, ...; not --ipxe or -o
  std::vector<std::string> romIds;
  std::string worktree;   // the work tree the commit is checked out in
  std::string outDir;     // romfit build's OUTDIR, reused commit after commit
  std::string logPath;    // the build's output
};

struct BuiltCommit {
  std::map<std::string, RomBytes> roms;
  CommitSymbols symbols;
  LinkDependencies dependencies;
};

// Build status 0 or 1 (a ROM over budget is a measurement too) gives the
// bytes; any other ends in an error that quotes the log's last lines.
// The build's environment leaves out what differs from commit to commit
// without being the commit's code: git (a version string that quoted the
// commit would differ at each; iPXE's reads ../.git/HEAD, which a work tree
// does not have, and so quotes none) and the clock (SOURCE_DATE_EPOCH,
// unless set).
llvm::Expected<BuiltCommit> buildCommit(const CommitBuildRequest &request, const Commit &commit);

// The bytes of the ROM file at `romPath` and of the unpruned one beside it,
// and, when asked, their symbols.
llvm::Expected<RomBytes> measureRom(llvm::StringRef romPath, llvm::StringRef unprunedPath,
                                    RomSymbols *symbols = nullptr);

} // namespace romfit::history
