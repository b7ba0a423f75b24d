#include "rules/child_process.h"

#include <atomic>
#include <mutex>

#include <llvm/Support/Signals.h>

namespace romfit::rules {
namespace {

// Plain atomics, because the interrupt handler may only do signal-safe work.
constexpr size_t kMaxTracked = 16;
std::atomic<pid_t> tracked[kMaxTracked];

void killTrackedChildren() {
  for (std::atomic<pid_t> &slot : tracked)
    if (pid_t pid = slot.load(); pid > 0)
      ::kill(pid, SIGKILL);
}

} // namespace

void trackChild(pid_t pid) {
  static std::once_flag installed;
  std::call_once(installed, [] { llvm::sys::SetInterruptFunction(killTrackedChildren); });
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

} // namespace romfit::rules
