#include "driver/data_directory.h"

#include <cstdlib>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "support/error.h"

namespace romfit::driver {

namespace {
int addressInThisExecutable;
}

std::string romfitExecutable() {
  return llvm::sys::fs::getMainExecutable(nullptr, &addressInThisExecutable);
}

llvm::Expected<std::string> builtInRulesDirectory() {
  if (const char *fromEnvironment = std::getenv("ROMFIT_RULES_DIR"); fromEnvironment && *fromEnvironment) {
    if (!llvm::sys::fs::is_directory(fromEnvironment))
      return makeError("ROMFIT_RULES_DIR={} is not a directory", fromEnvironment);
    return std::string(fromEnvironment);
  }
  std::string executable = romfitExecutable();
  llvm::SmallString<256> directory(llvm::sys::path::parent_path(executable));
  llvm::sys::path::append(directory, "..", "share", "romfit", "rules");
  llvm::sys::path::remove_dots(directory, /*remove_dot_dot=*/true);
  if (!llvm::sys::fs::is_directory(directory))
    return makeError("romfit's rule sets are not installed: no {} beside {} (set ROMFIT_RULES_DIR "
                     "to the directory holding efi-downgrade-ux.rules)",
                     directory.str(), executable);
  return directory.str().str();
}

} // namespace romfit::driver
