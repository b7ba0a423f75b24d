#pragma once
// Proving a whole ROM: every image it carries gets a verdict of its own. The
// legacy image is booted under SeaBIOS and each EFI image under the UEFI
// firmware of its architecture (one boot per firmware: the firmware picks its
// own image out of the ROM). An image no firmware here can run (riscv64,
// loong64, ...) is "not verified", never a pass. A ROM passes when every image
// that could be checked passed and at least one was.
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

#include "verify/boot_check.h"

namespace romfit::verify {

struct ImagePlan {
  size_t index = 0;     // in the ROM's chain
  uint64_t offset = 0;  // in the file
  std::string kind;     // "legacy", "efi:x86_64", ...
  std::optional<Firmware> firmware;
  std::string notVerifiedReason;  // when no firmware runs it here
};

// Errors: a file that is not a PCI expansion ROM, or an EFI image of a
// machine type romfit does not know, named with its offset.
llvm::Expected<std::vector<ImagePlan>> planRomVerification(llvm::ArrayRef<uint8_t> rom,
                                                           llvm::StringRef path);
llvm::Expected<std::vector<ImagePlan>> planRomVerification(llvm::StringRef path);

enum class ImageStatus { Passed, Failed, NotVerified };
llvm::StringRef imageStatusName(ImageStatus status);  // "passed", "failed", "not verified"

struct ImageVerdict {
  ImagePlan plan;
  ImageStatus status = ImageStatus::NotVerified;
  std::string reason;  // failed: what stopped the boot; not verified: why not
  std::optional<FirmwareBootResult> boot;
};

struct RomVerification {
  std::string romPath;
  std::vector<ImageVerdict> images;
  bool passed() const;       // no failure, and something passed
  bool anyFailed() const;
};

// The firmwares a plan needs, each once, in the order of firmwareTable().
std::vector<Firmware> firmwaresNeeded(const std::vector<ImagePlan> &plan);
// Those of them in `selection` (romfit verify --firmware), in the plan's order.
std::vector<Firmware> firmwaresNeededAmong(const std::vector<ImagePlan> &plan,
                                           const std::vector<Firmware> &selection);

// Boots what `tools` can boot. An image whose firmware is missing from
// `tools` (not installed, or not selected) is not verified, with
// `missingReasons`' sentence for that firmware when there is one.
struct MissingFirmware {
  Firmware firmware;
  std::string reason;
};
llvm::Expected<RomVerification> verifyRom(
    const BootTools &tools, const BootCheckRequest &request, const std::vector<ImagePlan> &plan,
    llvm::ArrayRef<MissingFirmware> missingReasons = {},
    support::ProcessRunner &runner = support::systemProcessRunner());

// Locates each firmware, and at full depth (without expected lines of the
// caller's) its boot program in the request's cache; one that is missing
// becomes a MissingFirmware instead of an error (romfit build verifies what
// it can).
BootTools locateAvailableTools(const BootToolOptions &options, llvm::ArrayRef<Firmware> firmwares,
                               const BootCheckRequest &request,
                               std::vector<MissingFirmware> &missing);

} // namespace romfit::verify
