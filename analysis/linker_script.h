#pragma once
// What a GNU ld script says about input sections: where each one goes, which
// are KEEP (garbage-collection roots) and which are discarded.  Expressions,
// addresses and memory regions are skipped: they move bytes, never keep them.
#include <string>
#include <vector>

#include <llvm/ADT/StringMap.h>
#include <llvm/ADT/StringSet.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/GlobPattern.h>

namespace romfit::analysis {

enum class Placement : uint8_t {
  Orphan,     // no rule matches; ld places it and may collect it
  Placed,     // matched by an ordinary rule
  Kept,       // matched by a KEEP rule: a garbage-collection root
  Discarded,  // matched inside /DISCARD/
};

struct SectionRule {
  std::string outputSection;
  std::string filePattern;
  std::vector<std::string> sectionPatterns;
  bool keep = false;
  bool discard = false;
};

class LinkerScript {
public:
  static llvm::Expected<LinkerScript> parse(llvm::StringRef text, llvm::StringRef fileName);

  // The first rule in script order that matches decides, as in ld.
  Placement place(llvm::StringRef fileName, llvm::StringRef sectionName) const;
  // Appends another script's rules after this one's (several -T).
  void append(LinkerScript other);

  const std::vector<SectionRule> &rules() const { return sectionRules; }
  // Symbols assigned in the script; PROVIDEd ones only count when undefined.
  const llvm::StringSet<> &assignedSymbols() const { return assigned; }
  const llvm::StringSet<> &providedSymbols() const { return provided; }
  const std::vector<std::string> &externSymbols() const { return externs; }
  const std::string &entry() const { return entrySymbol; }

private:
  struct CompiledRule {
    llvm::Optional<llvm::GlobPattern> file;  // None: every file
    std::vector<llvm::GlobPattern> sections;
    Placement placement;
  };
  std::vector<SectionRule> sectionRules;
  std::vector<CompiledRule> compiled;
  llvm::StringSet<> assigned, provided;
  std::vector<std::string> externs;
  std::string entrySymbol;
  bool placesByNameOnly = true;              // every rule's file pattern is `*`
  mutable llvm::StringMap<Placement> cache;  // by section name, when placesByNameOnly

  llvm::Error compile();
};

} // namespace romfit::analysis
