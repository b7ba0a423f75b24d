#include "tests/test_support.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>

namespace romfit::testing {

CommandResult runProgram(const std::string &program, const std::vector<std::string> &arguments) {
  CommandResult result;
  std::string resolved = program;
  if (!llvm::sys::path::is_absolute(program)) {
    auto found = llvm::sys::findProgramByName(program);
    if (!found) {
      result.err = "program not found: " + program;
      return result;
    }
    resolved = *found;
  }
  std::string scratch = makeScratchDir("run-output");
  std::string outPath = scratch + "/stdout", errPath = scratch + "/stderr";
  std::vector<llvm::StringRef> argv{resolved};
  for (const std::string &argument : arguments)
    argv.push_back(argument);
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef(outPath),
                                                llvm::StringRef(errPath)};
  std::string message;
  result.status = llvm::sys::ExecuteAndWait(resolved, argv, llvm::None, redirects, 0, 0, &message);
  result.out = readText(outPath);
  result.err = readText(errPath) + message;
  llvm::sys::fs::remove_directories(scratch);
  return result;
}

CommandResult runRomfit(const std::vector<std::string> &arguments) {
  return runProgram(ROMFIT_BINARY, arguments);
}

std::string makeScratchDir(const std::string &name) {
  llvm::SmallString<256> path;
  llvm::sys::fs::createUniqueDirectory("romfit-test-" + name, path);
  return std::string(path);
}

std::string readText(const std::string &path) {
  std::ifstream input(path, std::ios::binary);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

bool fileExists(const std::string &path) { return llvm::sys::fs::exists(path); }

static std::vector<std::string> romsMatching(llvm::StringRef prefix) {
  std::vector<std::string> roms;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(kDebianRomDir, ec), end; it != end && !ec;
       it.increment(ec)) {
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (name.endswith(".rom") && name.startswith(prefix))
      roms.push_back(it->path());
  }
  std::sort(roms.begin(), roms.end());
  return roms;
}

std::vector<std::string> debianRoms() { return romsMatching(""); }
std::vector<std::string> debianEfiRoms() { return romsMatching("efi-"); }

} // namespace romfit::testing
