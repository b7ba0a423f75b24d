#pragma once
// Each command lives in its own file and registers itself here, so adding a
// command never touches a central list.
#include <functional>
#include <vector>

#include "driver/arguments.h"

namespace romfit::driver {

// romfit's exit statuses.
enum ExitStatus : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // e.g. over budget
  kExitUsageOrInput = 2,
};

using CommandFunction = std::function<llvm::Expected<int>(const ParsedArguments &)>;

struct Command {
  CommandSpec spec;
  CommandFunction run;
};

std::vector<Command> &commandRegistry();

struct RegisterCommand {
  RegisterCommand(CommandSpec spec, CommandFunction run) {
    commandRegistry().push_back({std::move(spec), std::move(run)});
  }
};

} // namespace romfit::driver
