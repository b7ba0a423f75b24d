// Several architectures in one romfit build, without running make: which
// CROSS each image's make gets from --cross, and the errors that stop a
// build before any make runs (a FakeProcessRunner stands in for make).
#include <map>

#include <gtest/gtest.h>

#include "pipeline/ipxe_build.h"
#include "tests/fake_process_runner.h"

namespace romfit::pipeline {
namespace {

std::vector<ImageKind> kindsNamed(const std::vector<std::string> &names) {
  std::vector<ImageKind> kinds;
  for (const std::string &name : names)
    kinds.push_back(cantFail(parseImageKind(name)));
  return kinds;
}

std::string errorOf(llvm::Expected<std::map<std::string, std::string>> prefixes) {
  if (prefixes) {
    ADD_FAILURE() << "no error; " << prefixes->size() << " prefixes";
    return "";
  }
  return llvm::toString(prefixes.takeError());
}

const std::vector<std::string> kAllFive = {"legacy", "efi:i386", "efi:x86_64", "efi:arm64",
                                           "efi:riscv64"};

TEST(CrossPrefixes, EachArchitectureGetsItsOwnAndTheHostsNone) {
  auto prefixes = crossPrefixes({"arm64=aarch64-linux-gnu-", "riscv64=riscv64-linux-gnu-"},
                                kindsNamed(kAllFive));
  ASSERT_TRUE(bool(prefixes)) << llvm::toString(prefixes.takeError());
  EXPECT_EQ(*prefixes, (std::map<std::string, std::string>{{"arm64", "aarch64-linux-gnu-"},
                                                           {"riscv64", "riscv64-linux-gnu-"}}));
}

// The form from before there were several: the one prefix the images need.
TEST(CrossPrefixes, ABarePrefixIsForTheOneArchitectureThatNeedsOne) {
  auto arm = crossPrefixes({"aarch64-linux-gnu-"}, kindsNamed({"legacy", "efi:arm64"}));
  ASSERT_TRUE(bool(arm)) << llvm::toString(arm.takeError());
  EXPECT_EQ(*arm, (std::map<std::string, std::string>{{"arm64", "aarch64-linux-gnu-"}}));
  auto riscv = crossPrefixes({"riscv64-linux-gnu-"}, kindsNamed({"efi:riscv64"}));
  ASSERT_TRUE(bool(riscv)) << llvm::toString(riscv.takeError());
  EXPECT_EQ(*riscv, (std::map<std::string, std::string>{{"riscv64", "riscv64-linux-gnu-"}}));
  // No image needs it: the host's compiler builds them all.
  auto unused = crossPrefixes({"aarch64-linux-gnu-"}, kindsNamed({"efi:x86_64"}));
  ASSERT_TRUE(bool(unused)) << llvm::toString(unused.takeError());
  EXPECT_TRUE(unused->empty());
}

TEST(CrossPrefixes, BadArgumentsAreNamed) {
  struct Case {
    std::vector<std::string> arguments;
    std::vector<std::string> images;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"mips=mips-linux-gnu-"}, {"efi:arm64"},
       "--cross 'mips=mips-linux-gnu-': unknown architecture 'mips' (a prefix is for arm64, "
       "riscv64, loong64)"},
      {{"x86_64=x86_64-linux-gnu-"}, {"efi:x86_64"},
       "--cross 'x86_64=x86_64-linux-gnu-': x86_64 is built with the host's compiler here"},
      {{"arm64=a-", "arm64=b-"}, {"efi:arm64"},
       "--cross 'arm64=b-': arm64 has a prefix already ('a-')"},
      {{"arm64="}, {"efi:arm64"},
       "--cross 'arm64=': empty prefix (e.g. --cross arm64=aarch64-linux-gnu-)"},
      {{""}, {"efi:arm64"}, "--cross '': empty prefix"},
      {{"a-", "b-"}, {"efi:arm64"}, "--cross 'b-': a prefix without ARCH= was given already ('a-')"},
      {{"aarch64-linux-gnu-", "riscv64=riscv64-linux-gnu-"}, {"efi:arm64", "efi:riscv64"},
       "--cross 'aarch64-linux-gnu-' names no architecture, beside --cross "
       "riscv64=riscv64-linux-gnu-"},
      {{"aarch64-linux-gnu-"}, {"efi:arm64", "efi:riscv64"},
       "the images need a cross compiler for arm64 and riscv64: give --cross ARCH=PREFIX for "
       "each"},
      {{"arm64=aarch64-linux-gnu-"}, {"efi:arm64", "efi:riscv64"},
       "image efi:riscv64 needs a cross compiler: give --cross riscv64=PREFIX (e.g. "
       "riscv64=riscv64-linux-gnu-)"},
      {{}, {"legacy", "efi:arm64"},
       "image efi:arm64 needs a cross compiler: give --cross arm64=PREFIX"},
  };
  for (const Case &test : cases)
    EXPECT_NE(errorOf(crossPrefixes(test.arguments, kindsNamed(test.images))).find(test.expected),
              std::string::npos)
        << test.expected;
}

