#pragma once
// Rule sets: what romfit may drop from a link, as data. Each rule carries the
// reason it is safe, because a cut that is wrong links cleanly and fails only
// at boot. The format is documented in docs/rules.md.
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::prune {

struct StubRule {
  std::string symbol;  // defined by the generated stub object
  long long returnValue = -1;
};

struct CutRule {
  std::string cut;  // as `--cut` takes it: FROM->TO or SYMBOL
  std::vector<StubRule> stubs;
  std::string reason;
  std::string file;  // the rule set file the rule is written in (see `extends`)
  unsigned line = 0;
  // The symbol the cut takes away: TO, or the SYMBOL of `cut SYMBOL`.
  llvm::StringRef target() const;
};

// An assumption the rule set's cuts rest on, checked on the objects being
// linked before anything is cut: the objects are what ships, not the source
// or the configuration headers that made them.
struct Precondition {
  // `unreferenced SYMBOL`: no object in the link but the ones that define
  // SYMBOL has a relocation against it (whatever file the code is in).
  // `unreferenced SYMBOL in OBJECT...`: none of the named objects in the
  // link has one; an object not in the link references nothing.
  // `defined SYMBOL...`: some object in the link defines each SYMBOL: the
  // code the set's rules were read in is the code being linked.
  enum class Kind { Unreferenced, Defined };
  Kind kind = Kind::Unreferenced;
  std::string symbol;                // unreferenced
  std::vector<std::string> members;  // unreferenced: empty, every object but the definers
  std::vector<std::string> symbols;  // defined
  std::string reason;
  std::string file;
  unsigned line = 0;
  std::string text() const;  // as written after 'precondition'
};

enum class RequireRule { Keep, IntentOnly, TableConsumers };

// Under table-consumers, single entries of a driver table: `table-entries
// TABLE keep SYMBOL...` counts only the members that put one of these entries
// into TABLE as its feeders; `drop` counts every feeder but those whose
// entries in TABLE are all named. An entry is the symbol the member defines
// in its .tbl.TABLE.NN section (efi_snp_driver in net_drivers).
struct TableEntryRule {
  std::string table;
  bool keep = true;
  std::vector<std::string> entries;
  std::string reason;
  std::string file;
  unsigned line = 0;
};

struct RuleSet {
  std::string path;
  std::string description;
  std::vector<std::string> appliesTo;  // image kinds: "efi", "legacy"
  RequireRule require = RequireRule::Keep;
  std::string requireReason;
  // Under table-consumers: the iterated tables whose feeders a driver keeps.
  // Empty: every table live code iterates.
  std::vector<std::string> driverTables;
  std::string driverTablesReason;
  std::vector<TableEntryRule> tableEntries;
  std::vector<CutRule> cuts;
  std::vector<Precondition> preconditions;

  bool appliesToKind(llvm::StringRef kind) const;
};

// Errors name the file and line.
llvm::Expected<RuleSet> parseRuleSet(llvm::StringRef text, llvm::StringRef path);
llvm::Expected<RuleSet> loadRuleSet(llvm::StringRef path);

llvm::StringRef requireRuleName(RequireRule rule);

// What `--rules auto` chooses from, strongest first: the first whose
// preconditions hold on a link is used. Paths inside `rulesDirectory`.
std::vector<std::string> builtInRuleSets(llvm::StringRef rulesDirectory);
// The same for a driver that keeps iPXE's own boot path (a firmware with no
// network stack of its own): efi-netboot.rules, where its preconditions (iPXE's
// code) hold, else efi-full-ux.rules; never a set that cuts LoadFile.
std::vector<std::string> builtInOwnBootPathRuleSets(llvm::StringRef rulesDirectory);
// What --rules names the two choices by.
inline constexpr const char kAutoRules[] = "auto";
inline constexpr const char kAutoOwnBootPathRules[] = "auto-own-boot-path";

} // namespace romfit::prune
