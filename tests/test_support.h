#pragma once
// Shared helpers for the suite: running the romfit binary as a user would,
// scratch directories, and the locations of Debian's real ROMs.
#include <string>
#include <vector>

namespace romfit::testing {

struct CommandResult {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs the built romfit with these arguments (no shell involved).
CommandResult runRomfit(const std::vector<std::string> &arguments);
// Runs any program found on PATH or by absolute path.
CommandResult runProgram(const std::string &program, const std::vector<std::string> &arguments);

// A fresh, empty directory under the build tree's scratch area.
std::string makeScratchDir(const std::string &name);

std::string readText(const std::string &path);
bool fileExists(const std::string &path);

// Debian's ipxe-qemu ROMs, installed by the set-up script.
inline const char *kDebianRomDir = "/usr/lib/ipxe/qemu";
std::vector<std::string> debianRoms();            // all 16, sorted
std::vector<std::string> debianEfiRoms();         // the 8 efi-*.rom

} // namespace romfit::testing
