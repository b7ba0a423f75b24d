#include "history/history_run.h"

#include <cmath>

#include <llvm/Support/FormatVariadic.h>

#include "history/history_chart.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::history {

namespace {

void say(const WorkspaceRequest &request, const std::string &line) {
  if (request.progress) {
    fputs(line.c_str(), request.progress);
    fflush(request.progress);
  }
}

llvm::Expected<std::vector<Commit>> commitsOf(const GitRepository &repository,
                                              const HistoryRequest &request) {
  if (!request.range.empty()) {
    auto [from, to] = llvm::StringRef(request.range).split("..");
    if (from.empty() || to.empty() || to.contains(".."))
      return makeError("--range '{}': give it as A..B", request.range);
    return repository.range(from, to);
  }
  return repository.last(request.last, "HEAD");
}

// Measures one commit: its record if DIR has one, else a build, or the bytes
// of `built` (a built commit) when the rule says the commit cannot differ.
llvm::Expected<const CommitRecord *> measure(HistoryWorkspace &workspace, const Commit &commit,
                                             const std::optional<std::string> &built,
                                             bool everyCommit, const std::string &firstReason) {
  if (const CommitRecord *record = workspace.recorded(commit.id))
    return record;
  if (everyCommit)
    return workspace.build(commit, "every commit is built (--every)");
  if (!built)
    return workspace.build(commit, firstReason);
  auto decision = workspace.decide(commit, *built);
  if (!decision)
    return decision.takeError();
  if (decision->build)
    return workspace.build(commit, decision->reason);
  return workspace.skip(commit, decision->reason, *built);
}

llvm::Error writeOutputs(const HistoryResult &result, const WorkspaceRequest &request,
                         uint64_t budget) {
  const std::string &dir = request.directory;
  if (llvm::Error error = writeFileAtomically(dir + "/movers.txt", moversText(result.movers, 0)))
    return error;
  if (llvm::Error error = writeFileAtomically(dir + "/movers.md", moversMarkdown(result.movers, 0)))
    return error;
  std::string json = llvm::formatv("{0:1}", moversJson(result.movers)).str() + "\n";
  if (llvm::Error error = writeFileAtomically(dir + "/movers.json", json))
    return error;
  return writeFileAtomically(dir + "/history.html",
                             historyChartHtml(result.ordered, result.movers, budget));
}

} // namespace

llvm::Expected<HistoryResult> runHistory(const HistoryRequest &request) {
  if (llvm::Error error = checkRepository(request.workspace.repository))
    return error;
  GitRepository probe(request.workspace.repository);
  auto commits = commitsOf(probe, request);
  if (!commits)
    return commits.takeError();
  if (commits->empty())
    return makeError("no commits to measure");
  auto workspace = HistoryWorkspace::open(request.workspace, commits->front().id);
  if (!workspace)
    return workspace.takeError();
  HistoryResult result{{}, {}, 0, 0, 0, 0, std::move(*workspace)};

  std::optional<std::string> built;
  for (size_t i = 0; i < commits->size(); ++i) {
    const Commit &commit = (*commits)[i];
    bool wasRecorded = result.workspace.recorded(commit.id) != nullptr;
    auto record = measure(result.workspace, commit, built, request.everyCommit,
                          built || i == 0 ? "the first commit of the range"
                                          : "the commit before failed to build");
    if (!record)
      return record.takeError();
    built = builtCommitOf(**record);
    if (wasRecorded) {
      ++result.alreadyRecorded;
      say(request.workspace, fmt::format("[{}/{}] {} already recorded ({})\n", i + 1, commits->size(),
                                         commit.id.substr(0, 12), outcomeName((*record)->outcome)));
      continue;
    }
    switch ((*record)->outcome) {
    case Outcome::Built: ++result.built; break;
    case Outcome::Skipped: ++result.skipped; break;
    case Outcome::Failed: ++result.failed; break;
    }
    say(request.workspace, progressLine(i, commits->size(), **record));
  }
  for (const Commit &commit : *commits)
    result.ordered.push_back(result.workspace.recorded(commit.id));
  result.movers = findMovers(result.ordered);
  if (llvm::Error error = writeOutputs(result, request.workspace, request.budget))
    return error;
  return result;
}

namespace {

std::optional<const ImageBytes *> imageOf(const RomBytes &rom, const std::string &image) {
  std::optional<const ImageBytes *> found;
  forEachImage(rom, [&](const std::string &name, const ImageBytes &bytes) {
    if (name == image)
      found = &bytes;
  });
  return found;
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
    say(request.workspace, progressLine(index, commits.size(), *record));
    return measuredBytes(*record, request);
  };
  auto isPast = [&](uint64_t bytes, uint64_t goodBytes) {
    return request.over ? bytes > *request.over : bytes >= goodBytes + *request.grew;
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
      if (llvm::StringRef(name).endswith(" unpruned"))
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
