// ctest-labels: boot
// An interrupt is not a verdict. Ctrl-C (SIGINT) or SIGTERM at any step of
// `romfit build` (make, prune, link, pack, each boot) stops it: it ends by
// that signal, says "interrupted", leaves no process behind, never names an
// unproven ROM ID.rom and never marks a ROM failed.
#include <signal.h>

#include <fstream>
#include <functional>

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>

#include "tests/build_fixture.h"
#include "tests/running_romfit.h"

namespace romfit::testing {
namespace {

// A QEMU booting a ROM of `directory`, whose command line has `also`.
bool qemuRunsFor(const std::string &directory, const std::string &also) {
  for (int pid : processesUsing(directory)) {
    std::string commandLine = readText("/proc/" + std::to_string(pid) + "/cmdline");
    if (commandLine.find("qemu-system") != std::string::npos &&
        commandLine.find(also) != std::string::npos)
      return true;
  }
  return false;
}

TEST(InterruptedBuild, EveryStepStopsWithoutAVerdict) {
  std::string scratch = makeScratchDir("interrupted-build");
  llvm::SmallString<256> real;
  ASSERT_FALSE(llvm::sys::fs::real_path(scratch, real));
  scratch = std::string(real);
  std::string tree = copyMinipxe(scratch);
  ASSERT_FALSE(tree.empty());
  std::string out = scratch + "/out", log = scratch + "/stdout", errors = scratch + "/stderr";
  std::string efiDir = out + "/8086100e/efi-x86_64";
  struct Step {
    const char *name;
    int signal;
    std::function<bool()> reached;
  };
  std::vector<Step> steps{
      {"make compiles", SIGINT, [&] { return fileExists(tree + "/bin-x86_64-efi"); }},
      {"prune (build.ninja written)", SIGTERM, [&] { return fileExists(out + "/build.ninja"); }},
      {"link (prune's output written)", SIGINT, [&] { return fileExists(efiDir + "/prune.json"); }},
      {"pack (the driver converted)", SIGTERM,
       [&] { return fileExists(efiDir + "/pruned.efidrv"); }},
      {"the first boot (SeaBIOS)", SIGINT, [&] { return qemuRunsFor(out, "bios-256k"); }},
      {"the second boot (OVMF)", SIGTERM, [&] { return qemuRunsFor(out, "OVMF"); }},
  };
  std::vector<std::string> build{"build", "--ipxe", tree, "--config", "qemu", "--rom",
                                 "8086100e", "--image", "legacy", "--image", "efi:x86_64",
                                 "-o", out};
  int interrupted = 0;
  for (const Step &step : steps) {
    SCOPED_TRACE(step.name);
    // Each step starts ninja's part afresh; make's part goes on from where
    // the interrupt left it.
    llvm::sys::fs::remove_directories(out);
    RunningRomfit romfit(build, log, errors);
    ASSERT_TRUE(romfit.started());
    waitFor(romfit, step.reached, std::chrono::milliseconds(1));
    bool reached = !romfit.finished();
    romfit.kill(step.signal);
    waitUntilNothingRunsIn(scratch);
    if (!reached)
      continue;  // it finished first: nothing to say about this step
    ++interrupted;
    EXPECT_EQ(romfit.endedBySignal(), step.signal) << readText(errors);
    std::string said = readText(errors), printed = readText(log);
    EXPECT_NE(said.find(step.signal == SIGINT ? "interrupted by SIGINT" : "interrupted by SIGTERM"),
              std::string::npos)
        << said;
    EXPECT_EQ(printed.find("failed its boot proof"), std::string::npos) << printed;
    EXPECT_EQ(printed.find("verify 8086100e"), std::string::npos)
        << "a verdict was printed after the interrupt:\n" << printed;
    EXPECT_FALSE(fileExists(out + "/8086100e.rom")) << "an unproven ROM under the proven name";
    EXPECT_FALSE(fileExists(out + "/8086100e.failed.rom")) << "an interrupt marked the ROM failed";
  }
  EXPECT_EQ(interrupted, int(steps.size())) << "a build finished before its interrupt";
  // Interrupted anywhere, the next build completes and proves the ROM.
  CommandResult finished = runRomfit(build);
  EXPECT_EQ(finished.status, 0) << finished.out << finished.err;
  EXPECT_TRUE(fileExists(out + "/8086100e.rom"));
  EXPECT_FALSE(fileExists(out + "/8086100e.unverified.rom"));
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit::testing
