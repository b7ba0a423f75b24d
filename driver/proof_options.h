#pragma once
// What romfit verify and romfit build share about the boot proof: the
// options that say how deep it goes and what it expects.
#include <vector>

#include "driver/arguments.h"
#include "verify/boot_check.h"

namespace romfit::driver {

// A CommandSpec's options with --depth, --boot-programs and --expect added.
std::vector<OptionSpec> withProofOptions(std::vector<OptionSpec> options);

// A request with those options applied (ROM, NIC and firmwares left to the caller).
llvm::Expected<verify::BootCheckRequest> proofRequestFrom(const ParsedArguments &arguments);

} // namespace romfit::driver
