#pragma once
// The commits that moved an image, and what moved it: each commit against
// the one before it in the history, image by image (pruned and unpruned),
// with the members that grew or shrank most.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <llvm/Support/JSON.h>

#include "history/commit_symbols.h"
#include "history/history_record.h"

namespace romfit::history {

struct MemberChange {
  std::string member;
  int64_t delta = 0;
};

struct SymbolChange {
  std::string member;
  std::string symbol;
  int64_t delta = 0;  // bytes in the link
};

struct Mover {
  std::string commit;
  std::string subject;
  std::string rom;     // ROM ID
  std::string image;   // "efi:x86_64", or "efi:x86_64 unpruned"
  uint64_t before = 0;
  uint64_t after = 0;
  int64_t delta() const { return int64_t(after) - int64_t(before); }
  std::vector<MemberChange> members;  // the largest changes first, at most three
  // Likewise, when both commits' symbols are recorded (symbolsRecorded).
  std::vector<SymbolChange> symbols;
  bool symbolsRecorded = false;
};

// The symbols of each built commit, by commit.
using SymbolsByCommit = std::map<std::string, CommitSymbols>;

// Every image change between neighbouring measured records (a failed build
// is passed over: the next measured commit is compared with the last one
// before it), largest change first. An unpruned image that is its pruned
// image at both commits (the legacy image, which no rule set prunes) is left
// out: its mover would repeat the pruned one's. The symbols, where given, are those of
// the built commits the records have their bytes from.
std::vector<Mover> findMovers(const std::vector<const CommitRecord *> &ordered,
                              const SymbolsByCommit &symbols = {});

// The members whose bytes differ, largest change first.
std::vector<MemberChange> memberChanges(const ImageBytes &before, const ImageBytes &after);
std::vector<SymbolChange> symbolChanges(const ImageSymbols &before, const ImageSymbols &after);

// The largest `limit` movers (0: all).
std::string moversText(const std::vector<Mover> &movers, size_t limit);
std::string moversMarkdown(const std::vector<Mover> &movers, size_t limit);
llvm::json::Value moversJson(const std::vector<Mover> &movers);

// Walks a record's images, pruned then unpruned, under Mover's names.
void forEachImage(const RomBytes &rom,
                  const std::function<void(const std::string &name, const ImageBytes &image)> &visit);
// The same images by those names.
std::map<std::string, const ImageBytes *> imagesByName(const RomBytes &rom);

} // namespace romfit::history
