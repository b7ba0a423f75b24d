#pragma once
// What romfit does on Ctrl-C (SIGINT) and SIGTERM. LLVM's handler removes the
// files registered for removal and calls romfit's interrupt function, which
// ends every child (support/child_process.h); then the program goes on.
// Going on must not turn the interrupt into a result: a QEMU killed by it is
// not a failed boot, and a make killed by it is not a broken tree. So the
// signal is recorded here, no child starts once it has arrived, the loops
// that wait on children stop with interruptedError(), and the driver,
// once every scope has cleaned up, ends the process by the same signal
// (exit status 128 + N in a shell).
#include <llvm/Support/Error.h>

namespace romfit::support {

// Idempotent; the first child started calls it too.
void installInterruptHandling();

// The signal that interrupted romfit (SIGINT or SIGTERM), or 0.
int interruptSignal();

// "interrupted by SIGINT", for the loops that notice it.
llvm::Error interruptedError();

// For tests: as if `signal` had arrived (no handler runs); 0 forgets it.
void simulateInterrupt(int signal);

} // namespace romfit::support
