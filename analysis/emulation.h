#pragma once
// The ld emulations (-m) romfit understands: ELF class and machine.
#include <cstdint>
#include <string>

#include <llvm/Support/Error.h>

namespace romfit::analysis {

struct Emulation {
  std::string name;
  bool is64Bit;
  uint16_t machine;  // ELF e_machine every input must carry
};

// An unknown name is an error naming it and listing the known ones.
llvm::Expected<Emulation> findEmulation(llvm::StringRef name);
// For links without -m: the emulation matching an object's header.
llvm::Expected<Emulation> emulationForMachine(bool is64Bit, uint16_t machine);

} // namespace romfit::analysis
