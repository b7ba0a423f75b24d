#pragma once
// What a pruned relink needs besides ld itself: an archive holding only the
// chosen members, and a stub object that satisfies what the cuts left
// undefined (stub functions that return an error, and the obj_* symbols of
// objects whose REQUIREs were dropped).
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

#include "support/command_line.h"
#include "prune/rule_set.h"

namespace romfit::prune {

struct ArchiveEntry {
  std::string name;
  llvm::MemoryBufferRef buffer;
};

// A GNU archive with a symbol table, members in the order given, no
// timestamps or owners: the same members give the same bytes.
llvm::Expected<std::vector<uint8_t>> writePrunedArchive(llvm::ArrayRef<ArchiveEntry> members);

struct StubPlan {
  std::vector<StubRule> functions;
  std::vector<std::string> absentSymbols;    // REQUIREd by kept objects, provided by dropped ones
  std::vector<std::string> requiredSymbols;  // REQUIREd by the stub: members kept back
};

std::string generateStubSource(const StubPlan &plan);

// The tree's own compile line for its version object, turned into one for
// the stub: same compiler and flags, another source, object and OBJECT name.
llvm::Expected<support::Argv> stubCompileCommand(const support::Argv &versionCompile, llvm::StringRef source,
                                        llvm::StringRef object);

// The link with its output (-o) and map (-Map) moved.
support::Argv linkWithOutputs(const support::Argv &link, llvm::StringRef output, llvm::StringRef map);

// The link with its one `-T SCRIPT` replaced by `script`. Errors when it
// has no -T, or several (which one the layout belongs to is then unclear).
llvm::Expected<support::Argv> withLinkerScript(const support::Argv &link, llvm::StringRef script);

// The recipe's link with `archive` replaced by the stub object and the pruned
// archive, and its output and map moved.
llvm::Expected<support::Argv> prunedLinkCommand(const support::Argv &link, llvm::StringRef archive,
                                       llvm::ArrayRef<std::string> replacements,
                                       llvm::StringRef output, llvm::StringRef map);

} // namespace romfit::prune
