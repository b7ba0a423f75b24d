// ctest-labels: slow
// romfit as a package installs it: `cmake --install` into a temporary
// prefix, and the Debian package `cpack -G DEB` makes, unpacked with
// dpkg-deb. Each installed romfit runs from another directory on the
// fixture's build, finding its rule sets beside itself, never in the source
// tree.
#include <gtest/gtest.h>

#include <llvm/Support/FileSystem.h>

#include "support/file_io.h"
#include "tests/build_fixture.h"

namespace romfit::testing {
namespace {

// The installed romfit, run from `directory` with ROMFIT_RULES_DIR unset.
CommandResult runInstalled(const std::string &romfit, const std::string &directory,
                           std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"-C", directory, "-u", "ROMFIT_RULES_DIR", romfit});
  return runProgram("env", arguments);
}

// What every installed layout must do: build the fixture from a directory
// of its own, with the rule sets of `prefix`.
void expectInstalledRomfitBuildsTheFixture(const std::string &prefix, const std::string &scratch) {
  std::string romfit = prefix + "/bin/romfit";
  for (const char *rules : {"efi-downgrade-ux.rules", "efi-full-ux.rules"})
    EXPECT_TRUE(fileExists(prefix + "/share/romfit/rules/" + rules)) << rules;
  EXPECT_TRUE(fileExists(prefix + "/share/doc/romfit/README.md"));
  EXPECT_TRUE(fileExists(prefix + "/share/doc/romfit/architecture.md"));

  // No path to the source tree's rule sets is compiled in. (Source file
  // names may be: sanitizer builds keep them for their reports.)
  auto binary = readFileBytes(romfit);
  ASSERT_TRUE(bool(binary));
  std::string bytes(binary->begin(), binary->end());
  EXPECT_EQ(bytes.find(std::string(ROMFIT_SOURCE_DIR "/prune") + '\0'), std::string::npos);
  EXPECT_EQ(bytes.find(ROMFIT_SOURCE_DIR "/prune/efi-"), std::string::npos);

  std::string work = scratch + "/work";
  ASSERT_FALSE(llvm::sys::fs::create_directories(work));
  ASSERT_EQ(runProgram("cp", {"-r", ROMFIT_SOURCE_DIR "/tests/fixtures/minipxe", work + "/tree"})
                .status,
            0);
  auto build = runInstalled(romfit, work,
                            {"build", "--ipxe", "tree", "--config", "qemu", "--rom", "8086100e",
                             "--image", "efi:x86_64", "--no-verify", "-o", "out"});
  ASSERT_EQ(build.status, 0) << build.out << build.err;
  EXPECT_TRUE(fileExists(work + "/out/8086100e.unverified.rom"));
  std::string prune = readText(work + "/out/8086100e/efi-x86_64/prune.json");
  EXPECT_NE(prune.find(prefix + "/share/romfit/rules/efi-downgrade-ux.rules"), std::string::npos)
      << prune;
  EXPECT_EQ(readText(work + "/out/build.ninja").find(ROMFIT_SOURCE_DIR), std::string::npos);

  // The links named after the tools romfit stands in for.
  auto dump = runInstalled(prefix + "/libexec/romfit/EfiRom", work, {"-d", "out/8086100e.unverified.rom"});
  EXPECT_EQ(dump.status, 0) << dump.err;
  EXPECT_NE(dump.out.find("(EFI image)"), std::string::npos) << dump.out;

  // Rule sets that are not where they should be are named.
  auto moved = runProgram("env", {"-C", work, "ROMFIT_RULES_DIR=" + work + "/nowhere", romfit,
                                  "prune", "--rules", "auto", "--out-dir", "x", "--", "ld"});
  EXPECT_EQ(moved.status, 2);
  EXPECT_NE(moved.err.find("ROMFIT_RULES_DIR=" + work + "/nowhere"), std::string::npos)
      << moved.err;
}

TEST(Install, CmakeInstallIntoAPrefix) {
  std::string scratch = makeScratchDir("install-prefix");
  std::string prefix = scratch + "/prefix";
  auto install = runProgram("cmake", {"--install", ROMFIT_BUILD_DIR, "--prefix", prefix, "--strip"});
  ASSERT_EQ(install.status, 0) << install.out << install.err;
  expectInstalledRomfitBuildsTheFixture(prefix, scratch);
  llvm::sys::fs::remove_directories(scratch);
}

TEST(Install, DebianPackageUnpacked) {
  std::string scratch = makeScratchDir("install-deb");
  auto pack = runProgram("cpack", {"-G", "DEB", "--config", ROMFIT_BUILD_DIR "/CPackConfig.cmake",
                                   "-B", scratch + "/package"});
  ASSERT_EQ(pack.status, 0) << pack.out << pack.err;
  std::error_code error;
  std::string deb;
  for (llvm::sys::fs::directory_iterator entry(scratch + "/package", error), end;
       entry != end && !error; entry.increment(error))
    if (llvm::StringRef(entry->path()).endswith(".deb"))
      deb = entry->path();
  ASSERT_FALSE(deb.empty()) << pack.out;
  EXPECT_NE(deb.find("romfit_0.1.0_"), std::string::npos) << deb;

  // Dependencies are Debian's library packages, read off the executable.
  auto depends = runProgram("dpkg-deb", {"-f", deb, "Depends"});
  ASSERT_EQ(depends.status, 0) << depends.err;
  for (const char *package : {"libllvm14", "libfmt9", "libstdc++6", "libc6", "ninja-build"})
    EXPECT_NE(depends.out.find(package), std::string::npos) << package << ": " << depends.out;

  std::string root = scratch + "/root";
  auto unpack = runProgram("dpkg-deb", {"-x", deb, root});
  ASSERT_EQ(unpack.status, 0) << unpack.err;
  expectInstalledRomfitBuildsTheFixture(root + "/usr", scratch);
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit::testing
