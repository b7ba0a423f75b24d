#pragma once
// One relocatable ELF object reduced to what the link graph needs: its
// allocated sections, its symbols and the relocations of allocated sections.
// Names point into the input's mapped buffer, which must outlive this.
#include <cstdint>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBufferRef.h>

#include "analysis/emulation.h"

namespace romfit::analysis {

struct ElfRelocation {
  uint32_t symbolIndex;
  uint32_t type;
};

struct ElfSection {
  llvm::StringRef name;
  uint64_t size = 0;
  uint64_t alignment = 1;
  uint64_t flags = 0;
  uint32_t type = 0;
  uint32_t link = 0;
  std::vector<ElfRelocation> relocations;
  bool isAllocated() const;
};

enum class SymbolBinding : uint8_t { Local, Global, Weak };

struct ElfSymbol {
  llvm::StringRef name;
  uint64_t value = 0;
  uint64_t size = 0;
  uint32_t sectionIndex = 0;  // 0 undefined; SHN_ABS / SHN_COMMON as in ELF
  SymbolBinding binding = SymbolBinding::Local;
  uint8_t type = 0;           // STT_*
  bool isUndefined() const;
  bool isCommon() const;
  bool isAbsolute() const;
  bool isDefinedInSection() const;
  // AArch64's and Arm's mapping symbols ($x code, $d data, $a, $t, and
  // their "$x.N" forms) mark what a span of a section holds; they name
  // nothing a program refers to.
  bool isArmMappingSymbol() const;
};

struct ElfObject {
  std::vector<ElfSection> sections;  // indexed by ELF section index
  std::vector<ElfSymbol> symbols;    // indexed by symbol-table index
};

// Reads an object for `emulation`; errors say what is wrong, and the caller
// prefixes the file or member name.
llvm::Expected<ElfObject> readElfObject(llvm::MemoryBufferRef buffer, const Emulation &emulation);
// The class and machine in an ELF header, to pick an emulation when ld's
// command names none.
llvm::Expected<Emulation> emulationOfObject(llvm::MemoryBufferRef buffer);

} // namespace romfit::analysis
