#include "tests/test_support.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/SHA256.h>
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

bool debianRomsAreThePinnedOnes(std::string *why) {
  static const std::pair<const char *, const char *> pinned[] = {
      {"efi-e1000.rom", "f034ae9a3fef092f2d55a7a46cfe2c1cc81469ee1166878e6c6ce70d12ebaa74"},
      {"pxe-e1000.rom", "ec8666dc154093a555ccd32b6dae6c93ae6d3ea8fbe5d5504fa034cd651fb8e3"},
  };
  for (const auto &[name, expected] : pinned) {
    std::string path = std::string(kDebianRomDir) + "/" + name;
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer) {
      *why = path + ": " + buffer.getError().message();
      return false;
    }
    llvm::SHA256 hash;
    hash.update(llvm::arrayRefFromStringRef((*buffer)->getBuffer()));
    std::string actual = llvm::toHex(hash.final(), /*LowerCase=*/true);
    if (actual != expected) {
      *why = path + " is not the file this test's sizes were measured on (sha256 " + actual +
             ", pinned " + expected + ", ipxe-qemu 1.0.0+git-20190125.36a4c85-5.1)";
      return false;
    }
  }
  return true;
}

} // namespace romfit::testing
