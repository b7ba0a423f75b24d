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
    visit(name + " unpruned", image);
}

std::map<std::string, const ImageBytes *> imagesByName(const RomBytes &rom) {
  std::map<std::string, const ImageBytes *> images;
  forEachImage(rom, [&](const std::string &name, const ImageBytes &image) { images[name] = &image; });
  return images;
}

std::vector<MemberChange> memberChanges(const ImageBytes &before, const ImageBytes &after) {
  std::map<std::string, int64_t> deltas;
  for (const auto &[member, bytes] : before.members)
    deltas[member] -= int64_t(bytes);
  for (const auto &[member, bytes] : after.members)
    deltas[member] += int64_t(bytes);
  std::vector<MemberChange> changes;
  for (const auto &[member, delta] : deltas)
    if (delta != 0)
      changes.push_back({member, delta});
  std::stable_sort(changes.begin(), changes.end(), [](const MemberChange &a, const MemberChange &b) {
    return std::llabs(a.delta) > std::llabs(b.delta);
  });
  return changes;
}

std::vector<Mover> findMovers(const std::vector<const CommitRecord *> &ordered) {
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
        forEachImage(rom, [&](const std::string &name, const ImageBytes &image) {
          const ImageBytes empty;
          const ImageBytes &old = earlier.count(name) ? *earlier[name] : empty;
          if (old.bytes == image.bytes)
            return;
          Mover mover{record->commit, record->subject, romId, name, old.bytes, image.bytes, {}};
          mover.members = memberChanges(old, image);
          if (mover.members.size() > 3)
            mover.members.resize(3);
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

size_t shown(const std::vector<Mover> &movers, size_t limit) {
  return limit == 0 ? movers.size() : std::min(limit, movers.size());
}

} // namespace

std::string moversText(const std::vector<Mover> &movers, size_t limit) {
  if (movers.empty())
    return "no commit changed an image's bytes\n";
  std::string text = fmt::format("{:<12}  {:<8}  {:<22}  {:>10}  {:>10}  {}\n", "commit", "ROM",
                                 "image", "delta", "after", "subject; top member changes");
  for (size_t i = 0; i < shown(movers, limit); ++i) {
    const Mover &mover = movers[i];
    text += fmt::format("{:<12}  {:<8}  {:<22}  {:>10}  {:>10}  {}\n", mover.commit.substr(0, 12),
                        mover.rom, mover.image, signedThousands(mover.delta()),
                        withThousands(mover.after), mover.subject);
    text += fmt::format("{:>70}  {}\n", "", memberList(mover));
  }
  return text;
}

std::string moversMarkdown(const std::vector<Mover> &movers, size_t limit) {
  std::string text = "| commit | subject | ROM | image | delta | after | top member changes |\n"
                     "|---|---|---|---|---:|---:|---|\n";
  auto escape = [](std::string cell) {
    std::string out;
    for (char c : cell)
      out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
  };
  for (size_t i = 0; i < shown(movers, limit); ++i) {
    const Mover &mover = movers[i];
    text += fmt::format("| `{}` | {} | {} | {} | {} | {} | {} |\n", mover.commit.substr(0, 12),
                        escape(mover.subject), mover.rom, mover.image,
                        signedThousands(mover.delta()), withThousands(mover.after),
                        escape(memberList(mover)));
  }
  return text;
}

llvm::json::Value moversJson(const std::vector<Mover> &movers) {
  llvm::json::Array array;
  for (const Mover &mover : movers) {
    llvm::json::Array members;
    for (const MemberChange &change : mover.members)
      members.push_back(llvm::json::Object{{"member", change.member}, {"delta", change.delta}});
    array.push_back(llvm::json::Object{{"commit", mover.commit},
                                       {"subject", mover.subject},
                                       {"rom", mover.rom},
                                       {"image", mover.image},
                                       {"before", mover.before},
                                       {"after", mover.after},
                                       {"delta", mover.delta()},
                                       {"members", std::move(members)}});
  }
  return llvm::json::Object{{"movers", std::move(array)}};
}

} // namespace romfit::history
