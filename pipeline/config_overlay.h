#pragma once
// iPXE has one named configuration per tree (CONFIG=qemu), but its config
// headers are compiled once per architecture, so the preprocessor can make
// one configuration differ by architecture. romfit uses that where a
// firmware has no network stack of its own (RISC-V and LoongArch EDK2):
// CONFIG=qemu's EFI_DOWNGRADE_UX would make their drivers SNP-only, which
// gives such a firmware nothing to boot through, so for those
// architectures alone the overlay undoes it and the driver keeps iPXE's
// own boot path (LoadFile into autoboot). The overlay is iPXE's own local
// configuration file for the named configuration,
// config/local/CONFIG/general.h, which iPXE's config/general.h includes
// last and git ignores. iPXE's default configuration (no CONFIG) needs
// none: it keeps the boot path everywhere.
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "pipeline/ipxe_targets.h"

namespace romfit::pipeline {

// The file's text for these kinds' architectures (empty: no overlay).
std::string ownBootPathOverlay(const std::vector<ImageKind> &kinds);

// Where the overlay goes in SOURCEDIR for CONFIG.
std::string overlayPath(const std::string &sourceDir, const std::string &config);

// Writes the overlay when it differs (so a build with nothing changed
// touches nothing). A file there that romfit did not write (anything but
// empty, as iPXE's make creates it, or an earlier overlay of romfit's) is
// the user's: the error names it and the lines to add. Does nothing without
// a CONFIG, in a tree without config/local (not iPXE's layout), or when no
// kind needs it.
llvm::Error writeOwnBootPathOverlay(const std::string &sourceDir, const std::string &config,
                                    const std::vector<ImageKind> &kinds);

} // namespace romfit::pipeline
