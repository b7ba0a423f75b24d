#include "support/tool_root.h"

#include <cstdlib>

#include <llvm/ADT/STLExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>

#include "support/error.h"

namespace romfit::support {

// Written by scripts/setup-debian13 as its last step: a root without it was
// interrupted while being made.
static constexpr const char kReadyStamp[] = "/etc/romfit-debian13";

ToolRoot ToolRoot::fromEnvironment() {
  if (const char *explicitRoot = std::getenv("ROMFIT_DEBIAN13_ROOT"); explicitRoot && *explicitRoot)
    return {explicitRoot};
  if (const char *cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
    return {std::string(cache) + "/romfit/debian13"};
  const char *home = std::getenv("HOME");
  return {std::string(home && *home ? home : "/root") + "/.cache/romfit/debian13"};
}

std::string ToolRoot::hostPath(llvm::StringRef pathInRoot) const {
  llvm::SmallString<256> joined(path);
  llvm::sys::path::append(joined, pathInRoot);
  return std::string(joined);
}

llvm::Error ToolRoot::checkReady() const {
  if (!llvm::sys::fs::exists(hostPath(kReadyStamp)))
    return makeError("the Debian 13 root '{}' is missing or incomplete (no {}); {} makes it, "
                     "and ROMFIT_DEBIAN13_ROOT points elsewhere",
                     path, kReadyStamp, kToolRootSetupCommand);
  if (!llvm::sys::fs::can_execute(launcher()))
    return makeError("the Debian 13 root '{}' has no launcher '{}'; {} makes it", path,
                     launcher(), kToolRootSetupCommand);
  if (!llvm::sys::findProgramByName("bwrap"))
    return makeError("bwrap, which runs the Debian 13 root's programs, is not on PATH (Debian "
                     "package bubblewrap; {} installs it)",
                     kToolRootSetupCommand);
  return llvm::Error::success();
}

std::string ToolRoot::launcher() const { return hostPath("/usr/local/lib/romfit/run-in-root"); }

std::string ToolRoot::hostCrossDirectory() const {
  return hostPath("/usr/local/lib/romfit/host-bin");
}

std::vector<std::string> ToolRoot::wrap(const std::vector<std::string> &command) const {
  std::vector<std::string> wrapped{launcher()};
  wrapped.insert(wrapped.end(), command.begin(), command.end());
  return wrapped;
}

} // namespace romfit::support
