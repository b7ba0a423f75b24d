#pragma once
// Shared helpers for the suite: running the romfit binary as a user would,
// scratch directories, and the locations of Debian's real ROMs.
#include <chrono>
#include <string>
#include <thread>
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

// Checks `done` every `interval` until it holds or `limit` has passed, and
// says whether it held: for waiting on other processes, never for timing them.
template <typename Condition>
bool pollUntil(Condition done, std::chrono::milliseconds limit,
               std::chrono::milliseconds interval = std::chrono::milliseconds(50)) {
  for (std::chrono::milliseconds waited{0};; waited += interval) {
    if (done())
      return true;
    if (waited >= limit)
      return false;
    std::this_thread::sleep_for(interval);
  }
}

std::string readText(const std::string &path);
bool fileExists(const std::string &path);

// Debian's ipxe-qemu ROMs, installed by the set-up script.
inline const char *kDebianRomDir = "/usr/lib/ipxe/qemu";
std::vector<std::string> debianRoms();            // all 16, sorted
std::vector<std::string> debianEfiRoms();         // the 8 efi-*.rom

// Tests that pin sizes of Debian's ROMs hold only for the files they were
// measured on (ipxe-qemu 1.0.0+git-20190125.36a4c85-5.1): false, with why,
// when an installed efi-e1000.rom or pxe-e1000.rom has another sha256.
bool debianRomsAreThePinnedOnes(std::string *why);

} // namespace romfit::testing

// Skips the test, saying why, when Debian's ROMs are not the pinned ones;
// the tests that check relations (round trips, reconciliation, ratios) run
// on whatever Debian installs.
#define ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS()                                  \
  do {                                                                           \
    std::string romfitPinWhy;                                                    \
    if (!::romfit::testing::debianRomsAreThePinnedOnes(&romfitPinWhy))           \
      GTEST_SKIP() << romfitPinWhy;                                              \
  } while (0)

namespace romfit::testing {

} // namespace romfit::testing
