#pragma once
// What romfit history and bisect share: the build each commit gets (romfit
// build's own options, passed through) and DIR.
#include <vector>

#include <llvm/Support/Error.h>

#include "driver/arguments.h"
#include "history/history_workspace.h"

namespace romfit::driver {

// --ipxe, --rom/--rom-set, --image, --config, --rules, --cross, -j,
// --layout, --level, --verify, -o DIR.
std::vector<OptionSpec> historyBuildOptionSpecs();

// The workspace request: the arguments each commit's `romfit build` gets
// (--no-verify unless --verify) and the ROM IDs it builds.
llvm::Expected<history::WorkspaceRequest> workspaceRequestFrom(const ParsedArguments &arguments);

} // namespace romfit::driver
