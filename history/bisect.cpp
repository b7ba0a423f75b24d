#include "history/bisect.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "support/error.h"

namespace romfit::history {

namespace {

std::optional<const ImageBytes *> imageOf(const RomBytes &rom, const std::string &image) {
  std::map<std::string, const ImageBytes *> images = imagesByName(rom);
  auto found = images.find(image);
  if (found == images.end())
    return std::nullopt;
  return found->second;
}

llvm::Expected<uint64_t> measuredBytes(const CommitRecord &record, const BisectRequest &request) {
  if (record.outcome == Outcome::Failed)
    return makeError("{} failed to build, so bisect cannot say which side it is on: {}",
                     record.commit.substr(0, 12), llvm::StringRef(record.reason).split('\n').first);
  auto rom = record.roms.find(request.romId);
  if (rom == record.roms.end())
    return makeError("{} has no ROM {}", record.commit.substr(0, 12), request.romId);
  if (request.image.empty())
    return rom->second.bytes;
  auto image = imageOf(rom->second, request.image);
  if (!image)
    return makeError("ROM {} at {} has no image '{}'", request.romId, record.commit.substr(0, 12),
                     request.image);
  return (*image)->bytes;
}

} // namespace

llvm::Expected<BisectResult> runBisect(const BisectRequest &request) {
  if (llvm::Error error = checkRepository(request.workspace.repository))
    return error;
  GitRepository probe(request.workspace.repository);
  auto good = probe.commit(request.good);
  if (!good)
    return good.takeError();
  auto range = probe.range(good->id, request.bad);
  if (!range)
    return range.takeError();
  std::vector<Commit> commits = {*good};
  commits.insert(commits.end(), range->begin(), range->end());
  auto workspace = HistoryWorkspace::open(request.workspace, good->id);
  if (!workspace)
    return workspace.takeError();

  BisectResult result;
  result.rangeCommits = range->size();
  result.maximumBuilds = unsigned(std::ceil(std::log2(double(range->size())))) + 2;
  // The built commits each side stands on: a midpoint whose changes since
  // one of them cannot touch its links has its bytes, unbuilt.
  std::optional<std::string> goodBuilt, badBuilt;
  auto measureAt = [&](size_t index) -> llvm::Expected<uint64_t> {
    const Commit &commit = commits[index];
    const CommitRecord *record = workspace->recorded(commit.id);
    for (const std::optional<std::string> &side : {goodBuilt, badBuilt}) {
      if (record || !side)
        continue;
      auto decision = workspace->decide(commit, *side);
      if (!decision)
        return decision.takeError();
      if (!decision->build) {
        auto skipped = workspace->skip(commit, decision->reason, *side);
        if (!skipped)
          return skipped.takeError();
        record = *skipped;
      }
    }
    if (!record) {
      auto built = workspace->build(commit, "bisect");
      if (!built)
        return built.takeError();
      record = *built;
    }
    sayProgress(request.workspace, progressLine(index, commits.size(), *record));
    return measuredBytes(*record, request);
  };
  auto isPast = [&](uint64_t bytes, uint64_t goodBytes) {
    if (request.over)
      return bytes > *request.over;
    if (request.grew)
      return bytes >= goodBytes + *request.grew;
    return (bytes > goodBytes ? bytes - goodBytes : goodBytes - bytes) >= *request.moved;
  };

  auto goodBytes = measureAt(0);
  if (!goodBytes)
    return goodBytes.takeError();
  goodBuilt = builtCommitOf(*workspace->recorded(commits[0].id));
  if (isPast(*goodBytes, *goodBytes))
    return makeError("the good commit {} is already past the line ({} B)", good->id.substr(0, 12),
                     *goodBytes);
  size_t lo = 0, hi = commits.size() - 1;
  auto badBytes = measureAt(hi);
  if (!badBytes)
    return badBytes.takeError();
  badBuilt = builtCommitOf(*workspace->recorded(commits[hi].id));
  if (!isPast(*badBytes, *goodBytes))
    return makeError("the bad commit {} is not past the line ({} B)", commits[hi].id.substr(0, 12),
                     *badBytes);
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    auto bytes = measureAt(mid);
    if (!bytes)
      return bytes.takeError();
    std::optional<std::string> built = builtCommitOf(*workspace->recorded(commits[mid].id));
    if (isPast(*bytes, *goodBytes)) {
      hi = mid;
      badBuilt = built;
    } else {
      lo = mid;
      goodBuilt = built;
    }
  }
  const CommitRecord &before = *workspace->recorded(commits[lo].id);
  const CommitRecord &after = *workspace->recorded(commits[hi].id);
  result.first = commits[hi];
  auto beforeBytes = measuredBytes(before, request);
  auto afterBytes = measuredBytes(after, request);
  if (!beforeBytes || !afterBytes)
    return makeError("internal: the boundary commits lost their bytes");
  result.before = *beforeBytes;
  result.after = *afterBytes;
  const RomBytes &old = before.roms.at(request.romId), &now = after.roms.at(request.romId);
  if (request.image.empty()) {
    // The whole ROM: every image's members, named by image.
    forEachImage(now, [&](const std::string &name, const ImageBytes &image) {
      if (llvm::StringRef(name).endswith(kUnprunedSuffix))
        return;
      auto earlier = imageOf(old, name);
      ImageBytes none;
      for (MemberChange change : memberChanges(earlier ? **earlier : none, image)) {
        change.member = name + " " + change.member;
        result.members.push_back(change);
      }
    });
    std::stable_sort(result.members.begin(), result.members.end(),
                     [](const MemberChange &a, const MemberChange &b) {
                       return std::llabs(a.delta) > std::llabs(b.delta);
                     });
  } else {
    auto earlier = imageOf(old, request.image);
    auto later = imageOf(now, request.image);
    ImageBytes none;
    result.members = memberChanges(earlier ? **earlier : none, later ? **later : none);
  }
  result.builds = workspace->buildsRun();
  return result;
}

} // namespace romfit::history
