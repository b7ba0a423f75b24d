#pragma once
// Where romfit finds the files it ships beside its executable, so an
// installed romfit (cmake --install, the .deb) and one in its build tree
// work the same way, and neither reads the source tree.
#include <string>

#include <llvm/Support/Error.h>

namespace romfit::driver {

// This romfit's own executable: what build.ninja and shrink's trials run,
// and where the installed files are looked for.
std::string romfitExecutable();

// The built-in rule sets: $ROMFIT_RULES_DIR when set, else
// EXE_DIR/../share/romfit/rules (the build tree mirrors that layout). An
// error names each place looked at.
llvm::Expected<std::string> builtInRulesDirectory();

} // namespace romfit::driver
