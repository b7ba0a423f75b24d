#include "analysis/emulation.h"

#include <llvm/BinaryFormat/ELF.h>

#include "support/error.h"

namespace romfit::analysis {

namespace {
// Every emulation iPXE's arch Makefiles pass, plus the common aliases.
const Emulation kEmulations[] = {
    {"elf_x86_64", true, llvm::ELF::EM_X86_64},
    {"elf_i386", false, llvm::ELF::EM_386},
    {"elf_i386_fbsd", false, llvm::ELF::EM_386},
    {"elf_i386_obsd", false, llvm::ELF::EM_386},
    {"elf64lriscv", true, llvm::ELF::EM_RISCV},
    {"elf32lriscv", false, llvm::ELF::EM_RISCV},
    {"aarch64elf", true, llvm::ELF::EM_AARCH64},
    {"aarch64linux", true, llvm::ELF::EM_AARCH64},
    {"armelf", false, llvm::ELF::EM_ARM},
    {"armelf_linux_eabi", false, llvm::ELF::EM_ARM},
    {"elf64loongarch", true, 258 /* EM_LOONGARCH, newer than LLVM 14 */},
};
} // namespace

llvm::Expected<Emulation> findEmulation(llvm::StringRef name) {
  std::string known;
  for (const Emulation &emulation : kEmulations) {
    if (name == emulation.name)
      return emulation;
    known += (known.empty() ? "" : ", ") + emulation.name;
  }
  return makeError("unknown ld emulation '-m {}' (romfit knows {})", name.str(), known);
}

llvm::Expected<Emulation> emulationForMachine(bool is64Bit, uint16_t machine) {
  for (const Emulation &emulation : kEmulations)
    if (emulation.is64Bit == is64Bit && emulation.machine == machine)
      return emulation;
  return makeError("no ld emulation for ELF{} machine {}", is64Bit ? 64 : 32, machine);
}

} // namespace romfit::analysis
