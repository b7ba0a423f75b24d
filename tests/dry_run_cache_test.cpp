// The dry-run cache against a fake make: a second ask with nothing changed
// runs no `make -n`; a changed Makefile, config header, bin-directory list
// or CROSS runs it again.
#include <gtest/gtest.h>

#include <llvm/Support/FileSystem.h>

#include "rules/dry_run_cache.h"
#include "support/file_io.h"
#include "tests/fake_process_runner.h"
#include "tests/test_support.h"

namespace romfit::rules {
namespace {

using testing::FakeProcessRunner;
using testing::FakeRun;

class DryRunCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    tree = testing::makeScratchDir("dry-run-cache");
    for (const char *dir : {"/arch/x86", "/config/local", "/bin-x86_64-efi"})
      ASSERT_FALSE(llvm::sys::fs::create_directories(tree + dir));
    for (const char *file : {"/Makefile", "/Makefile.housekeeping", "/arch/x86/Makefile.efi",
                             "/config/general.h", "/bin-x86_64-efi/.rom.defs"})
      write(file, "one\n");
    cache = tree + "/out/8086100e/efi-x86_64/make-dry-run.txt";
  }
  void TearDown() override { llvm::sys::fs::remove_directories(tree); }

  void write(const std::string &file, llvm::StringRef text) {
    ASSERT_FALSE(bool(writeFileAtomically(tree + file, text)));
  }
  // The same bytes with another modification time, as `touch` leaves them.
  void touch(const std::string &file) {
    int fd;
    ASSERT_FALSE(llvm::sys::fs::openFileForWrite(tree + file, fd, llvm::sys::fs::CD_OpenExisting,
                                                 llvm::sys::fs::OF_Append));
    llvm::sys::TimePoint<> earlier(std::chrono::seconds(1000000000));
    EXPECT_FALSE(llvm::sys::fs::setLastAccessAndModificationTime(fd, earlier));
    ::close(fd);
  }
  MakeInvocation dryRun(const std::string &cross = "") {
    MakeInvocation make{tree, {"CONFIG=qemu"}, true};
    if (!cross.empty())
      make.arguments.push_back("CROSS=" + cross);
    make.arguments.insert(make.arguments.end(), {"-n", "V=1", "bin-x86_64-efi/8086100e.efidrv"});
    return make;
  }
  // Runs the cached dry run; returns how many times make ran.
  int makesRun(const MakeInvocation &make) {
    FakeProcessRunner runner([&](const FakeRun &run) -> std::optional<int> {
      EXPECT_FALSE(bool(writeFileAtomically(run.stdoutPath, "ld -o x.tmp #" + std::to_string(++runs))));
      return 0;
    });
    auto output = runDryRunCached(make, "bin-x86_64-efi", cache, runner);
    EXPECT_TRUE(bool(output)) << llvm::toString(output.takeError());
    if (output) {
      EXPECT_EQ(*output, "ld -o x.tmp #" + std::to_string(runs)) << "make's latest output";
    }
    return static_cast<int>(runner.runs.size());
  }

  std::string tree, cache;
  int runs = 0;
};

TEST_F(DryRunCacheTest, NothingChangedRunsNoMake) {
  EXPECT_EQ(makesRun(dryRun()), 1);
  EXPECT_EQ(makesRun(dryRun()), 0);
}

TEST_F(DryRunCacheTest, ATouchedMakefileRunsMakeAgain) {
  EXPECT_EQ(makesRun(dryRun()), 1);
  touch("/Makefile.housekeeping");
  EXPECT_EQ(makesRun(dryRun()), 1);
  touch("/arch/x86/Makefile.efi");
  EXPECT_EQ(makesRun(dryRun()), 1);
  EXPECT_EQ(makesRun(dryRun()), 0);
}

TEST_F(DryRunCacheTest, AnotherCrossRunsMakeAgain) {
  EXPECT_EQ(makesRun(dryRun()), 1);
  EXPECT_EQ(makesRun(dryRun("x86_64-linux-gnu-")), 1);
  EXPECT_EQ(makesRun(dryRun()), 1) << "one answer is kept, the last";
}

TEST_F(DryRunCacheTest, ChangedConfigHeadersAndBinDirectoryListsRunMakeAgain) {
  EXPECT_EQ(makesRun(dryRun()), 1);
  write("/bin-x86_64-efi/.rom.defs", "two\n");
  EXPECT_EQ(makesRun(dryRun()), 1);
  write("/config/local/general.h", "new\n");
  EXPECT_EQ(makesRun(dryRun()), 1);
  write("/bin-x86_64-efi/.config.list", "qemu\n");
  EXPECT_EQ(makesRun(dryRun()), 1);
  EXPECT_EQ(makesRun(dryRun()), 0);
}

// make takes variables from the environment; the cache keeps only digests.
TEST_F(DryRunCacheTest, AChangedEnvironmentVariableRunsMakeAgainAndItsValueIsNotKept) {
  ::setenv("ROMFIT_DRY_RUN_TEST", "hunter2", 1);
  EXPECT_EQ(makesRun(dryRun()), 1);
  EXPECT_EQ(testing::readText(cache).find("hunter2"), std::string::npos);
  ::setenv("ROMFIT_DRY_RUN_TEST", "hunter3", 1);
  EXPECT_EQ(makesRun(dryRun()), 1);
  ::unsetenv("ROMFIT_DRY_RUN_TEST");
}

TEST_F(DryRunCacheTest, AnUnreadableCacheIsAskedOfMake) {
  EXPECT_EQ(makesRun(dryRun()), 1);
  ASSERT_FALSE(bool(writeFileAtomically(cache, llvm::StringRef("garbage"))));
  EXPECT_EQ(makesRun(dryRun()), 1);
}

} // namespace
} // namespace romfit::rules
