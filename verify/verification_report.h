#pragma once
// A ROM's verdicts as people and scripts read them; romfit verify and romfit
// build print the same text and JSON.
#include <string>

#include <llvm/Support/JSON.h>

#include "verify/rom_verification.h"

namespace romfit::verify {

// One row per image: kind, firmware, verdict, seconds and why; a failed
// image adds the steps it did not see and the console's last lines.
std::string verificationText(const RomVerification &verification, size_t consoleTailLines = 15);

// "passed", "failed" or "not verified", with the counts behind it.
std::string verificationSummary(const RomVerification &verification);

llvm::json::Object verificationJson(const RomVerification &verification,
                                    size_t consoleTailLines = 15);

} // namespace romfit::verify
