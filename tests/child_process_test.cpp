// A stopped child takes everything it started with it: make's compilers,
// ninja's linkers, a shell's background jobs.
#include <signal.h>

#include <chrono>
#include <fstream>

#include <gtest/gtest.h>
#include <llvm/Support/Program.h>

#include "support/child_process.h"
#include "tests/build_fixture.h"
#include "tests/test_support.h"

namespace romfit {
namespace {

using namespace std::chrono_literals;

// A killed process may stay a zombie until init reaps it; that counts as gone.
bool isRunning(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pidField, command, state;
  if (!(stat >> pidField >> command >> state))
    return false;
  return state != "Z" && state != "X";
}

// The pid a helper wrote to `path`, once it has (0 if it never does).
int waitForPid(const std::string &path) {
  int pid = 0;
  testing::pollUntil([&] { return std::ifstream(path) >> pid && pid > 0; }, 10s);
  return pid;
}

// Gone within 10 s (a grandchild left behind would live 1,000 s); killed
// here if not, so a failing test leaves nothing running.
void expectEnds(int pid, const std::string &what) {
  testing::pollUntil([&] { return !isRunning(pid); }, 10s);
  EXPECT_FALSE(isRunning(pid)) << what << " (pid " << pid << ") is still running";
  if (isRunning(pid))
    ::kill(pid, SIGKILL);
}

// The child's exit status, once it has ended by itself (nullopt if it runs on
// for 10 s).
std::optional<int> exitStatusOf(support::ChildProcess &child) {
  std::optional<int> status;
  testing::pollUntil([&] { return (status = child.exitStatus()).has_value(); }, 10s);
  return status;
}

// A shell that starts a long sleep and writes its pid to `pidFile`.
std::vector<std::string> shellWithBackgroundSleep(const std::string &pidFile) {
  return {"/bin/sh", "-c", "sleep 1000 & echo $! > '" + pidFile + "'; wait"};
}

TEST(ChildProcess, StopEndsTheChildsOwnChildren) {
  std::string scratch = testing::makeScratchDir("child");
  std::string pidFile = scratch + "/sleep.pid", log = scratch + "/log";
  {
    auto child = support::ChildProcess::start(shellWithBackgroundSleep(pidFile), log, log);
    ASSERT_TRUE(bool(child)) << llvm::toString(child.takeError());
    int sleeper = waitForPid(pidFile);
    ASSERT_GT(sleeper, 0) << "the shell never started its sleep";
    ASSERT_TRUE(isRunning(sleeper));
    child->stop();
    expectEnds(sleeper, "the stopped shell's sleep");
  }
  llvm::sys::fs::remove_directories(scratch);
}

// The whole command: SIGTERM to `romfit build` while make has a job running.
// make hears SIGTERM first, and its job ends with it.
TEST(ChildProcess, SigtermToRomfitBuildEndsWhatMakeStarted) {
  std::string scratch = testing::makeScratchDir("child-build");
  std::string tree = testing::copyMinipxe(scratch);
  ASSERT_FALSE(tree.empty());
  std::string pidFile = scratch + "/sleep.pid", fakeMake = scratch + "/make";
  std::string cleanedFile = scratch + "/cleaned";
  // Like make, it tidies up on SIGTERM (make deletes a half-written target).
  std::ofstream(fakeMake) << "#!/bin/sh\ntrap 'echo tidied > \"" << cleanedFile
                          << "\"; exit 1' TERM\nsleep 1000 & echo $! > '" << pidFile
                          << "'\nwait\n";
  ASSERT_EQ(testing::runProgram("chmod", {"+x", fakeMake}).status, 0);

  std::vector<std::string> arguments = testing::minipxeBuild(tree, scratch + "/out");
  std::vector<llvm::StringRef> argv{ROMFIT_BINARY};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  std::vector<std::string> environment{"MAKE=" + fakeMake};
  for (char **variable = environ; *variable; ++variable)
    if (!llvm::StringRef(*variable).startswith("MAKE="))
      environment.push_back(*variable);
  std::vector<llvm::StringRef> environmentRefs(environment.begin(), environment.end());
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef("/dev/null"),
                                                 llvm::StringRef("/dev/null")};
  auto romfit = llvm::sys::ExecuteNoWait(ROMFIT_BINARY, argv,
                                         llvm::ArrayRef<llvm::StringRef>(environmentRefs), redirects);
  ASSERT_GT(romfit.Pid, 0);
  int sleeper = waitForPid(pidFile);
  ::kill(romfit.Pid, SIGTERM);
  llvm::sys::Wait(romfit, 0, /*WaitUntilTerminates=*/true);
  ASSERT_GT(sleeper, 0) << "romfit never ran the stand-in make";
  expectEnds(sleeper, "make's job, after romfit ended,");
  EXPECT_EQ(testing::readText(cleanedFile), "tidied\n")
      << "make was killed outright, with no chance to delete what it was writing";
  llvm::sys::fs::remove_directories(scratch);
}

TEST(ChildProcess, OutputGoesToTheNamedFilesAndTheStatusIsReported) {
  std::string scratch = testing::makeScratchDir("child");
  std::string out = scratch + "/out", err = scratch + "/err";
  auto child = support::ChildProcess::start({"/bin/sh", "-c", "echo to-out; echo to-err >&2; exit 3"},
                                          out, err);
  ASSERT_TRUE(bool(child)) << llvm::toString(child.takeError());
  EXPECT_EQ(exitStatusOf(*child), 3);
  EXPECT_EQ(testing::readText(out), "to-out\n");
  EXPECT_EQ(testing::readText(err), "to-err\n");
  llvm::sys::fs::remove_directories(scratch);
}

TEST(ChildProcess, OneFileTakesBothStreamsInOrder) {
  std::string scratch = testing::makeScratchDir("child");
  std::string log = scratch + "/log";
  auto child = support::ChildProcess::start({"/bin/sh", "-c", "echo one; echo two >&2; echo three"},
                                          log, log);
  ASSERT_TRUE(bool(child)) << llvm::toString(child.takeError());
  ASSERT_EQ(exitStatusOf(*child), 0);
  EXPECT_EQ(testing::readText(log), "one\ntwo\nthree\n");
  llvm::sys::fs::remove_directories(scratch);
}

TEST(ChildProcess, AProgramThatIsNotThereIsNamed) {
  std::string scratch = testing::makeScratchDir("child");
  auto child = support::ChildProcess::start({scratch + "/no-such-program"}, scratch + "/log",
                                          scratch + "/log");
  ASSERT_FALSE(bool(child));
  std::string message = llvm::toString(child.takeError());
  EXPECT_NE(message.find("no-such-program"), std::string::npos) << message;
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit
