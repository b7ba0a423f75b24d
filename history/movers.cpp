#include "history/movers.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "support/byte_sizes.h"

namespace romfit::history {

void forEachImage(const RomBytes &rom,
                  const std::function<void(const std::string &name, const ImageBytes &image)> &visit) {
  for (const auto &[name, image] : rom.images)
    visit(name, image);
  for (const auto &[name, image] : rom.unprunedImages)
    visit(name + kUnprunedSuffix.str(), image);
}

std::map<std::string, const ImageBytes *> imagesByName(const RomBytes &rom) {
  std::map<std::string, const ImageBytes *> images;
  forEachImage(rom, [&](const std::string &name, const ImageBytes &image) { images[name] = &image; });
  return images;
}

namespace {

// What changed between two maps of bytes by key, largest change first.
template <typename Key>
std::vector<std::pair<Key, int64_t>> keyedChanges(const std::map<Key, uint64_t> &before,
                                                  const std::map<Key, uint64_t> &after) {
  std::map<Key, int64_t> deltas;
  for (const auto &[key, bytes] : before)
    deltas[key] -= int64_t(bytes);
  for (const auto &[key, bytes] : after)
    deltas[key] += int64_t(bytes);
  std::vector<std::pair<Key, int64_t>> changes;
  for (const auto &[key, delta] : deltas)
    if (delta != 0)
      changes.emplace_back(key, delta);
  std::stable_sort(changes.begin(), changes.end(), [](const auto &a, const auto &b) {
    return std::llabs(a.second) > std::llabs(b.second);
  });
  return changes;
}

} // namespace

std::vector<MemberChange> memberChanges(const ImageBytes &before, const ImageBytes &after) {
  std::vector<MemberChange> changes;
  for (auto &[member, delta] : keyedChanges(before.members, after.members))
    changes.push_back({member, delta});
  return changes;
}

std::vector<SymbolChange> symbolChanges(const ImageSymbols &before, const ImageSymbols &after) {
  std::vector<SymbolChange> changes;
  for (auto &[key, delta] : keyedChanges(before, after))
    changes.push_back({key.first, key.second, delta});
  return changes;
}

namespace {

// The symbols of `record`'s image, if its built commit's were recorded.
const ImageSymbols *imageSymbols(const SymbolsByCommit &symbols, const CommitRecord &record,
                                 const std::string &rom, const std::string &image) {
  std::optional<std::string> built = builtCommitOf(record);
  auto commit = built ? symbols.find(*built) : symbols.end();
  if (commit == symbols.end())
    return nullptr;
  auto romSymbols = commit->second.find(rom);
  if (romSymbols == commit->second.end())
    return nullptr;
  auto found = romSymbols->second.find(image);
  return found == romSymbols->second.end() ? nullptr : &found->second;
}

} // namespace

std::vector<Mover> findMovers(const std::vector<const CommitRecord *> &ordered,
                              const SymbolsByCommit &symbols) {
  std::vector<Mover> movers;
  const CommitRecord *previous = nullptr;
  for (const CommitRecord *record : ordered) {
    if (record->outcome == Outcome::Failed)
      continue;
    if (previous)
      for (const auto &[romId, rom] : record->roms) {
        auto before = previous->roms.find(romId);
        if (before == previous->roms.end())
          continue;
        std::map<std::string, const ImageBytes *> earlier = imagesByName(before->second);
        std::map<std::string, const ImageBytes *> current = imagesByName(rom);
        const ImageBytes empty;
        auto in = [&](std::map<std::string, const ImageBytes *> &images, const std::string &name)
            -> const ImageBytes & { return images.count(name) ? *images[name] : empty; };
        forEachImage(rom, [&](const std::string &name, const ImageBytes &image) {
          const ImageBytes &old = in(earlier, name);
          if (old.bytes == image.bytes)
            return;
          // An unpruned image that is its pruned one at both commits (the
          // legacy image: no rule set prunes it) would repeat that mover.
          llvm::StringRef pruned(name);
          if (pruned.consume_back(kUnprunedSuffix) && current.count(pruned.str()) &&
              in(current, pruned.str()) == image && in(earlier, pruned.str()) == old)
            return;
          Mover mover;
          mover.commit = record->commit;
          mover.subject = record->subject;
          mover.rom = romId;
          mover.image = name;
          mover.before = old.bytes;
          mover.after = image.bytes;
          mover.members = memberChanges(old, image);
          if (mover.members.size() > 3)
            mover.members.resize(3);
          const ImageSymbols noSymbols;
          const ImageSymbols *oldSymbols = imageSymbols(symbols, *previous, romId, name);
          const ImageSymbols *newSymbols = imageSymbols(symbols, *record, romId, name);
          // An image new at this commit has no symbols before it, and that is known.
          if (newSymbols && (oldSymbols || !earlier.count(name))) {
            mover.symbolsRecorded = true;
            mover.symbols = symbolChanges(oldSymbols ? *oldSymbols : noSymbols, *newSymbols);
            if (mover.symbols.size() > 3)
              mover.symbols.resize(3);
          }
          movers.push_back(std::move(mover));
        });
      }
    previous = record;
  }
  std::stable_sort(movers.begin(), movers.end(), [](const Mover &a, const Mover &b) {
    return std::llabs(a.delta()) > std::llabs(b.delta());
  });
  return movers;
}

namespace {

std::string memberList(const Mover &mover) {
  std::string text;
  for (const MemberChange &change : mover.members)
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", change.member,
                        signedThousands(change.delta));
  return text.empty() ? "(no member changed: headers, padding or compression)" : text;
}

std::string symbolList(const Mover &mover) {
  if (!mover.symbolsRecorded)
    return "(symbols not recorded for this step)";
  std::string text;
  for (const SymbolChange &change : mover.symbols)
    text += fmt::format("{}{} ({}) {}", text.empty() ? "" : ", ", change.symbol, change.member,
                        signedThousands(change.delta));
  return text.empty() ? "(no symbol changed size)" : text;
}

size_t shown(const std::vector<Mover> &movers, size_t limit) {
  return limit == 0 ? movers.size() : std::min(limit, movers.size());
}

} // namespace

