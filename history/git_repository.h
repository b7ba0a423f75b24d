#pragma once
// The iPXE repository as history reads it: commits along the first-parent
// line, what changed between two commits, a file's text at a commit, and a
// work tree of history's own (the user's checkout is never touched).
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::history {

struct Commit {
  std::string id;  // the full object name
  std::string subject;
};

struct ChangedFile {
  char status = 'M';     // git's letter: A added, D deleted, M modified, R renamed, ...
  std::string path;      // from the repository's top
  std::string oldPath;   // a rename's or copy's source; else empty
};

class GitRepository {
public:
  explicit GitRepository(std::string directory) : directory_(std::move(directory)) {}
  const std::string &directory() const { return directory_; }

  llvm::Expected<Commit> commit(llvm::StringRef revision) const;
  // (from, to] along to's first parents, oldest first.
  llvm::Expected<std::vector<Commit>> range(llvm::StringRef from, llvm::StringRef to) const;
  // The last `count` commits along tip's first parents, oldest first.
  llvm::Expected<std::vector<Commit>> last(unsigned count, llvm::StringRef tip) const;
  // The release tags (v*) reachable from tip, oldest first, then tip itself
  // when no tag names it; each subject starts with its tag.
  llvm::Expected<std::vector<Commit>> releaseTags(llvm::StringRef tip) const;
  llvm::Expected<std::vector<ChangedFile>> changes(llvm::StringRef from, llvm::StringRef to) const;
  // The file's text at the commit; empty when it has no such file.
  llvm::Expected<std::string> fileAt(llvm::StringRef commit, llvm::StringRef path) const;

  // A detached work tree at `path`, made at `commit` unless it exists.
  llvm::Error ensureWorktree(llvm::StringRef path, llvm::StringRef commit) const;
  // Checks `commit` out in that work tree (git leaves unchanged files' times
  // alone, so make rebuilds only what the commit changed).
  static llvm::Error checkout(llvm::StringRef worktree, llvm::StringRef commit);

private:
  std::string directory_;
};

// An error naming `directory` unless git finds a repository there.
llvm::Error checkRepository(llvm::StringRef directory);

// Runs git with these arguments in `directory`; its standard output, or an
// error that quotes what git said.
llvm::Expected<std::string> runGit(llvm::StringRef directory, const std::vector<std::string> &arguments);

} // namespace romfit::history
