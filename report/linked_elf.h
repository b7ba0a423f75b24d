#pragma once
// What a report needs from a linked ELF image: its allocated sections and
// the symbols in them, read with llvm::object.
#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::report {

struct LinkedSymbol {
  std::string name;
  uint64_t address = 0;
  uint64_t size = 0;  // 0 when the object did not say
  bool global = false;
  bool typed = false;  // a function or an object, not a bare label
};

struct LinkedSection {
  std::string name;
  uint64_t address = 0;
  uint64_t size = 0;
  bool hasContents = false;  // false for .bss-like sections
  std::vector<LinkedSymbol> symbols;  // sorted by address
};

struct LinkedElf {
  std::vector<LinkedSection> sections;  // allocated ones only
  const LinkedSection *find(llvm::StringRef name) const;
};

// Errors name the file.
llvm::Expected<LinkedElf> readLinkedElf(llvm::StringRef path);

} // namespace romfit::report
