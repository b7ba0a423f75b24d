#pragma once
// Programs the host's Debian release is too old for come from a second
// Debian root: QEMU 8.1 or later for riscv64 and loong64 (Debian 12's 7.2
// cannot run LoongArch EDK2 at all, nor RISC-V EDK2's split flash), those
// firmwares, the loongarch64 cross compiler and GRUB's riscv64 image.
// scripts/setup-debian13 makes it once; nothing on the host changes.
//
// A program of the root runs inside it under bubblewrap: the root is the
// new "/", and every host directory that is not part of the system (/tmp,
// /root, /home, /work, ...) is bound at its own path, so the ROMs, scratch
// files and source trees romfit hands the program keep their host paths,
// while /usr, /lib and /etc are the root's own (its programs load its own
// libraries and find their own data files).
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::support {

struct ToolRoot {
  std::string path;  // on the host

  // $ROMFIT_DEBIAN13_ROOT, else $XDG_CACHE_HOME/romfit/debian13, else
  // $HOME/.cache/romfit/debian13.
  static ToolRoot fromEnvironment();

  // Where a file of the root (an absolute path inside it) is on the host.
  std::string hostPath(llvm::StringRef pathInRoot) const;

  // Succeeds when scripts/setup-debian13 finished making the root and
  // bubblewrap is installed; the error names the root and the command that
  // makes it.
  llvm::Error checkReady() const;

  // The command line that runs `command` (command[0] an absolute path
  // inside the root) in the root, in the current directory: the root's
  // launcher, which scripts/setup-debian13 writes (bubblewrap, binding every
  // host directory outside the system's at its own path).
  std::vector<std::string> wrap(const std::vector<std::string> &command) const;
  std::string launcher() const;

  // Host-side launchers of the root's cross tools, one per tool
  // ("loongarch64-linux-gnu-gcc", ...): make's CROSS=DIR/PREFIX runs them.
  std::string hostCrossDirectory() const;
};

// The command that makes the root, for messages.
inline constexpr const char kToolRootSetupCommand[] = "bash scripts/setup-debian13";

} // namespace romfit::support
