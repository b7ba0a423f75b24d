#include "history/git_repository.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Program.h>

#include "support/child_process.h"
#include "support/command_line.h"
#include "support/error.h"
#include "support/process_runner.h"

namespace romfit::history {

llvm::Expected<std::string> runGit(llvm::StringRef directory,
                                   const std::vector<std::string> &arguments) {
  auto git = llvm::sys::findProgramByName("git");
  if (!git)
    return makeError("git is not installed (romfit history and bisect read iPXE's repository with it)");
  auto scratch = support::ScratchDirectory::create("romfit-git");
  if (!scratch)
    return scratch.takeError();
  std::string out = scratch->path() + "/stdout", err = scratch->path() + "/stderr";
  std::vector<std::string> command = {*git, "-C", directory.str()};
  command.insert(command.end(), arguments.begin(), arguments.end());
  auto process = support::systemProcessRunner().start(command, out, err);
  if (!process)
    return process.takeError();
  auto status = support::waitForExit(**process);
  if (!status)
    return status.takeError();
  auto output = llvm::MemoryBuffer::getFile(out);
  if (*status != 0) {
    auto said = llvm::MemoryBuffer::getFile(err);
    return makeError("{} failed (exit {}): {}", support::joinCommand(command), *status,
                     said ? llvm::StringRef((*said)->getBuffer()).trim().str() : "");
  }
  return output ? (*output)->getBuffer().str() : std::string();
}

llvm::Error checkRepository(llvm::StringRef directory) {
  auto found = runGit(directory, {"rev-parse", "--git-dir"});
  if (!found)
    return makeError("--ipxe {} is not a git repository ({})", directory,
                     llvm::toString(found.takeError()));
  return llvm::Error::success();
}

namespace {

llvm::Expected<std::vector<Commit>> commitsFromLog(llvm::StringRef directory,
                                                   std::vector<std::string> arguments) {
  // One commit per line: id, a tab, the subject.
  arguments.insert(arguments.begin(), {"log", "--first-parent", "--reverse", "--format=%H%x09%s"});
  auto text = runGit(directory, arguments);
  if (!text)
    return text.takeError();
  std::vector<Commit> commits;
  llvm::SmallVector<llvm::StringRef, 64> lines;
  llvm::StringRef(*text).split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    auto [id, subject] = line.split('\t');
    commits.push_back({id.str(), subject.str()});
  }
  return commits;
}

} // namespace

llvm::Expected<Commit> GitRepository::commit(llvm::StringRef revision) const {
  auto commits = commitsFromLog(directory_, {"-1", (revision + "^{commit}").str(), "--"});
  if (!commits)
    return commits.takeError();
  if (commits->empty())
    return makeError("{}: no commit '{}'", directory_, revision);
  return commits->front();
}

llvm::Expected<std::vector<Commit>> GitRepository::range(llvm::StringRef from,
                                                         llvm::StringRef to) const {
  auto commits = commitsFromLog(directory_, {(from + ".." + to).str(), "--"});
  if (commits && commits->empty())
    return makeError("{}: the range {}..{} holds no commit", directory_, from, to);
  return commits;
}

llvm::Expected<std::vector<Commit>> GitRepository::last(unsigned count, llvm::StringRef tip) const {
  // --reverse applies after -n, so this is the newest `count`, oldest first.
  return commitsFromLog(directory_, {"-n", std::to_string(count), tip.str(), "--"});
}

llvm::Expected<std::vector<Commit>> GitRepository::releaseTags(llvm::StringRef tip) const {
  auto names = runGit(directory_, {"tag", "--list", "v*", "--merged", tip.str(), "--sort=creatordate"});
  if (!names)
    return names.takeError();
  std::vector<Commit> tags;
  llvm::SmallVector<llvm::StringRef, 64> lines;
  llvm::StringRef(*names).split(lines, '\n', -1, false);
  for (llvm::StringRef name : lines) {
    auto tagged = commit(name.trim());
    if (!tagged)
      return tagged.takeError();
    tagged->subject = "[" + name.trim().str() + "] " + tagged->subject;
    // Two tags on one commit are one sample.
    if (tags.empty() || tags.back().id != tagged->id)
      tags.push_back(std::move(*tagged));
  }
  auto head = commit(tip);
  if (!head)
    return head.takeError();
  if (tags.empty() || tags.back().id != head->id)
    tags.push_back(std::move(*head));
  return tags;
}

llvm::Expected<std::vector<ChangedFile>> GitRepository::changes(llvm::StringRef from,
                                                                llvm::StringRef to) const {
  auto text = runGit(directory_, {"diff", "--no-ext-diff", "--name-status", "-z", "-M",
                                  from.str(), to.str(), "--"});
  if (!text)
    return text.takeError();
  // -z: "STATUS\0PATH\0", and renames and copies "RNNN\0OLD\0NEW\0".
  llvm::SmallVector<llvm::StringRef, 64> fields;
  llvm::StringRef(*text).split(fields, '\0', -1, false);
  std::vector<ChangedFile> changed;
  for (size_t i = 0; i < fields.size(); ++i) {
    ChangedFile file;
    file.status = fields[i].empty() ? '?' : fields[i][0];
    bool twoPaths = file.status == 'R' || file.status == 'C';
    if (i + 1 >= fields.size() || (twoPaths && i + 2 >= fields.size()))
      return makeError("git diff {} {}: unexpected output", from, to);
    if (twoPaths)
      file.oldPath = fields[++i].str();
    file.path = fields[++i].str();
    changed.push_back(std::move(file));
  }
  return changed;
}

llvm::Expected<std::string> GitRepository::fileAt(llvm::StringRef commit,
                                                  llvm::StringRef path) const {
  auto names = runGit(directory_, {"ls-tree", "--name-only", commit.str(), "--", path.str()});
  if (!names)
    return names.takeError();
  if (llvm::StringRef(*names).trim().empty())
    return std::string();
  return runGit(directory_, {"show", (commit + ":" + path).str()});
}

llvm::Error GitRepository::ensureWorktree(llvm::StringRef path, llvm::StringRef commit) const {
  if (llvm::sys::fs::exists(path + "/.git"))
    return llvm::Error::success();
  auto added = runGit(directory_, {"worktree", "add", "--detach", "--quiet", path.str(), commit.str()});
  return added ? llvm::Error::success() : added.takeError();
}

llvm::Error GitRepository::checkout(llvm::StringRef worktree, llvm::StringRef commit) {
  auto done = runGit(worktree, {"checkout", "--quiet", "--detach", "--force", commit.str()});
  return done ? llvm::Error::success() : done.takeError();
}

} // namespace romfit::history
