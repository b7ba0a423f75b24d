// ctest-labels: slow
// Runs make and gcc on the minipxe fixture (seconds per build), hence the
// label: `ctest -L unit` leaves it out, the full suite runs it.
// Every file romfit writes goes through a temporary beside it and a rename:
// killed at any point, romfit leaves the output absent or complete, and on
// SIGTERM no temporary either; a write that fails exits 2 naming the path
// and leaves nothing; inputs are never modified.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>

#include "tests/bad_input_table.h"
#include "tests/build_fixture.h"
#include "tests/running_romfit.h"

namespace romfit::testing {
namespace {

using namespace std::chrono_literals;

const std::string kEfiE1000 = std::string(kDebianRomDir) + "/efi-e1000.rom";

std::vector<std::string> filesIn(const std::string &directory) {
  std::vector<std::string> names;
  for (const auto &[path, contents] : snapshot(directory))
    names.push_back(path.substr(directory.size() + 1));
  return names;
}

TEST(AtomicOutput, KilledRepackLeavesTheOutputAbsentOrComplete) {
  std::string dir = makeScratchDir("atomic-repack");
  CommandResult reference = runRomfit({"repack", kEfiE1000, "-o", dir + "/reference.rom"});
  ASSERT_EQ(reference.status, 0) << reference.err;
  std::string complete = readText(dir + "/reference.rom");
  ASSERT_GT(complete.size(), 100000u);

  // Kill points: before and during the compression (delays), and the
  // moment the budget table appears, which repack prints just before it
  // writes the file.
  std::vector<std::chrono::milliseconds> delays{0ms, 5ms, 20ms, 60ms, 150ms, 300ms, 600ms};
  int kills = 0;
  for (int signal : {SIGKILL, SIGTERM}) {
    for (size_t point = 0; point <= delays.size(); ++point) {
      SCOPED_TRACE(fmt::format("signal {}, kill point {}", signal, point));
      std::string work = dir + fmt::format("/run-{}-{}", signal, point);
      ASSERT_FALSE(llvm::sys::fs::create_directory(work));
      std::string output = work + "/out.rom", table = work + ".stdout";
      RunningRomfit romfit({"repack", kEfiE1000, "-o", output}, table);
      ASSERT_TRUE(romfit.started());
      if (point < delays.size())
        std::this_thread::sleep_for(delays[point]);
      else
        waitFor(romfit, [&] { return readText(table).find("headroom") != std::string::npos; });
      kills += !romfit.finished();
      romfit.kill(signal);
      if (fileExists(output)) {
        EXPECT_TRUE(readText(output) == complete) << "a partial " << output;
      }
      if (signal == SIGTERM) {
        for (const std::string &name : filesIn(work))
          EXPECT_EQ(name, "out.rom") << "SIGTERM left a temporary behind";
      }
    }
  }
  EXPECT_GT(kills, 0) << "every run finished before its kill: nothing was tested";
  llvm::sys::fs::remove_directories(dir);
}

// Each ROM is absent or a whole, valid ROM; after SIGTERM no temporary of
// romfit's (NAME.tmpXXXXXXX) is left anywhere under OUTDIR.
void expectNoPartialOutput(const std::string &out, bool afterSigterm) {
  for (const char *rom : {"/8086100e/packed.rom", "/8086100e.unverified.rom", "/8086100e.rom",
                          "/8086100e.unpruned.rom"}) {
    if (!fileExists(out + rom))
      continue;
    CommandResult inspect = runRomfit({"inspect", out + rom});
    EXPECT_EQ(inspect.status, 0) << out + rom << " is not a complete ROM: " << inspect.err;
  }
  if (!afterSigterm || !fileExists(out))
    return;
  for (const std::string &name : filesIn(out))
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << "SIGTERM left " << name;
}

TEST(AtomicOutput, KilledBuildLeavesNoPartialRom) {
  std::string scratch = makeScratchDir("atomic-build");
  llvm::SmallString<256> real;
  ASSERT_FALSE(llvm::sys::fs::real_path(scratch, real));
  scratch = std::string(real);
  std::string tree = copyMinipxe(scratch);
  ASSERT_FALSE(tree.empty());
  std::string out = scratch + "/out", log = scratch + "/stdout";
  struct KillPoint {
    const char *name;
    int signal;
    std::string waitsFor;  // the file whose appearance triggers the kill
  };
  std::vector<KillPoint> points{
      {"SIGTERM while make compiles", SIGTERM, tree + "/bin-x86_64-efi"},
      {"SIGKILL once build.ninja is written", SIGKILL, out + "/build.ninja"},
      {"SIGTERM once prune has written", SIGTERM, out + "/8086100e/efi-x86_64/prune.json"},
      {"SIGTERM once the first ROM is packed", SIGTERM, out + "/8086100e.unpruned.rom"},
  };
  int kills = 0;
  for (const KillPoint &point : points) {
    SCOPED_TRACE(point.name);
    // Each kill point starts ninja's part afresh, make's part goes on.
    llvm::sys::fs::remove_directories(out);
    RunningRomfit romfit(minipxeBuild(tree, out), log);
    ASSERT_TRUE(romfit.started());
    waitFor(romfit, [&] { return fileExists(point.waitsFor); }, 10ms);
    kills += !romfit.finished();
    romfit.kill(point.signal);
    waitUntilNothingRunsIn(scratch);
    expectNoPartialOutput(out, point.signal == SIGTERM);
  }
  EXPECT_GT(kills, 0) << "every build finished before its kill: nothing was tested";
  // Whatever the kills left, the next build completes.
  CommandResult finished = runRomfit(minipxeBuild(tree, out));
  ASSERT_EQ(finished.status, 0) << finished.out << finished.err;
  expectNoPartialOutput(out, true);
  EXPECT_TRUE(fileExists(out + "/8086100e.unverified.rom"));
  llvm::sys::fs::remove_directories(scratch);
}

// Root writes into read-only directories, so as root that case runs as
// nobody.
CommandResult runUnprivileged(const std::vector<std::string> &romfitArguments) {
  if (::geteuid() != 0)
    return runRomfit(romfitArguments);
  std::vector<std::string> command{"--reuid=65534", "--regid=65534", "--clear-groups", ROMFIT_BINARY};
  command.insert(command.end(), romfitArguments.begin(), romfitArguments.end());
  return runProgram("setpriv", command);
}

TEST(AtomicOutput, FailedWritesExitTwoNameThePathAndLeaveNothing) {
  std::string dir = makeScratchDir("atomic-fail");
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  std::string legacy = std::string(kDebianRomDir) + "/pxe-e1000.rom";
  ASSERT_FALSE(llvm::sys::fs::create_directory(dir + "/a-directory"));
  ASSERT_FALSE(writeFileAtomically(dir + "/a-file", llvm::StringRef("not a directory\n")));
  ASSERT_FALSE(llvm::sys::fs::create_directory(dir + "/read-only"));
  ASSERT_EQ(::chmod((dir + "/read-only").c_str(), 0555), 0);
  auto before = snapshot(dir);
  struct Case {
    std::string output;
    std::string message;
    bool unprivileged = false;
  };
  for (const Case &test : std::vector<Case>{
           {dir + "/a-directory", "a-directory: cannot write: Is a directory"},
           {dir + "/a-file/out.rom", "a-file/out.rom: cannot write: Not a directory"},
           {dir + "/missing/out.rom", "missing/out.rom: cannot write: No such file or directory"},
           {dir + "/read-only/out.rom", "read-only/out.rom: cannot write: Permission denied", true},
           // The write itself fails, after romfit has started it.
           {"/dev/full", "/dev/full: cannot write: No space left on device"},
       }) {
    SCOPED_TRACE(test.output);
    std::vector<std::string> pack{"pack", "-o", test.output, "--legacy", legacy};
    CommandResult result = test.unprivileged ? runUnprivileged(pack) : runRomfit(pack);
    EXPECT_EQ(result.status, 2) << result.out << result.err;
    EXPECT_NE(result.err.find(test.message), std::string::npos) << result.err;
    EXPECT_EQ(snapshot(dir), before) << "a failed write left a file behind";
  }
  // unpack and prune create their output directories first.
  CommandResult unpack = runRomfit({"unpack", legacy, "-o", dir + "/a-file/images"});
  EXPECT_EQ(unpack.status, 2);
  EXPECT_NE(unpack.err.find("a-file/images: cannot create directory"), std::string::npos)
      << unpack.err;
  EXPECT_EQ(snapshot(dir), before);
  ::chmod((dir + "/read-only").c_str(), 0755);
  llvm::sys::fs::remove_directories(dir);
}

struct Stamped {
  std::string contents;
  int64_t modified = 0;
  bool operator==(const Stamped &other) const {
    return contents == other.contents && modified == other.modified;
  }
};

Stamped stamp(const std::string &path) {
  llvm::sys::fs::file_status status;
  llvm::sys::fs::status(path, status);
  return {readText(path), status.getLastModificationTime().time_since_epoch().count()};
}

TEST(AtomicOutput, RomCommandsNeverModifyTheirInputs) {
  std::string dir = makeScratchDir("atomic-inputs");
  std::string rom = dir + "/efi-e1000.rom";
  ASSERT_FALSE(writeFileAtomically(rom, llvm::StringRef(readText(kEfiE1000))));
  ASSERT_EQ(runRomfit({"unpack", rom, "-o", dir + "/images"}).status, 0);
  std::vector<std::string> inputs{rom, dir + "/images/image0-legacy.rom",
                                  dir + "/images/image1-efi-x64.efi"};
  std::map<std::string, Stamped> before;
  for (const std::string &input : inputs)
    before[input] = stamp(input);
  std::this_thread::sleep_for(20ms);  // so a rewrite would show in the modification time
  for (const std::vector<std::string> &command : std::vector<std::vector<std::string>>{
           {"inspect", rom},
           {"unpack", rom, "-o", dir + "/again"},
           {"repack", rom, "-o", dir + "/repacked.rom", "--level", "fast"},
           {"pack", "-o", dir + "/packed.rom", "--legacy", inputs[1], "--efi", inputs[2], "--vendor",
            "8086", "--device", "100e", "--level", "fast"},
       }) {
    SCOPED_TRACE(command[0]);
    CommandResult result = runRomfit(command);
    EXPECT_EQ(result.status, 0) << result.err;
    for (const std::string &input : inputs)
      EXPECT_TRUE(stamp(input) == before[input]) << input << " was modified";
  }
  llvm::sys::fs::remove_directories(dir);
}

TEST(AtomicOutput, OverwritingReplacesTheFileWholeNotInPlace) {
  // A reader that opened the old output keeps reading the old bytes: the new
  // file is a new inode renamed over the path.
  std::string dir = makeScratchDir("atomic-replace");
  std::string output = dir + "/out.rom";
  ASSERT_EQ(runRomfit({"pack", "-o", output, "--legacy",
                       std::string(kDebianRomDir) + "/pxe-e1000.rom"})
                .status,
            0);
  llvm::sys::fs::file_status first, second;
  ASSERT_FALSE(llvm::sys::fs::status(output, first));
  ASSERT_EQ(runRomfit({"pack", "-o", output, "--legacy",
                       std::string(kDebianRomDir) + "/pxe-rtl8139.rom"})
                .status,
            0);
  ASSERT_FALSE(llvm::sys::fs::status(output, second));
  EXPECT_NE(first.getUniqueID(), second.getUniqueID());
  EXPECT_EQ(readText(output), readText(std::string(kDebianRomDir) + "/pxe-rtl8139.rom"));
  EXPECT_EQ(filesIn(dir), std::vector<std::string>{"out.rom"});
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
} // namespace romfit::testing
