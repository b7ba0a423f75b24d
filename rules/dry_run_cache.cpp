#include "rules/dry_run_cache.h"

#include <algorithm>
#include <functional>
#include <vector>

#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Process.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Support/Program.h>

#include "support/error.h"
#include "support/file_io.h"

extern char **environ;

namespace romfit::rules {
namespace {

constexpr llvm::StringRef kHeader = "romfit make dry run 1\n";
constexpr llvm::StringRef kOutputMarker = "--- make's output ---\n";

// Shell bookkeeping that differs between two shells running the same build
// and that iPXE's Makefile never reads.
bool volatileVariable(llvm::StringRef name) {
  return name == "PWD" || name == "OLDPWD" || name == "SHLVL" || name == "_";
}

std::string fileLine(const std::string &path) {
  llvm::sys::fs::file_status status;
  if (llvm::sys::fs::status(path, status) || !llvm::sys::fs::exists(status))
    return fmt::format("missing {}\n", path);
  return fmt::format("file {} {} {}\n", path, status.getSize(),
                     status.getLastModificationTime().time_since_epoch().count());
}

// Regular files in `dir` whose names `matches`, sorted; none when it is absent.
std::vector<std::string> filesIn(const std::string &dir,
                                 const std::function<bool(llvm::StringRef)> &matches) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator entry(dir, ec), end; !ec && entry != end;
       entry.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(entry->path());
    if (matches(name) && entry->type() != llvm::sys::fs::file_type::directory_file)
      paths.push_back(entry->path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::vector<std::string> subdirectoriesOf(const std::string &dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator entry(dir, ec), end; !ec && entry != end;
       entry.increment(ec))
    if (entry->type() == llvm::sys::fs::file_type::directory_file)
      paths.push_back(entry->path());
  std::sort(paths.begin(), paths.end());
  return paths;
}

} // namespace

llvm::Expected<std::string> dryRunKey(const MakeInvocation &dryRun, llvm::StringRef binDir) {
  auto make = findMake();
  if (!make)
    return make.takeError();
  std::string key = fileLine(*make);
  key += fmt::format("directory {}\narguments {}\n", dryRun.directory,
                     llvm::join(dryRun.arguments, " "));

  std::vector<std::string> environment;
  for (char **variable = environ; *variable; ++variable)
    if (!volatileVariable(llvm::StringRef(*variable).split('=').first))
      environment.push_back(*variable);
  std::sort(environment.begin(), environment.end());
  // Values are kept as digests: the cache file is no place for a token.
  for (const std::string &variable : environment) {
    auto [name, value] = llvm::StringRef(variable).split('=');
    auto digest = llvm::SHA256::hash(llvm::arrayRefFromStringRef(value));
    key += fmt::format("environment {} {}\n", name.str(),
                       llvm::toHex(llvm::ArrayRef<uint8_t>(digest.data(), digest.size()), true));
  }

  std::string cross;
  for (llvm::StringRef argument : dryRun.arguments)
    if (argument.startswith("CROSS="))
      cross = argument.drop_front(6).str();
  for (const char *tool : {"gcc", "ld", "objcopy"}) {
    auto found = llvm::sys::findProgramByName(cross + tool);
    key += found ? fileLine(*found) : fmt::format("missing {}{}\n", cross, tool);
  }

  const std::string &source = dryRun.directory;
  auto startsWith = [](llvm::StringRef prefix) {
    return [prefix](llvm::StringRef name) { return name.startswith(prefix); };
  };
  auto endsWith = [](llvm::StringRef suffix) {
    return [suffix](llvm::StringRef name) { return name.endswith(suffix); };
  };
  std::vector<std::string> files = filesIn(source, startsWith("Makefile"));
  for (const std::string &arch : subdirectoriesOf(source + "/arch"))
    llvm::append_range(files, filesIn(arch, startsWith("Makefile")));
  llvm::append_range(files, filesIn(source + "/config", endsWith(".h")));
  for (const std::string &dir : subdirectoriesOf(source + "/config"))
    llvm::append_range(files, filesIn(dir, endsWith(".h")));
  llvm::append_range(files, filesIn(source + "/" + binDir.str(), startsWith(".")));
  // iPXE's version string names the commit: src/../.git/HEAD and the ref it names.
  std::string git = source + "/../.git";
  files.push_back(git + "/HEAD");
  files.push_back(git + "/packed-refs");
  if (auto head = readFile(git + "/HEAD")) {
    llvm::StringRef text = (*head)->getBuffer().trim();
    if (text.consume_front("ref: "))
      files.push_back(git + "/" + text.str());
  } else {
    llvm::consumeError(head.takeError());
  }
  for (const std::string &file : files)
    key += fileLine(file);
  return key;
}

llvm::Expected<std::string> runDryRunCached(const MakeInvocation &dryRun, llvm::StringRef binDir,
                                            const std::string &cachePath,
                                            support::ProcessRunner &runner) {
  // The key is taken before make runs: a file changed while it ran makes the
  // next build's key differ, never this one's output pass for newer.
  auto key = dryRunKey(dryRun, binDir);
  if (!key)
    return key.takeError();
  std::string keyText = kHeader.str() + *key + kOutputMarker.str();
  if (auto cached = readFile(cachePath)) {
    llvm::StringRef text = (*cached)->getBuffer();
    if (text.consume_front(keyText))
      return text.str();
  } else {
    llvm::consumeError(cached.takeError());  // none yet: make answers
  }
  auto output = runMake(dryRun, runner);
  if (!output)
    return output.takeError();
  if (std::error_code ec =
          llvm::sys::fs::create_directories(llvm::sys::path::parent_path(cachePath)))
    return makeError("{}: cannot create: {}", llvm::sys::path::parent_path(cachePath).str(),
                     ec.message());
  if (llvm::Error error = writeFileAtomically(cachePath, keyText + *output))
    return error;
  return *output;
}

} // namespace romfit::rules
