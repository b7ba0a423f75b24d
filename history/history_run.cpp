#include "history/history_run.h"

#include <cmath>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/FormatVariadic.h>

#include "history/history_chart.h"
#include "support/error.h"
#include "support/byte_sizes.h"
#include "support/file_io.h"

namespace romfit::history {

namespace {


llvm::Expected<std::vector<Commit>> allCommitsOf(const GitRepository &repository,
                                                 const HistoryRequest &request) {
  if (request.tags)
    return repository.releaseTags("HEAD");
  if (!request.range.empty()) {
    auto [from, to] = llvm::StringRef(request.range).split("..");
    if (from.empty() || to.empty() || to.contains(".."))
      return makeError("--range '{}': give it as A..B", request.range);
    return repository.range(from, to);
  }
  return repository.last(request.last, "HEAD");
}

llvm::Expected<std::vector<Commit>> commitsOf(const GitRepository &repository,
                                              const HistoryRequest &request) {
  auto commits = allCommitsOf(repository, request);
  if (!commits || request.stride <= 1)
    return commits;
  std::vector<Commit> sampled;
  for (size_t i = 0; i < commits->size(); ++i)
    if (i % request.stride == 0 || i + 1 == commits->size())
      sampled.push_back((*commits)[i]);
  return sampled;
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

// The recorded symbols of the commits whose bytes `ordered` has (a history
// recorded before romfit kept them has none).
llvm::Expected<SymbolsByCommit> recordedSymbols(const std::vector<const CommitRecord *> &ordered,
                                                const std::string &directory) {
  SymbolsByCommit symbols;
  for (const CommitRecord *record : ordered) {
    std::optional<std::string> built = builtCommitOf(*record);
    if (!built || symbols.count(*built))
      continue;
    std::string path = commitSymbolsPath(directory, *built);
    if (!llvm::sys::fs::exists(path))
      continue;
    auto read = readCommitSymbols(path);
    if (!read)
      return read.takeError();
    symbols[*built] = std::move(*read);
  }
  return symbols;
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
  if (!result.located.empty())
    if (llvm::Error error = writeFileAtomically(
            dir + "/located.json", llvm::formatv("{0:1}", locatedStepsJson(result.located)).str() + "\n"))
      return error;
  return writeFileAtomically(dir + "/history.html",
                             historyChartHtml(result.ordered, result.movers, budget));
}

// Each sample-to-sample move of at least --locate bytes in a pruned image
// (unpruned moves follow the same commits), bisected between the samples.
llvm::Error locateSteps(const HistoryRequest &request, const std::vector<Commit> &samples,
                        HistoryResult &result) {
  for (const Mover &mover : result.movers) {
    if (uint64_t(std::llabs(mover.delta())) < *request.locate ||
        llvm::StringRef(mover.image).endswith(kUnprunedSuffix))
      continue;
    size_t later = 0;
    while (later < samples.size() && samples[later].id != mover.commit)
      ++later;
    if (later == 0 || later == samples.size())
      continue;
    // The sample before it that was measured (a failed build has no bytes).
    size_t earlier = later - 1;
    while (earlier > 0 && result.ordered[earlier]->outcome == Outcome::Failed)
      --earlier;
    BisectRequest bisect;
    bisect.workspace = request.workspace;
    bisect.good = samples[earlier].id;
    bisect.bad = mover.commit;
    bisect.romId = mover.rom;
    bisect.image = mover.image;
    bisect.moved = *request.locate;
    auto found = runBisect(bisect);
    if (!found)
      return withContext(found.takeError(), "locating " + mover.image + " " +
                                                signedThousands(mover.delta()) + " B at " +
                                                mover.commit.substr(0, 12));
    result.located.push_back({mover, found->first.id, found->first.subject, found->before,
                              found->after, found->builds});
  }
  return llvm::Error::success();
}

} // namespace

std::string locatedStepsText(const std::vector<LocatedStep> &steps) {
  std::string text;
  for (const LocatedStep &step : steps)
    text += fmt::format("{} {} {} B up to {}: crossed at {} {} ({} -> {} B; {} builds)\n", step.between.rom,
                        step.between.image, signedThousands(step.between.delta()),
                        step.between.commit.substr(0, 12), step.first.substr(0, 12), step.subject,
                        withThousands(step.before), withThousands(step.after), step.builds);
  return text;
}

llvm::json::Value locatedStepsJson(const std::vector<LocatedStep> &steps) {
  llvm::json::Array array;
  for (const LocatedStep &step : steps)
    array.push_back(llvm::json::Object{{"rom", step.between.rom},
                                       {"image", step.between.image},
                                       {"sample", step.between.commit},
                                       {"sample_delta", step.between.delta()},
                                       {"first", step.first},
                                       {"subject", step.subject},
                                       {"before", step.before},
                                       {"after", step.after},
                                       {"builds", step.builds}});
  return llvm::json::Object{{"located", std::move(array)}};
}

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
  HistoryResult result{{}, {}, {}, 0, 0, 0, 0, std::move(*workspace)};

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
      sayProgress(request.workspace, fmt::format("[{}/{}] {} already recorded ({})\n", i + 1, commits->size(),
                                         commit.id.substr(0, 12), outcomeName((*record)->outcome)));
      continue;
    }
    switch ((*record)->outcome) {
    case Outcome::Built: ++result.built; break;
    case Outcome::Skipped: ++result.skipped; break;
    case Outcome::Failed: ++result.failed; break;
    }
    sayProgress(request.workspace, progressLine(i, commits->size(), **record));
  }
  for (const Commit &commit : *commits)
    result.ordered.push_back(result.workspace.recorded(commit.id));
  auto symbols = recordedSymbols(result.ordered, request.workspace.directory);
  if (!symbols)
    return symbols.takeError();
  result.movers = findMovers(result.ordered, *symbols);
  if (request.locate)
    if (llvm::Error error = locateSteps(request, *commits, result))
      return error;
  if (llvm::Error error = writeOutputs(result, request.workspace, request.budget))
    return error;
  return result;
}

} // namespace romfit::history
