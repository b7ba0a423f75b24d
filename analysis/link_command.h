#pragma once
// The GNU ld command line as iPXE's build prints it, reduced to what decides
// which bytes the link keeps.  Options that cannot change that are accepted
// by name from an explicit list; anything else is an error, never ignored.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

namespace romfit::analysis {

// A `--defsym NAME=EXPRESSION`.  iPXE uses two shapes: an alias of another
// symbol (check_obj_intel=obj_intel) and a number (pci_vendor_id=0x8086).
struct SymbolDefinition {
  std::string name;
  std::string expression;
  std::optional<std::string> aliasOf;  // set when the expression is one symbol name
};

struct LinkCommand {
  std::string program;                 // "ld" when given, else empty
  std::string emulation;               // -m
  std::string directory;               // -C / --directory: where the command ran
  std::vector<std::string> scripts;    // -T, in order
  std::vector<std::string> undefinedSymbols;  // -u, in order
  std::optional<std::string> entry;    // -e
  std::vector<SymbolDefinition> symbolDefinitions;  // --defsym, in order
  std::vector<std::string> inputs;     // objects and archives, in order
  std::vector<std::string> libraryPaths;  // -L
  std::string output;                  // -o
  std::string mapFile;                 // -Map
  bool gcSections = false;
  bool emitRelocations = false;        // -q
  bool stripDebug = false;             // -S
  bool isStatic = false;
  std::vector<std::string> zKeywords;  // -z KEYWORD, recorded for reports

  // `path` as the linker saw it, resolved against `directory`.
  std::string resolve(const std::string &path) const;
};

// Parses the arguments after `--`.  The first may be the linker's name.
// A single argument holding a whole command line is split at white space,
// so a pasted `make V=1` line works quoted or not.
llvm::Expected<LinkCommand> parseLinkCommand(llvm::ArrayRef<std::string> arguments);

} // namespace romfit::analysis