// One make per bin directory: a make naming several builds the converter at
// iPXE's top level, where no BIN is set and it misses -fshort-wchar.
TEST(ImageMakes, OneMakePerBinDirectoryEachWithItsOwnConverter) {
  BuildOptions options;
  options.config = "qemu";
  options.romIds = {"8086100e", "808610d3"};
  options.jobs = 2;
  auto makes = imageMakes("/src", options, kindsNamed(kAllFive),
                          {{"arm64", "aarch64-linux-gnu-"}, {"riscv64", "riscv64-linux-gnu-"}});
  ASSERT_EQ(makes.size(), 5u);
  EXPECT_EQ(makes[0].arguments, (std::vector<std::string>{"CONFIG=qemu", "-j2", "bin/8086100e.rom",
                                                          "bin/808610d3.rom"}));
  EXPECT_EQ(makes[1].arguments,
            (std::vector<std::string>{"CONFIG=qemu", "-j2", "bin-i386-efi/blib.a",
                                      "bin-i386-efi/version.8086100e.efidrv.o",
                                      "bin-i386-efi/version.808610d3.efidrv.o",
                                      "util/elf2efi32"}));
  EXPECT_EQ(makes[2].arguments,
            (std::vector<std::string>{"CONFIG=qemu", "-j2", "bin-x86_64-efi/blib.a",
                                      "bin-x86_64-efi/version.8086100e.efidrv.o",
                                      "bin-x86_64-efi/version.808610d3.efidrv.o",
                                      "util/elf2efi64"}));
  EXPECT_EQ(makes[3].arguments,
            (std::vector<std::string>{"CONFIG=qemu", "CROSS=aarch64-linux-gnu-", "-j2",
                                      "bin-arm64-efi/blib.a",
                                      "bin-arm64-efi/version.8086100e.efidrv.o",
                                      "bin-arm64-efi/version.808610d3.efidrv.o", "util/elf2efi64"}));
  EXPECT_EQ(makes[4].arguments[1], "CROSS=riscv64-linux-gnu-");
  EXPECT_EQ(makes[4].arguments[3], "bin-riscv64-efi/blib.a");
  for (const MakeInvocation &make : makes) {
    EXPECT_EQ(make.directory, "/src");
    EXPECT_FALSE(make.quiet);
  }
}

// What is wrong with --cross is said before make has built anything.
TEST(RunBuild, AMissingOrUnknownCrossCompilerStopsItBeforeAnyMake) {
  struct Case {
    std::vector<std::string> images, cross;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"legacy", "efi:x86_64", "efi:riscv64"}, {"arm64=aarch64-linux-gnu-"},
       "image efi:riscv64 needs a cross compiler"},
      {{"efi:arm64"}, {"arm64=romfit-test-no-such-"},
       "cross compiler 'romfit-test-no-such-gcc' not found on PATH nor in the Debian 13 root"},
  };
  for (const Case &test : cases) {
    testing::FakeProcessRunner runner([](const testing::FakeRun &) { return 0; });
    BuildOptions options;
    options.ipxeTree = ROMFIT_SOURCE_DIR "/tests/fixtures/minipxe";
    options.romIds = {"8086100e"};
    options.imageNames = test.images;
    options.cross = test.cross;
    options.outDir = "/nonexistent/out";
    options.rulesPath = "auto";
    options.runner = &runner;
    auto outcome = runBuild(options);
    ASSERT_FALSE(bool(outcome)) << test.expected;
    EXPECT_NE(llvm::toString(outcome.takeError()).find(test.expected), std::string::npos)
        << test.expected;
    EXPECT_TRUE(runner.runs.empty()) << test.expected;
  }
}

// A driver whose firmware has no network stack boots only through LoadFile
// into ipxe(): a rule set that cuts that way is refused for it, by file and
// line, before any make runs; the same set is fine for the other images.
TEST(RunBuild, ARuleSetCuttingTheOwnBootPathIsRefusedForRiscvAndLoongArchImages) {
  testing::FakeProcessRunner runner([](const testing::FakeRun &) { return 1; });
  BuildOptions options;
  options.ipxeTree = ROMFIT_SOURCE_DIR "/tests/fixtures/minipxe";
  options.romIds = {"8086100e"};
  options.imageNames = {"efi:x86_64", "efi:loong64"};
  options.ownBootPathImages = {"efi:riscv64", "efi:loong64"};
  options.outDir = "/nonexistent/out";
  options.rulesPath = ROMFIT_SOURCE_DIR "/prune/efi-downgrade-ux.rules";
  options.runner = &runner;
  auto outcome = runBuild(options);
  ASSERT_FALSE(bool(outcome));
  std::string message = llvm::toString(outcome.takeError());
  EXPECT_NE(message.find("efi-downgrade-ux.rules:"), std::string::npos) << message;
  EXPECT_NE(message.find("'cut efi_snp_load_file->ipxe'"), std::string::npos) << message;
  EXPECT_NE(message.find("image efi:loong64"), std::string::npos) << message;
  EXPECT_TRUE(runner.runs.empty());

  options.imageNames = {"efi:x86_64"};
  options.cross.clear();
  auto x86Only = runBuild(options);
  std::string other = x86Only ? "" : llvm::toString(x86Only.takeError());
  EXPECT_EQ(other.find("own boot path"), std::string::npos) << other;
}

} // namespace
} // namespace romfit::pipeline
