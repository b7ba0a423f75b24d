#pragma once
// DIR/symbols/COMMIT.json: the symbols of a built commit's images, written
// once when the commit is built. history.json stops at members: it is
// written again at every commit, and an image's thousands of symbols would
// make each of those writes grow with the history. A mover reads the two
// files of its step to name the symbols that grew or shrank.
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::history {

// (member, symbol) -> the symbol's bytes in the link (uncompressed: a symbol
// has no share of a compressed stream that would survive a neighbour's change).
using ImageSymbols = std::map<std::pair<std::string, std::string>, uint64_t>;
// By image, named as the movers name them ("efi:x86_64", "efi:x86_64 unpruned").
using RomSymbols = std::map<std::string, ImageSymbols>;
// By ROM ID.
using CommitSymbols = std::map<std::string, RomSymbols>;

std::string commitSymbolsPath(llvm::StringRef directory, llvm::StringRef commit);
llvm::Error writeCommitSymbols(llvm::StringRef path, const CommitSymbols &symbols);
llvm::Expected<CommitSymbols> readCommitSymbols(llvm::StringRef path);

} // namespace romfit::history
