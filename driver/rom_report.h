#pragma once
// What inspect, unpack and pack share: reading a ROM file, and hex IDs and
// sizes from the command line.
#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "report/budget.h"
#include "compress/efi_compress.h"
#include "rom/pci_rom.h"
#include "driver/arguments.h"

namespace romfit::driver {

struct LoadedRom {
  std::string path;
  pci::Bytes bytes;
  pci::Rom rom;
};

// Errors name the file.
llvm::Expected<LoadedRom> loadRom(llvm::StringRef path);

// "8086" or "0x8086"; the error names the option.
llvm::Expected<uint32_t> parseHexOption(llvm::StringRef text, llvm::StringRef option, uint32_t max);
// "100e,10d3": PCI 3.0 device IDs.
llvm::Expected<std::vector<uint16_t>> parseDeviceList(llvm::StringRef text);

llvm::Expected<uint64_t> budgetOption(const ParsedArguments &arguments);
// --level fast|optimal (default optimal).
llvm::Expected<efi::EfiLevel> compressionLevelOption(const ParsedArguments &arguments);

} // namespace romfit::driver
