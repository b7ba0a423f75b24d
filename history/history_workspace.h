#pragma once
// DIR as history and bisect share it: history.json, the work tree, the
// build's OUTDIR, and each built commit's link dependencies (DIR/deps/ID).
// It measures a commit by building it, or carries a built commit's bytes to
// one whose changes since then cannot touch them.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "history/commit_build.h"
#include "history/git_repository.h"
#include "history/history_record.h"
#include "history/link_dependencies.h"

namespace romfit::history {

struct WorkspaceRequest {
  std::string repository;  // the user's iPXE repository (its top, or any directory in it)
  std::string directory;   // DIR
  std::string romfit;
  std::vector<std::string> buildArguments;
  std::vector<std::string> romIds;
  FILE *progress = nullptr;
};

class HistoryWorkspace {
public:
  // Reads DIR/history.json and makes DIR's work tree (at `firstCommit`) if
  // it has none. A history recorded for other build arguments is an error.
  static llvm::Expected<HistoryWorkspace> open(WorkspaceRequest request, llvm::StringRef firstCommit);

  const GitRepository &repository() const { return repository_; }
  const History &history() const { return history_; }
  const CommitRecord *recorded(llvm::StringRef commit) const { return history_.find(commit); }
  unsigned buildsRun() const { return buildsRun_; }

  // Whether `commit` must be built, or has the bytes of `built`, a built
  // commit whose link dependencies DIR/deps holds.
  llvm::Expected<BuildDecision> decide(const Commit &commit, const std::string &built) const;
  // Builds and records it (a failed build is recorded too, with its error).
  llvm::Expected<const CommitRecord *> build(const Commit &commit, const std::string &why);
  // Records it with `built`'s bytes.
  llvm::Expected<const CommitRecord *> skip(const Commit &commit, const std::string &why,
                                            const std::string &built);

private:
  explicit HistoryWorkspace(WorkspaceRequest request)
      : request_(std::move(request)), repository_(request_.repository) {}
  llvm::Expected<const CommitRecord *> append(CommitRecord record);

  WorkspaceRequest request_;
  GitRepository repository_;
  History history_;
  std::string sourcePrefix_;  // the source directory from the repository's top: "src/" or ""
  unsigned buildsRun_ = 0;
};


// Writes a progress line to the request's stream, if it has one.
void sayProgress(const WorkspaceRequest &request, const std::string &line);

// "[3/40] 1a2b3c4d5e6f built in 12.3 s: <reason>": one line per commit.
std::string progressLine(size_t index, size_t count, const CommitRecord &record);

} // namespace romfit::history
