#pragma once
// What a report needs from a linked ELF image: its allocated sections and
// the symbols in them, read with llvm::object.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

namespace romfit::analysis {

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
  // Where the section's bytes sit in the load image (objcopy -O binary
  // lays sections out by it); differs from `address` in real-mode code.
  uint64_t loadAddress = 0;
  uint64_t size = 0;
  bool hasContents = false;  // false for .bss-like sections
  llvm::ArrayRef<uint8_t> contents;  // into LinkedElf::buffer
  std::vector<LinkedSymbol> symbols;  // sorted by address
};

struct LinkedElf {
  std::shared_ptr<llvm::MemoryBuffer> buffer;
  std::vector<LinkedSection> sections;  // allocated ones only
  const LinkedSection *find(llvm::StringRef name) const;
};

// Errors name the file.
llvm::Expected<LinkedElf> readLinkedElf(llvm::StringRef path);

} // namespace romfit::analysis
