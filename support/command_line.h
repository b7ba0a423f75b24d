#pragma once
// A program's command line as words, and the one way romfit prints one so a
// user can paste it into a shell: build.ninja, error messages and reports all
// quote alike.
#include <string>
#include <vector>

namespace romfit::support {

using Argv = std::vector<std::string>;

// Joins words with spaces, single-quoting each word the shell would split or
// expand.
std::string joinCommand(const Argv &argv);

} // namespace romfit::support
