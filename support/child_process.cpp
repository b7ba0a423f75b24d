#include "support/child_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h> // environ

#include <atomic>
#include <cstring>

#include "support/interrupt.h"

namespace romfit::support {
namespace {

// Plain atomics, because the interrupt handler may only do signal-safe work.
constexpr size_t kMaxTracked = 16;
std::atomic<pid_t> tracked[kMaxTracked];

void signalTrackedGroups(int signal) {
  for (std::atomic<pid_t> &slot : tracked)
    if (pid_t pid = slot.load(); pid > 0)
      ::kill(-pid, signal);
}

} // namespace

// SIGTERM first: make then deletes the target it was writing and gcc its
// output, where SIGKILL would leave a truncated object that make, seeing it
// newer than its source, never rebuilds. Whatever is left after the grace
// period is killed.
void endTrackedChildren() {
  signalTrackedGroups(SIGTERM);
  constexpr int kGraceSteps = 40;
  const timespec step{0, 50'000'000}; // 40 x 50 ms = 2 s
  for (int i = 0; i < kGraceSteps; ++i) {
    bool anyLeft = false;
    for (std::atomic<pid_t> &slot : tracked) {
      pid_t pid = slot.load();
      if (pid <= 0)
        continue;
      ::waitpid(pid, nullptr, WNOHANG); // a reaped leader leaves the group to its children
      anyLeft |= ::kill(-pid, 0) == 0;
    }
    if (!anyLeft)
      return;
    ::nanosleep(&step, nullptr);
  }
  signalTrackedGroups(SIGKILL);
}

namespace {

// posix_spawn's attributes and file actions, destroyed however start() ends.
struct SpawnSetup {
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attributes);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
};

} // namespace

// llvm::sys::ExecuteNoWait cannot give the child a process group of its own,
// hence posix_spawn.
llvm::Expected<ChildProcess> ChildProcess::start(const std::vector<std::string> &command,
                                                 llvm::StringRef stdoutPath,
                                                 llvm::StringRef stderrPath) {
  if (command.empty())
    return makeError("cannot start a program: no command");
  // After an interrupt nothing new starts: the build is ending.
  if (interruptSignal())
    return interruptedError();
  SpawnSetup setup;
  std::string out = stdoutPath.str(), err = stderrPath.str();
  const int writeFlags = O_WRONLY | O_CREAT | O_TRUNC;
  posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&setup.actions, 1, out.c_str(), writeFlags, 0644);
  if (err == out)
    posix_spawn_file_actions_adddup2(&setup.actions, 1, 2);
  else
    posix_spawn_file_actions_addopen(&setup.actions, 2, err.c_str(), writeFlags, 0644);
  posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&setup.attributes, 0);

  std::vector<char *> argv;
  for (const std::string &argument : command)
    argv.push_back(const_cast<char *>(argument.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (int error = posix_spawnp(&pid, argv[0], &setup.actions, &setup.attributes, argv.data(),
                               environ))
    return makeError("cannot start '{}': {}", command.front(), std::strerror(error));
  trackChild(pid);
  llvm::sys::ProcessInfo info;
  info.Pid = pid;
  info.Process = pid;
  return ChildProcess(info);
}

void trackChild(pid_t pid) {
  installInterruptHandling();
  for (std::atomic<pid_t> &slot : tracked) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid))
      return;
  }
}

void untrackChild(pid_t pid) {
  for (std::atomic<pid_t> &slot : tracked) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0))
      return;
  }
}

} // namespace romfit::support
