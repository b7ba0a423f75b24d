#pragma once
// GNU ld's link map (-Map): where each input section landed. The linked ELF
// knows symbols and addresses but not which archive member a byte came
// from; the map says, and it is the linker's own account, so it cannot
// disagree with the link.
#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::analysis {

struct MappedInputSection {
  std::string outputSection;  // ".text"
  std::string name;           // ".text.intel_probe"
  uint64_t address = 0;
  uint64_t size = 0;
  std::string file;    // "/out/pruned.a(intel.o)"
  std::string member;  // "intel.o": the member of an archive, else the file's name
  // The script's input-section statement that placed it, as the map echoes
  // it ("*(.text.*)", "KEEP(*(SORT_BY_NAME(.tbl.*)))"); empty when none did.
  std::string statement;
};

struct LinkMap {
  std::vector<MappedInputSection> inputSections;  // non-empty ones, in map order
};

// Errors name the map and line.
llvm::Expected<LinkMap> parseLinkMap(llvm::StringRef text, llvm::StringRef mapPath);
llvm::Expected<LinkMap> readLinkMap(llvm::StringRef mapPath);

// "pruned.a(intel.o)" -> "intel.o"; "dir/stub.o" -> "stub.o".
std::string memberLabel(llvm::StringRef file);

} // namespace romfit::analysis