std::string moversText(const std::vector<Mover> &movers, size_t limit) {
  if (movers.empty())
    return "no commit changed an image's bytes\n";
  std::string text = fmt::format("{:<12}  {:<8}  {:<22}  {:>10}  {:>10}  {}\n", "commit", "ROM",
                                 "image", "delta", "after",
                                 "subject; top member changes; top symbol changes");
  for (size_t i = 0; i < shown(movers, limit); ++i) {
    const Mover &mover = movers[i];
    text += fmt::format("{:<12}  {:<8}  {:<22}  {:>10}  {:>10}  {}\n", mover.commit.substr(0, 12),
                        mover.rom, mover.image, signedThousands(mover.delta()),
                        withThousands(mover.after), mover.subject);
    text += fmt::format("{:>70}  {}\n", "", memberList(mover));
    text += fmt::format("{:>70}  {}\n", "", symbolList(mover));
  }
  return text;
}

std::string moversMarkdown(const std::vector<Mover> &movers, size_t limit) {
  std::string text =
      "| commit | subject | ROM | image | delta | after | top member changes | top symbol changes |\n"
      "|---|---|---|---|---:|---:|---|---|\n";
  auto escape = [](std::string cell) {
    std::string out;
    for (char c : cell)
      out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  for (size_t i = 0; i < shown(movers, limit); ++i) {
    const Mover &mover = movers[i];
    text += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | {} |\n",
                        mover.commit.substr(0, 12), escape(mover.subject), mover.rom, mover.image,
                        signedThousands(mover.delta()), withThousands(mover.after),
                        escape(memberList(mover)), escape(symbolList(mover)));
  }
  return text;
}

llvm::json::Value moversJson(const std::vector<Mover> &movers) {
  llvm::json::Array array;
  for (const Mover &mover : movers) {
    llvm::json::Array members;
    for (const MemberChange &change : mover.members)
      members.push_back(llvm::json::Object{{"member", change.member}, {"delta", change.delta}});
    // null: the step's symbols were not recorded (a history written before
    // romfit recorded them), as against an empty list: none changed size.
    llvm::json::Value symbols = nullptr;
    if (mover.symbolsRecorded) {
      llvm::json::Array list;
      for (const SymbolChange &change : mover.symbols)
        list.push_back(llvm::json::Object{
            {"member", change.member}, {"symbol", change.symbol}, {"delta", change.delta}});
      symbols = std::move(list);
    }
    array.push_back(llvm::json::Object{{"commit", mover.commit},
                                       {"subject", mover.subject},
                                       {"rom", mover.rom},
                                       {"image", mover.image},
                                       {"before", mover.before},
                                       {"after", mover.after},
                                       {"delta", mover.delta()},
                                       {"members", std::move(members)},
                                       {"symbols", std::move(symbols)}});
  }
  return llvm::json::Object{{"movers", std::move(array)}};
}

} // namespace romfit::history
