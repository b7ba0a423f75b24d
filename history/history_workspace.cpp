#include "history/history_workspace.h"

#include <chrono>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "pipeline/ipxe_targets.h"
#include "support/command_line.h"
#include "support/error.h"
#include "support/interrupt.h"

namespace romfit::history {

namespace fs = llvm::sys::fs;

namespace {

std::string historyPath(const WorkspaceRequest &request) { return request.directory + "/history.json"; }
std::string dependenciesPath(const WorkspaceRequest &request, llvm::StringRef commit) {
  return (request.directory + "/deps/" + commit).str();
}

} // namespace

llvm::Expected<HistoryWorkspace> HistoryWorkspace::open(WorkspaceRequest request,
                                                        llvm::StringRef firstCommit) {
  // A checkout's top, or a bare repository's own directory (a mirror).
  auto bare = runGit(request.repository, {"rev-parse", "--is-bare-repository"});
  if (!bare)
    return withContext(bare.takeError(), "--ipxe " + request.repository + " is not a git repository");
  auto top = runGit(request.repository, {"rev-parse", llvm::StringRef(*bare).trim() == "true"
                                                          ? "--absolute-git-dir"
                                                          : "--show-toplevel"});
  if (!top)
    return top.takeError();
  request.repository = llvm::StringRef(*top).trim().str();
  for (const char *sub : {"/deps", "/symbols"})
    if (std::error_code ec = fs::create_directories(request.directory + sub))
      return makeError("{}: {}", request.directory, ec.message());
  llvm::SmallString<256> absolute(request.directory);
  fs::make_absolute(absolute);
  request.directory = std::string(absolute);

  HistoryWorkspace workspace(std::move(request));
  const WorkspaceRequest &req = workspace.request_;
  auto history = readHistory(historyPath(req));
  if (!history)
    return history.takeError();
  std::string asked = support::joinCommand(req.buildArguments);
  if (!history->records.empty() && history->buildRequest != asked)
    return makeError("{} records builds of '{}', not '{}': give another -o DIR",
                     historyPath(req), history->buildRequest, asked);
  history->buildRequest = asked;
  workspace.history_ = std::move(*history);

  std::string worktree = req.directory + "/worktree";
  if (llvm::Error error = workspace.repository_.ensureWorktree(worktree, firstCommit))
    return error;
  auto sourceDir = pipeline::findIpxeSourceDir(worktree);
  if (!sourceDir)
    return sourceDir.takeError();
  llvm::StringRef relative = llvm::StringRef(*sourceDir).drop_front(worktree.size());
  relative = relative.ltrim('/');
  workspace.sourcePrefix_ = relative.empty() ? "" : (relative.rtrim('/') + "/").str();
  return workspace;
}

llvm::Expected<BuildDecision> HistoryWorkspace::decide(const Commit &commit,
                                                       const std::string &built) const {
  std::string depsFile = dependenciesPath(request_, built);
  if (!fs::exists(depsFile))
    return BuildDecision{true, "the link dependencies of " + built.substr(0, 12) + " are not recorded"};
  auto dependencies = readLinkDependencies(depsFile);
  if (!dependencies)
    return dependencies.takeError();
  auto changes = repository_.changes(built, commit.id);
  if (!changes)
    return changes.takeError();
  auto textAt = [&](const std::string &path) -> llvm::Expected<std::string> {
    auto before = repository_.fileAt(built, path);
    if (!before)
      return before.takeError();
    auto after = repository_.fileAt(commit.id, path);
    if (!after)
      return after.takeError();
    return *before + "\n" + *after;
  };
  BuildDecision decision =
      decideFromChanges(*changes, sourcePrefix_, *dependencies, request_.romIds, textAt);
  if (!decision.build)
    decision.reason += " since " + built.substr(0, 12);
  return decision;
}

llvm::Expected<const CommitRecord *> HistoryWorkspace::append(CommitRecord record) {
  history_.records.push_back(std::move(record));
  if (llvm::Error error = writeHistory(historyPath(request_), history_)) {
    history_.records.pop_back();
    return error;
  }
  return &history_.records.back();
}

llvm::Expected<const CommitRecord *> HistoryWorkspace::build(const Commit &commit,
                                                             const std::string &why) {
  CommitBuildRequest build{
      .romfit = request_.romfit,
      .buildArguments = request_.buildArguments,
      .romIds = request_.romIds,
      .worktree = request_.directory + "/worktree",
      .outDir = request_.directory + "/build",
      .logPath = request_.directory + "/build.log",
  };
  auto start = std::chrono::steady_clock::now();
  auto built = buildCommit(build, commit);
  ++buildsRun_;
  CommitRecord record;
  record.commit = commit.id;
  record.subject = commit.subject;
  record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!built) {
    std::string error = llvm::toString(built.takeError());
    // An interrupt is not the commit's failure: nothing is recorded.
    if (support::interruptSignal() != 0)
      return support::interruptedError();
    record.outcome = Outcome::Failed;
    record.reason = error;
    return append(std::move(record));
  }
  if (llvm::Error error = writeLinkDependencies(dependenciesPath(request_, commit.id),
                                                built->dependencies))
    return error;
  if (llvm::Error error = writeCommitSymbols(commitSymbolsPath(request_.directory, commit.id),
                                             built->symbols))
    return error;
  record.outcome = Outcome::Built;
  record.reason = why;
  record.roms = std::move(built->roms);
  return append(std::move(record));
}

llvm::Expected<const CommitRecord *> HistoryWorkspace::skip(const Commit &commit,
                                                            const std::string &why,
                                                            const std::string &built) {
  const CommitRecord *same = recorded(built);
  if (!same || same->outcome != Outcome::Built)
    return makeError("internal: {} is not a built commit of this history", built);
  CommitRecord record;
  record.commit = commit.id;
  record.subject = commit.subject;
  record.outcome = Outcome::Skipped;
  record.reason = why;
  record.sameAs = built;
  record.roms = same->roms;
  return append(std::move(record));
}

void sayProgress(const WorkspaceRequest &request, const std::string &line) {
  if (request.progress) {
    fputs(line.c_str(), request.progress);
    fflush(request.progress);
  }
}

std::string progressLine(size_t index, size_t count, const CommitRecord &record) {
  std::string what = record.outcome == Outcome::Skipped
                         ? "skipped"
                         : fmt::format("{} in {:.1f} s", outcomeName(record.outcome), record.seconds);
  llvm::StringRef reason = llvm::StringRef(record.reason).split('\n').first;
  return fmt::format("[{}/{}] {} {}: {} ({})\n", index + 1, count, record.commit.substr(0, 12), what,
                     reason, record.subject);
}

} // namespace romfit::history
