// Orchestration against a fake process runner: the commands romfit gives
// make and QEMU, and what it concludes from what they write, without running
// make, ninja or QEMU (runMake still looks make up on PATH to name it).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>

#include "pipeline/make_runner.h"
#include "support/file_io.h"
#include "tests/fake_process_runner.h"
#include "tests/test_support.h"
#include "verify/boot_check.h"

namespace romfit {
namespace {

using testing::FakeProcessRunner;
using testing::FakeRun;

TEST(MakeOrchestration, RunsMakeInTheTreeAndReturnsItsOutput) {
  FakeProcessRunner runner([](const FakeRun &run) -> std::optional<int> {
    EXPECT_EQ(run.stdoutPath, run.stderrPath);  // one log, in order
    EXPECT_FALSE(bool(writeFileAtomically(run.stdoutPath, llvm::StringRef("  [LD] x\n"))));
    return 0;
  });
  auto output = pipeline::runMake({"/src/ipxe/src", {"CONFIG=qemu", "bin/8086100e.rom"}, true}, runner);
  ASSERT_TRUE(bool(output)) << llvm::toString(output.takeError());
  EXPECT_EQ(*output, "  [LD] x\n");
  ASSERT_EQ(runner.runs.size(), 1u);
  const std::vector<std::string> &command = runner.runs[0].command;
  ASSERT_EQ(command.size(), 5u);
  EXPECT_EQ(command[1], "-C");
  EXPECT_EQ(command[2], "/src/ipxe/src");
  EXPECT_EQ(command[3], "CONFIG=qemu");
  EXPECT_EQ(command[4], "bin/8086100e.rom");
}

TEST(MakeOrchestration, AFailureNamesTheCommandAndItsLastLines) {
  FakeProcessRunner runner([](const FakeRun &run) -> std::optional<int> {
    EXPECT_FALSE(bool(writeFileAtomically(run.stdoutPath,
                                          llvm::StringRef("cc1: error: bad flag\nmake: *** Error 1\n"))));
    return 2;
  });
  auto output = pipeline::runMake({"/src", {"all"}, true}, runner);
  ASSERT_FALSE(bool(output));
  std::string message = llvm::toString(output.takeError());
  EXPECT_NE(message.find("make failed (exit status 2)"), std::string::npos) << message;
  EXPECT_NE(message.find("-C /src all"), std::string::npos) << message;
  EXPECT_NE(message.find("cc1: error: bad flag"), std::string::npos) << message;
}

// Plays iPXE's make: the first build of a bin directory touches a header
// every object depends on (config/named.h), which leaves every directory
// built before it stale; `make -q` says whether a directory is, but asked
// of targets in several directories it always says "remake" (iPXE builds
// each in a sub-make of a phony target). Its output is make's: a command
// line for work, "'X' is up to date." for a target with none.
struct IpxeLikeMake {
  std::set<std::string> configured, stale;
  int rebuilds = 0;  // directories built that had something to do

