#pragma once
// The minipxe fixture copied to a scratch directory, as romfit build's tests
// use it: romfit build runs make in the tree it is given.
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/JSON.h>

#include "prune/prune_record.h"
#include "tests/test_support.h"

namespace romfit::testing {

inline std::string copyMinipxe(const std::string &scratch) {
  std::string tree = scratch + "/minipxe";
  auto copy = runProgram("cp", {"-r", ROMFIT_SOURCE_DIR "/tests/fixtures/minipxe", tree});
  return copy.status == 0 ? tree : "";
}

// Without the boot proof: the build tests that use it touch no QEMU (the
// proof of the fixture's ROMs is build_boot_test's).
inline std::vector<std::string> minipxeBuild(const std::string &tree, const std::string &out) {
  return {"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e", "--image", "legacy",
          "--image", "efi:x86_64", "--no-verify", "-o", out};
}

// The archive members ld's map of a link lists: the independent oracle.
inline std::set<std::string> membersInMap(const std::string &mapPath) {
  std::set<std::string> members;
  std::ifstream map(mapPath);
  std::string line;
  bool inList = false;
  while (std::getline(map, line)) {
    if (llvm::StringRef(line).startswith("Archive member included")) {
      inList = true;
      continue;
    }
    if (inList && line.empty() && members.empty())
      continue;  // the blank line under the heading
    if (inList && (line.empty() || llvm::StringRef(line).startswith("Discarded") ||
                   llvm::StringRef(line).startswith("Memory") ||
                   llvm::StringRef(line).startswith("Allocating")))
      break;
    if (inList && !line.empty() && line[0] != ' ') {
      llvm::StringRef entry = llvm::StringRef(line).split(' ').first;
      if (entry.endswith(")"))
        members.insert(entry.drop_back().rsplit('(').second.str());
    }
  }
  return members;
}

inline std::set<std::string> membersInPruneJson(const std::string &path) {
  auto record = prune::readPruneRecord(path);
  if (!record) {
    ADD_FAILURE() << llvm::toString(record.takeError());
    return {};
  }
  return {record->members.begin(), record->members.end()};
}

} // namespace romfit::testing
