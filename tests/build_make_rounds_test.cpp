// Which makes romfit build runs before ninja, with a FakeProcessRunner
// playing iPXE's make: a tree that is up to date costs the legacy images'
// make and one dry run per EFI architecture, run at once; a tree with work
// gets the real makes, then the dry runs again.
#include <set>

#include <gtest/gtest.h>
#include <llvm/ADT/STLExtras.h>
#include <llvm/Support/FileSystem.h>

#include "pipeline/ipxe_build.h"
#include "tests/fake_process_runner.h"
#include "tests/test_support.h"

namespace romfit::pipeline {
namespace {

using testing::FakeProcessRunner;
using testing::FakeRun;

// iPXE's make as romfit sees it: up to date, except the bin directories in
// `stale` until a real make has built them.
struct PlayedMake {
  std::set<std::string> stale;
  std::vector<std::string> steps;  // "make -n bin-x86_64-efi", "make bin", "make -q ...", "ninja"

  static std::vector<std::string> targetsOf(const FakeRun &run) {
    std::vector<std::string> targets;
    for (size_t i = 3; i < run.command.size(); ++i) {
      llvm::StringRef word = run.command[i];
      if (run.command[i - 1] != "-W" && !word.startswith("-") && !word.contains('='))
        targets.push_back(word.str());
    }
    return targets;
  }
  static std::string binDirOf(llvm::StringRef target) { return target.split('/').first.str(); }

  std::optional<int> operator()(const FakeRun &run) {
    if (llvm::StringRef(run.command.front()).endswith("ninja")) {
      steps.push_back("ninja");
      return 0;
    }
    std::vector<std::string> targets = targetsOf(run);
    std::set<std::string> binDirs;
    for (const std::string &target : targets)
      if (llvm::StringRef(target).startswith("bin"))
        binDirs.insert(binDirOf(target));
    std::string dirs = llvm::join(binDirs, " ");
    std::string output;
    if (llvm::is_contained(run.command, "-q")) {
      steps.push_back("make -q " + dirs);
      return llvm::any_of(binDirs, [&](const std::string &dir) { return stale.count(dir); }) ? 1 : 0;
    }
    if (llvm::is_contained(run.command, "-n")) {
      steps.push_back("make -n " + dirs);
      for (const std::string &target : targets) {
        std::string dir = binDirOf(target);
        if (stale.count(dir))
          output += "gcc -c drivers/net/intel.c -o " + dir + "/intel.o\n";
        if (llvm::StringRef(target).endswith(".efidrv"))
          output += "ld -T scripts/efi.lds " + dir + "/blib.a -o " + target + ".tmp -Map " +
                    target + ".tmp.map\n./util/elf2efi64 --subsystem=11 " + target + ".tmp " +
                    target + "\n";
        else
          output += "gcc -DARCH=x86_64 -c core/version.c -o " + target + "\n";
      }
    } else {
      steps.push_back("make " + dirs);
      for (const std::string &target : targets) {
        if (stale.count(binDirOf(target)))
          output += "  [BUILD] " + binDirOf(target) + "/intel.o\n";
        else
          output += "make: '" + target + "' is up to date.\n";
      }
      for (const std::string &dir : binDirs)
        stale.erase(dir);
    }
    EXPECT_FALSE(bool(writeFileAtomically(run.stdoutPath, llvm::StringRef(output))));
    return 0;
  }
};

class BuildMakeRoundsTest : public ::testing::Test {
protected:
  void SetUp() override { scratch = testing::makeScratchDir("build-make-rounds"); }
  void TearDown() override { llvm::sys::fs::remove_directories(scratch); }

  llvm::Expected<BuildOutcome> build(PlayedMake &make) {
    runner = std::make_unique<FakeProcessRunner>([&](const FakeRun &run) { return make(run); });
    BuildOptions options;
    options.ipxeTree = ROMFIT_SOURCE_DIR "/tests/fixtures/minipxe";
    options.config = "qemu";
    options.romIds = {"8086100e", "10ec8139"};
    options.imageNames = {"legacy", "efi:i386", "efi:x86_64"};
    options.rulesPath = ROMFIT_SOURCE_DIR "/prune/efi-snp-only.rules";
    options.outDir = scratch + "/out";
    options.romfit = "/usr/bin/romfit";
    options.runner = runner.get();
    return runBuild(options);
  }

  std::string scratch;
  std::unique_ptr<FakeProcessRunner> runner;
};

TEST_F(BuildMakeRoundsTest, AnUpToDateTreeCostsOneMakePerBinDirectory) {
  PlayedMake make;
  auto outcome = build(make);
  ASSERT_TRUE(bool(outcome)) << llvm::toString(outcome.takeError());
  EXPECT_EQ(make.steps, (std::vector<std::string>{"make bin", "make -n bin-i386-efi",
                                                  "make -n bin-x86_64-efi", "ninja"}));
  // Every ROM's link came from the one dry run of its architecture.
  ASSERT_EQ(outcome->graph.roms.size(), 2u);
  EXPECT_EQ(outcome->graph.roms[1].images[2].recipe.target, "bin-x86_64-efi/10ec8139.efidrv");
  EXPECT_EQ(outcome->graph.roms[1].images[1].recipe.versionCompile.back(),
            "bin-i386-efi/version.romfit-probe.o");
}

TEST_F(BuildMakeRoundsTest, WorkInAnEfiDirectoryRunsTheRealMakesThenTheDryRunsAgain) {
  PlayedMake make;
  make.stale = {"bin-x86_64-efi"};
  auto outcome = build(make);
  ASSERT_TRUE(bool(outcome)) << llvm::toString(outcome.takeError());
  EXPECT_EQ(make.steps,
            (std::vector<std::string>{"make bin", "make -n bin-i386-efi", "make -n bin-x86_64-efi",
                                      // one make per directory; x86_64's did work, which may
                                      // have left the others stale, so they are asked again
                                      "make bin", "make bin-i386-efi", "make bin-x86_64-efi",
                                      "make -q bin", "make -q bin-i386-efi",
                                      "make -n bin-i386-efi", "make -n bin-x86_64-efi", "ninja"}));
}

TEST_F(BuildMakeRoundsTest, WorkInTheLegacyDirectoryRunsTheRealMakesToo) {
  PlayedMake make;
  make.stale = {"bin"};
  auto outcome = build(make);
  ASSERT_TRUE(bool(outcome)) << llvm::toString(outcome.takeError());
  // The legacy make's work may have left the EFI objects stale (a first
  // build touches shared headers): the real makes run, and here find
  // nothing more to do, so none is asked again.
  EXPECT_EQ(make.steps, (std::vector<std::string>{"make bin", "make -n bin-i386-efi",
                                                  "make -n bin-x86_64-efi",
                                                  "make bin", "make bin-i386-efi",
                                                  "make bin-x86_64-efi", "make -n bin-i386-efi",
                                                  "make -n bin-x86_64-efi", "ninja"}));
}

} // namespace
} // namespace romfit::pipeline
