#pragma once
// What a pass means. At full depth a boot program romfit did not write is
// fetched over TFTP through the ROM's driver, runs, and then reaches the
// network itself through that same driver: iPXE's undionly.kpxe through the
// legacy image's UNDI, iPXE's snponly.efi through the EFI driver's SNP, and
// GRUB's network image (which reads its grub.cfg over TFTP through SNP) where
// no iPXE boot program exists for the architecture. The programs come from
// Debian packages unpacked into a cache (scripts/fetch-boot-programs), never
// installed over the system. At DHCP depth an address is enough.
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "verify/firmware.h"

namespace romfit::verify {

enum class Depth { Dhcp, Full };
llvm::Expected<Depth> parseDepth(llvm::StringRef text);  // "dhcp", "full"
llvm::StringRef depthName(Depth depth);

// The firmware's, from firmwareTable().
BootProgram bootProgramFor(Firmware firmware);

// Where scripts/fetch-boot-programs unpacks each package, as
// CACHE/PACKAGE/...: $ROMFIT_BOOT_PROGRAMS, else $XDG_CACHE_HOME/romfit/
// boot-programs, else $HOME/.cache/romfit/boot-programs.
std::string defaultBootProgramCache();

// Where a boot program is found: the cache fetch-boot-programs fills, the
// Debian 13 root, and the programs the caller was given by name
// (--boot-program KIND=FILE).
struct BootProgramSources {
  std::string cacheDirectory = defaultBootProgramCache();
  std::string toolRoot;  // support::ToolRoot's path
  std::vector<std::pair<std::string, std::string>> given;  // image kind, file
};

// The program's absolute path on the host. The error names the program,
// the Debian package it comes from and how to get it.
llvm::Expected<std::string> locateBootProgram(Firmware firmware, const BootProgramSources &sources);

// The grub.cfg romfit serves next to GRUB: it prints kGrubMarker, a line
// that appears nowhere in the file itself, so the marker on the console
// proves GRUB read and ran it.
extern const char kGrubMarker[];
std::string grubConfig();

// One thing the console must show. Steps are matched in order, each after
// the end of the one before, because iPXE-based boot programs print the same
// banner and address lines as the ROM's own iPXE did before them.
struct ExpectedStep {
  // The step is seen when one of these is; a '*' in one stands for any text
  // within the same line.
  std::vector<std::string> anyOf;
  std::string label() const;       // "A" or "A" | "B"
};

struct ConsoleExpectations {
  std::vector<ExpectedStep> steps;
  std::vector<std::string> gaveUpMarkers;  // the firmware ran out of boot options
};
ConsoleExpectations consoleExpectations(Firmware firmware, Depth depth);

// How many steps the console shows, in order.
size_t stepsSeenInOrder(llvm::StringRef console, const std::vector<ExpectedStep> &steps);

} // namespace romfit::verify
