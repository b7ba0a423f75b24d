#pragma once
// Headless Chromium as the tests of romfit's HTML pages run it.
#include <string>
#include <vector>

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>

#include "tests/test_support.h"

namespace romfit::testing {

// Quiet, offline headless Chromium with a profile of its own, so runs never
// share state or phone home.
inline CommandResult runChromium(const std::vector<std::string> &arguments) {
  std::string profile = makeScratchDir("chromium-profile");
  std::vector<std::string> all{"--headless",
                               "--no-sandbox",
                               "--disable-gpu",
                               "--disable-quic",
                               "--no-first-run",
                               "--disable-background-networking",
                               "--disable-component-update",
                               "--disable-sync",
                               "--disable-dev-shm-usage",
                               "--user-data-dir=" + profile};
  all.insert(all.end(), arguments.begin(), arguments.end());
  CommandResult result = runProgram("chromium", all);
  llvm::sys::fs::remove_directories(profile);
  return result;
}

inline std::string fileUrl(const std::string &path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  return "file://" + std::string(absolute);
}

} // namespace romfit::testing
