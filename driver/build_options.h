#pragma once
// romfit build's command line: its options and help, and the typed requests
// they make of the pipeline.
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "driver/arguments.h"
#include "pipeline/ipxe_build.h"
#include "pipeline/rom_proof.h"

namespace romfit::driver {

CommandSpec buildCommandSpec();

llvm::Expected<pipeline::BuildOptions> buildOptionsFrom(const ParsedArguments &arguments);

// --rom ID... or --rom-set qemu (QEMU's NIC ROMs), checked: the ROM IDs asked for.
llvm::Expected<std::vector<std::string>> requestedRomIds(const ParsedArguments &arguments);

// --verify, --reverify, --nic and the proof options of romfit verify.
llvm::Expected<pipeline::BuildProofRequest> buildProofRequestFrom(const ParsedArguments &arguments);

// The name a ROM goes by once built: QEMU's for --rom-set qemu, else ID.rom.
std::string shippedName(const ParsedArguments &arguments, const std::string &romId);

} // namespace romfit::driver
