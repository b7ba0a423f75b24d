#pragma once
// The two command lines `romfit efirom` takes, parsed: EDK2 EfiRom's and iPXE
// util/efirom's, with each tool's own rules, so a packaging script's EFIROM
// can point at romfit unchanged.
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

#include "rom/edk2_rom.h"
#include "rom/pci_rom_pack.h"

namespace romfit::driver {

struct Edk2CommandLine {
  pci::edk2::Layout layout;
  std::vector<pci::edk2::Input> inputs;
  std::string output;
  bool vendorGiven = false;
  bool dump = false;
  bool verbose = false;
};

// EfiRom's rules, kept: -l and -r set the value for the next file and, when
// the file before has none yet, for that one too; -i takes every following
// argument up to the next option.
llvm::Expected<Edk2CommandLine> parseEdk2(llvm::ArrayRef<std::string> arguments);

struct IpxeEfiromCommandLine {
  pci::EfiWrapOptions options;
  std::string input, output;
};

// iPXE's util/efirom: [-v VENDOR] [-d DEVICE] [-c] IN OUT, IDs in hex.
llvm::Expected<IpxeEfiromCommandLine> parseIpxeEfirom(llvm::ArrayRef<std::string> arguments);

// iPXE's form has two file names and only -v/-d/-c; anything of EfiRom's
// (-f, -i, -b, -e, -ec, -o, ...) or a lone -d FILE is EfiRom's.
bool looksLikeIpxe(llvm::ArrayRef<std::string> arguments);

} // namespace romfit::driver
