// ctest-labels: boot
// An interrupted romfit must not leave its QEMU running.
#include <signal.h>
#include <unistd.h>

#include <chrono>

#include <gtest/gtest.h>
#include <llvm/Support/Program.h>

#include "tests/test_support.h"

namespace romfit {
namespace {

using namespace std::chrono_literals;

int countQemus() {
  auto result = testing::runProgram("pgrep", {"-c", "-f", "qemu-system-x86_64.*romfit-boot"});
  return std::atoi(result.out.c_str());
}

TEST(Interrupt, SigtermDuringABootKillsQemu) {
  ASSERT_EQ(countQemus(), 0) << "another boot is running; this test needs the machine to itself";
  std::string rom = std::string(testing::kDebianRomDir) + "/efi-e1000.rom";
  llvm::StringRef argv[] = {ROMFIT_BINARY, "verify", "--boot", rom, "--firmware", "ovmf",
                            "--accel", "tcg"};
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef("/dev/null"),
                                                 llvm::StringRef("/dev/null")};
  auto romfit = llvm::sys::ExecuteNoWait(ROMFIT_BINARY, argv, llvm::None, redirects);
  ASSERT_GT(romfit.Pid, 0);
  bool started = testing::pollUntil([] { return countQemus() > 0; }, 10s, 100ms);
  ASSERT_TRUE(started) << "QEMU never started";
  ::kill(romfit.Pid, SIGTERM);
  llvm::sys::Wait(romfit, 0, /*WaitUntilTerminates=*/true);
  int left = 0;
  testing::pollUntil([&] { return (left = countQemus()) == 0; }, 3s, 100ms);
  EXPECT_EQ(left, 0) << "QEMU outlived the romfit that started it";
}

} // namespace
} // namespace romfit
