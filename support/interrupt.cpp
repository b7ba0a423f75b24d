#include "support/interrupt.h"

#include <signal.h>
#include <string.h>

#include <atomic>
#include <mutex>

#include <llvm/Support/Signals.h>

#include "support/child_process.h"
#include "support/error.h"

namespace romfit::support {
namespace {

constexpr int kInterruptSignals[] = {SIGINT, SIGTERM};
std::atomic<int> receivedSignal{0};
struct sigaction llvmActions[2];

// Records the signal, then hands it to LLVM's handler, which removes its
// files, ends the children and (first time only) returns.
void recordThenForward(int signal) {
  int expected = 0;
  receivedSignal.compare_exchange_strong(expected, signal);
  for (size_t i = 0; i < std::size(kInterruptSignals); ++i) {
    if (kInterruptSignals[i] != signal)
      continue;
    if (llvmActions[i].sa_handler != SIG_DFL && llvmActions[i].sa_handler != SIG_IGN)
      llvmActions[i].sa_handler(signal);
  }
}

} // namespace

void installInterruptHandling() {
  static std::once_flag installed;
  std::call_once(installed, [] {
    // Registers LLVM's handlers (and our function in them) first, so that
    // the ones below wrap LLVM's rather than being replaced by them.
    llvm::sys::SetInterruptFunction(endTrackedChildren);
    for (size_t i = 0; i < std::size(kInterruptSignals); ++i) {
      struct sigaction action;
      ::memset(&action, 0, sizeof action);
      action.sa_handler = recordThenForward;
      sigemptyset(&action.sa_mask);
      action.sa_flags = SA_NODEFER | SA_ONSTACK;
      ::sigaction(kInterruptSignals[i], &action, &llvmActions[i]);
    }
  });
}

int interruptSignal() { return receivedSignal.load(); }

llvm::Error interruptedError() {
  int signal = interruptSignal();
  return makeError("interrupted by {}", signal == SIGTERM ? "SIGTERM" : "SIGINT");
}

void simulateInterrupt(int signal) { receivedSignal.store(signal); }

} // namespace romfit::support
