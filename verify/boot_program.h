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

struct BootProgram {
  std::string fileName;       // as DHCP names it and TFTP serves it
  std::string package;        // Debian's
  std::string architecture;   // dpkg's, for `apt-get download PACKAGE:ARCH`
  std::string pathInPackage;  // below the root `dpkg-deb -x` unpacks into
  bool readsGrubConfig = false;
};
BootProgram bootProgramFor(Firmware firmware);

// Where scripts/fetch-boot-programs unpacks each package, as
// CACHE/PACKAGE/...: $ROMFIT_BOOT_PROGRAMS, else $XDG_CACHE_HOME/romfit/
// boot-programs, else $HOME/.cache/romfit/boot-programs.
std::string defaultBootProgramCache();

// The program's absolute path in the cache. The error names the program,
// the Debian package it comes from and how to fetch it.
llvm::Expected<std::string> locateBootProgram(const BootProgram &program,
                                              llvm::StringRef cacheDirectory);

// The grub.cfg romfit serves next to GRUB: it prints kGrubMarker, a line
// that appears nowhere in the file itself, so the marker on the console
// proves GRUB read and ran it.
extern const char kGrubMarker[];
std::string grubConfig();

// One thing the console must show. Steps are matched in order, each after
// the end of the one before, because iPXE-based boot programs print the same
// banner and address lines as the ROM's own iPXE did before them.
struct ExpectedStep {
  std::vector<std::string> anyOf;  // the step is seen when one of these is
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