  static std::vector<std::string> binDirsOf(const FakeRun &run) {
    std::set<std::string> binDirs;
    for (llvm::StringRef argument : run.command)
      if (argument.startswith("bin"))
        binDirs.insert(argument.split('/').first.str());
    return {binDirs.begin(), binDirs.end()};
  }
  std::optional<int> operator()(const FakeRun &run) {
    std::vector<std::string> binDirs = binDirsOf(run);
    if (llvm::is_contained(run.command, "-q")) {
      if (binDirs.size() > 1)
        return 1;
      return stale.count(binDirs[0]) || !configured.count(binDirs[0]) ? 1 : 0;
    }
    std::string output;
    for (const std::string &binDir : binDirs) {
      if (!configured.count(binDir)) {
        stale.insert(configured.begin(), configured.end());
        configured.insert(binDir);
      } else if (!stale.count(binDir)) {
        for (llvm::StringRef argument : run.command)
          if (argument.startswith(binDir + "/"))
            output += "make[1]: '" + argument.str() + "' is up to date.\n";
        continue;
      }
      stale.erase(binDir);
      ++rebuilds;
      output += "  [BUILD] " + binDir + "/core.o\n";
    }
    for (llvm::StringRef argument : run.command)
      if (argument.startswith("util/"))
        output += "make: '" + argument.str() + "' is up to date.\n";
    EXPECT_FALSE(bool(writeFileAtomically(run.stdoutPath, llvm::StringRef(output))));
    return 0;
  }
};

std::vector<pipeline::MakeInvocation> threeMakes() {
  return {{"/src", {"bin/8086100e.rom"}, false},
          {"/src", {"bin-x86_64-efi/blib.a"}, false},
          {"/src", {"CROSS=aarch64-linux-gnu-", "bin-arm64-efi/blib.a"}, false}};
}

std::vector<std::string> playedSteps(const FakeProcessRunner &runner) {
  std::vector<std::string> steps;
  for (const FakeRun &run : runner.runs)
    steps.push_back((llvm::is_contained(run.command, "-q") ? "ask " : "make ") +
                    llvm::join(IpxeLikeMake::binDirsOf(run), "+"));
  return steps;
}

TEST(MakesUntilSettled, MakesThatAnotherLeftStaleRunAgainSoTheNextBuildHasNothingToDo) {
  IpxeLikeMake ipxe;
  FakeProcessRunner first([&](const FakeRun &run) { return ipxe(run); });
  ASSERT_FALSE(bool(pipeline::runMakesUntilSettled(threeMakes(), first)));
  EXPECT_TRUE(ipxe.stale.empty());
  // bin-arm64-efi's first build left the other two stale: each runs again,
  // then every make but the last one run says it is up to date.
  EXPECT_EQ(playedSteps(first),
            (std::vector<std::string>{"make bin", "make bin-x86_64-efi", "make bin-arm64-efi",
                                      "ask bin", "make bin", "ask bin-x86_64-efi",
                                      "make bin-x86_64-efi", "ask bin-arm64-efi", "ask bin"}));

  ipxe.rebuilds = 0;
  FakeProcessRunner second([&](const FakeRun &run) { return ipxe(run); });
  ASSERT_FALSE(bool(pipeline::runMakesUntilSettled(threeMakes(), second)));
  EXPECT_EQ(ipxe.rebuilds, 0);
  // Makes that did nothing touched nothing: none is asked again.
  EXPECT_EQ(playedSteps(second),
            (std::vector<std::string>{"make bin", "make bin-x86_64-efi", "make bin-arm64-efi"}));
}

TEST(MakesUntilSettled, OneMakeOfSeveralDirectoriesIsAskedPerDirectoryAndSettles) {
  IpxeLikeMake ipxe;
  std::vector<pipeline::MakeInvocation> hostMake{
      {"/src", {"CONFIG=qemu", "bin-i386-efi/blib.a", "bin-x86_64-efi/blib.a", "bin/8086100e.rom",
                "util/elf2efi64"}, false}};
  FakeProcessRunner first([&](const FakeRun &run) { return ipxe(run); });
  ASSERT_FALSE(bool(pipeline::runMakesUntilSettled(hostMake, first)));
  EXPECT_TRUE(ipxe.stale.empty());
  // Its sub-makes ran in the order bin, bin-i386-efi, bin-x86_64-efi; the
  // first builds of the last two left those before them stale. Each
  // directory is asked alone, bin-x86_64-efi too: its make built several.
  EXPECT_EQ(playedSteps(first),
            (std::vector<std::string>{"make bin+bin-i386-efi+bin-x86_64-efi", "ask bin-i386-efi",
                                      "make bin-i386-efi", "ask bin-x86_64-efi", "ask bin",
                                      "make bin", "ask bin-i386-efi", "ask bin-x86_64-efi"}));
  // The directory asked with the targets outside any bin directory keeps them.
  EXPECT_EQ(first.runs[1].command.back(), "util/elf2efi64");
  EXPECT_TRUE(llvm::is_contained(first.runs[1].command, "CONFIG=qemu"));

  ipxe.rebuilds = 0;
  FakeProcessRunner second([&](const FakeRun &run) { return ipxe(run); });
  ASSERT_FALSE(bool(pipeline::runMakesUntilSettled(hostMake, second)));
  EXPECT_EQ(ipxe.rebuilds, 0);
  EXPECT_EQ(playedSteps(second),
            (std::vector<std::string>{"make bin+bin-i386-efi+bin-x86_64-efi"}));
}

TEST(MakesUntilSettled, OneMakeIsNotAskedAgain) {
  IpxeLikeMake ipxe;
  FakeProcessRunner runner([&](const FakeRun &run) { return ipxe(run); });
  ASSERT_FALSE(bool(pipeline::runMakesUntilSettled({threeMakes().front()}, runner)));
  EXPECT_EQ(playedSteps(runner), (std::vector<std::string>{"make bin"}));
}

TEST(MakeDidNothing, OnlyMakesOwnLinesWithEveryTargetUpToDate) {
  pipeline::MakeInvocation make{"/src", {"CONFIG=qemu", "-j2", "bin/1.rom", "util/elf2efi64"}, false};
  EXPECT_TRUE(pipeline::makeDidNothing("make: Entering directory '/src'\n"
                                    "make[1]: 'bin/1.rom' is up to date.\n"
                                    "make: Nothing to be done for 'util/elf2efi64'.\n"
                                    "make: Leaving directory '/src'\n",
                                    make));
  EXPECT_TRUE(pipeline::makeDidNothing("make: `bin/1.rom' is up to date.\n"
                                    "make: `util/elf2efi64' is up to date.\n",
                                    make))
      << "make 3's quotes";
  // A command's output is work.
  EXPECT_FALSE(pipeline::makeDidNothing("  [BUILD] bin/core.o\nmake: 'bin/1.rom' is up to date.\n"
                                     "make: 'util/elf2efi64' is up to date.\n",
                                     make));
  // A silent recipe made util/elf2efi64: no line says it was up to date.
  EXPECT_FALSE(pipeline::makeDidNothing("make: 'bin/1.rom' is up to date.\n", make));
  // Another language's messages are not understood, so they count as work.
  EXPECT_FALSE(pipeline::makeDidNothing("make: Für das Ziel »bin/1.rom« ist nichts zu tun.\n"
                                     "make: 'util/elf2efi64' is up to date.\n",
                                     make));
}

// Each make's every run leaves the others stale (as a Makefile would that
// rewrote a shared header on every run): the loop ends, naming one.
TEST(MakesUntilSettled, MakesThatNeverSettleAreAnError) {
  std::set<std::string> stale;
  FakeProcessRunner runner([&](const FakeRun &run) -> std::optional<int> {
    std::string binDir = IpxeLikeMake::binDirsOf(run).front();
    if (llvm::is_contained(run.command, "-q"))
      return stale.count(binDir) ? 1 : 0;
    stale = {"bin", "bin-x86_64-efi", "bin-arm64-efi"};
    stale.erase(binDir);
    return 0;
  });
  llvm::Error error = pipeline::runMakesUntilSettled(threeMakes(), runner);
  ASSERT_TRUE(bool(error));
  std::string message = llvm::toString(std::move(error));
  EXPECT_NE(message.find("make does not settle: after 6 re-runs, `"), std::string::npos)
      << message;
  EXPECT_NE(message.find("bin/8086100e.rom` still has targets to remake"), std::string::npos)
      << message;
}

TEST(MakesUntilSettled, AnErrorFromMakeQIsMakesError) {
  FakeProcessRunner runner([](const FakeRun &run) -> std::optional<int> {
    return llvm::is_contained(run.command, "-q") ? 2 : 0;
  });
  llvm::Error error = pipeline::runMakesUntilSettled(threeMakes(), runner);
  ASSERT_TRUE(bool(error));
  EXPECT_NE(llvm::toString(std::move(error)).find("make failed (exit status 2)"),
            std::string::npos);
}

// A boot program cache with a stand-in undionly.kpxe, as
// scripts/fetch-boot-programs lays it out.
std::string fakeBootProgramCache(const std::string &scratch) {
  std::string dir = scratch + "/cache/ipxe/usr/lib/ipxe";
  EXPECT_FALSE(bool(llvm::sys::fs::create_directories(dir)));
  EXPECT_FALSE(bool(writeFileAtomically(dir + "/undionly.kpxe", llvm::StringRef("NBP"))));
  return scratch + "/cache";
}

// A full-depth SeaBIOS boot of Debian's e1000 ROM, served from a fake cache.
verify::BootCheckRequest seaBiosRequest(const std::string &scratch) {
  verify::BootCheckRequest request;
  request.romPath = testing::kDebianRomDir + std::string("/efi-e1000.rom");
  request.firmwares = {verify::Firmware::SeaBios};
  request.bootPrograms.cacheDirectory = fakeBootProgramCache(scratch);
  return request;
}

verify::BootTools fakeSeaBios(const std::string &accelerator, bool requested) {
  verify::BootTools tools;
  tools.firmwares.push_back({verify::Firmware::SeaBios, "/usr/bin/qemu-fake", "/fw/bios.bin", "",
                             accelerator, "test", requested, ""});
  return tools;
}

const char *kFullLegacyBoot =
    "iPXE initialising devices...ok\nnet0: 10.0.2.15/255.255.255.0\n"
    "tftp://10.0.2.2/undionly.kpxe... ok\n"
    "net0: 52:54:00:12:34:56 using undionly on 0000:00:02.0 (open)\n"
    "net0: 10.0.2.15/255.255.255.0\n";

TEST(BootOrchestration, AFullBootIsSeenInTheSerialLogQemuWrites) {
  std::string scratch = testing::makeScratchDir("orchestration-boot");
  verify::BootCheckRequest request = seaBiosRequest(scratch);
  std::string servedProgram;
  FakeProcessRunner qemu([&](const FakeRun &run) -> std::optional<int> {
    std::string tftp = testing::optionValue(run.command, "tftp");
    servedProgram = testing::readText(tftp + "/undionly.kpxe");
    std::string serial = testing::optionValue(run.command, "path");
    EXPECT_FALSE(bool(writeFileAtomically(serial, llvm::StringRef(kFullLegacyBoot))));
    return std::nullopt;  // QEMU runs on until romfit stops it
  });
  auto results = verify::checkBoot(fakeSeaBios("tcg", true), request, qemu);
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  ASSERT_EQ(results->size(), 1u);
  EXPECT_TRUE((*results)[0].passed()) << (*results)[0].outcomeDetail;
  EXPECT_EQ((*results)[0].bootProgram, "undionly.kpxe");
  EXPECT_EQ(servedProgram, "NBP");  // the cached program is what TFTP served
  EXPECT_EQ(testing::optionValue(qemu.runs[0].command, "bootfile"), "undionly.kpxe");
  // Stopped at the first look after the last line appeared, not left running
  // to a timeout.
  EXPECT_EQ(qemu.polls, 1);
  EXPECT_EQ(qemu.stopped, 1);
  llvm::sys::fs::remove_directories(scratch);
}

TEST(BootOrchestration, OutOfOrderLinesAreNotAPass) {
  std::string scratch = testing::makeScratchDir("orchestration-order");
  verify::BootCheckRequest request = seaBiosRequest(scratch);
  FakeProcessRunner qemu([&](const FakeRun &run) -> std::optional<int> {
    // The boot program's lines before its download, then the firmware gives up.
    EXPECT_FALSE(bool(writeFileAtomically(
        testing::optionValue(run.command, "path"),
        llvm::StringRef("using undionly on\nnet0: 10.0.2.15\nundionly.kpxe... ok\n"
                        "No bootable device.\n"))));
    return std::nullopt;
  });
  auto results = verify::checkBoot(fakeSeaBios("tcg", true), request, qemu);
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  EXPECT_EQ((*results)[0].outcome, verify::BootOutcome::FirmwareGaveUp);
  EXPECT_FALSE((*results)[0].expectedLines[1].seen);
  llvm::sys::fs::remove_directories(scratch);
}

TEST(BootOrchestration, AGaveUpTailEndsWithTheLineThatGaveUp) {
  std::string scratch = testing::makeScratchDir("orchestration-gave-up-tail");
  verify::BootCheckRequest request = seaBiosRequest(scratch);
  FakeProcessRunner qemu([&](const FakeRun &run) -> std::optional<int> {
    // What the firmware prints after giving up depends on when the poll
    // looks, so it must not push the lines that led there out of the tail.
    std::string console = "driver started\nNo bootable device.\n";
    for (int second = 60; second > 0; --second)
      console += fmt::format("Retrying in {} seconds\n", second);
    EXPECT_FALSE(bool(writeFileAtomically(testing::optionValue(run.command, "path"),
                                          llvm::StringRef(console))));
    return std::nullopt;
  });
  auto results = verify::checkBoot(fakeSeaBios("tcg", true), request, qemu);
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  EXPECT_EQ((*results)[0].outcome, verify::BootOutcome::FirmwareGaveUp);
  EXPECT_EQ((*results)[0].consoleTail(15),
            (std::vector<std::string>{"driver started", "No bootable device."}));
  EXPECT_NE((*results)[0].console.find("Retrying in 1 seconds"), std::string::npos);
  llvm::sys::fs::remove_directories(scratch);
}

// Defined before the test in which KVM breaks: from then on this process
// boots straight under TCG.
TEST(BootOrchestration, ABootThatFailsUnderAutomaticKvmGetsTcgsVerdictSayingWhatKvmDid) {
  std::string scratch = testing::makeScratchDir("orchestration-kvm-gave-up");
  verify::BootCheckRequest request = seaBiosRequest(scratch);
  FakeProcessRunner qemu([](const FakeRun &run) -> std::optional<int> {
    std::string console = run.command.at(2) == "kvm" ? "No bootable device.\n" : kFullLegacyBoot;
    EXPECT_FALSE(bool(writeFileAtomically(testing::optionValue(run.command, "path"),
                                          llvm::StringRef(console))));
    return std::nullopt;
  });
  auto results = verify::checkBoot(fakeSeaBios("kvm", false), request, qemu);
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  ASSERT_EQ(qemu.runs.size(), 2u);
  EXPECT_EQ(qemu.runs[0].command[2], "kvm");
  EXPECT_EQ(qemu.runs[1].command[2], "tcg");
  EXPECT_TRUE((*results)[0].passed());
  EXPECT_NE((*results)[0].outcomeDetail.find(
                "(under TCG; under KVM: the firmware ran out of boot options"),
            std::string::npos)
      << (*results)[0].outcomeDetail;
  llvm::sys::fs::remove_directories(scratch);
}

TEST(BootOrchestration, ABootKvmBreaksIsRunAgainUnderTcgOnlyWhenKvmWasChosenAutomatically) {
  std::string scratch = testing::makeScratchDir("orchestration-kvm");
  verify::BootCheckRequest request = seaBiosRequest(scratch);
  auto behaviour = [](const FakeRun &run) -> std::optional<int> {
    // QEMU's command starts {qemu, "-accel", ACCELERATOR, ...}.
    if (run.command.at(2) == "kvm")
      EXPECT_FALSE(bool(writeFileAtomically(run.stderrPath,
                                            llvm::StringRef("KVM internal error. Suberror: 1\n"))));
    else
      EXPECT_FALSE(bool(writeFileAtomically(testing::optionValue(run.command, "path"),
                                            llvm::StringRef(kFullLegacyBoot))));
    return std::nullopt;
  };
  FakeProcessRunner automatic(behaviour);
  auto results = verify::checkBoot(fakeSeaBios("kvm", false), request, automatic);
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  ASSERT_EQ(automatic.runs.size(), 2u);
  EXPECT_EQ(automatic.runs[1].command[2], "tcg");
  EXPECT_TRUE((*results)[0].passed());
  EXPECT_EQ((*results)[0].accelerator, "tcg");

  // --accel kvm: the user's choice stands, and the failure is reported.
  FakeProcessRunner requested(behaviour);
  request.timeout = std::chrono::milliseconds(500);
  results = verify::checkBoot(fakeSeaBios("kvm", true), request, requested);
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  EXPECT_EQ(requested.runs.size(), 1u);
  EXPECT_EQ((*results)[0].outcome, verify::BootOutcome::AcceleratorFailed);
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit
