#pragma once
// GNU ld's symbol resolution and archive extraction: which objects enter the
// link, in which order, and which definition each global name binds to.
//
// Archives are searched as ld's elf_link_add_archive_symbols does: passes
// over the archive map in map order, extracting the member of any entry
// whose symbol is undefined (or common, when the member really defines it),
// repeated while an extraction added new undefined symbols.  An undefined
// weak reference extracts nothing; a strong definition beats a weak one.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/StringMap.h>

#include "analysis/elf_object.h"
#include "analysis/input_files.h"
#include "analysis/linker_script.h"

namespace romfit::analysis {

constexpr int32_t kCommandLine = -1;  // "referenced by" -u, -e or EXTERN

struct GlobalSymbol {
  enum class State : uint8_t {
    Undefined, UndefinedWeak, Defined, DefinedWeak, Common,
    LinkerDefined,  // by the script or --defsym
  };
  State state = State::Undefined;
  int32_t definingObject = -1;
  uint32_t symbolIndex = 0;      // in the defining object's symbol table
  uint64_t commonSize = 0;
  uint64_t commonAlignment = 1;
  int32_t firstReference = kCommandLine;  // object that first made it undefined
  bool isDefined() const {
    return state == State::Defined || state == State::DefinedWeak || state == State::Common;
  }
};

struct LoadedObject {
  uint32_t inputIndex;
  std::optional<uint32_t> memberIndex;  // set for archive members
  std::string displayName;              // "blib.a(intel.o)" as ld's map writes it
  ElfObject elf;
  // For archive members: what made ld extract it, as in the map.
  int32_t extractedFor = kCommandLine;
  std::string extractedBySymbol;
};

struct ResolvedLink {
  Emulation emulation;
  std::vector<LoadedObject> objects;   // in load order
  llvm::StringMap<GlobalSymbol> symbols;
};

llvm::Expected<ResolvedLink> resolveLink(const LinkCommand &command, const InputFiles &inputs,
                                         const LinkerScript &script);

} // namespace romfit::analysis
