#include "prune/rule_set.h"

#include <initializer_list>

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/Path.h>

#include "support/error.h"
#include "support/file_io.h"
#include "support/text.h"

namespace romfit::prune {

bool RuleSet::appliesToKind(llvm::StringRef kind) const {
  for (const std::string &candidate : appliesTo)
    if (candidate == kind)
      return true;
  return false;
}

llvm::StringRef CutRule::target() const {
  llvm::StringRef to = llvm::StringRef(cut).rsplit("->").second;
  return to.empty() ? llvm::StringRef(cut) : to;
}

std::string Precondition::text() const {
  if (kind == Kind::Defined)
    return "defined " + llvm::join(symbols, " ");
  return "unreferenced " + symbol + (members.empty() ? "" : " in " + llvm::join(members, " "));
}

static std::vector<std::string> pathsIn(llvm::StringRef directory,
                                        std::initializer_list<const char *> names) {
  std::vector<std::string> paths;
  for (const char *name : names)
    paths.push_back((directory + "/" + name).str());
  return paths;
}

std::vector<std::string> builtInRuleSets(llvm::StringRef rulesDirectory) {
  // Strongest first. efi-snp-only is efi-downgrade-ux plus cuts read in
  // iPXE's code, so it holds only where that code is linked; efi-downgrade-ux
  // cuts the LoadFile path, so its preconditions fail on drivers that keep
  // iPXE's boot stack.
  return pathsIn(rulesDirectory, {"efi-snp-only.rules", "efi-downgrade-ux.rules",
                                  "efi-full-ux.rules"});
}

std::vector<std::string> builtInOwnBootPathRuleSets(llvm::StringRef rulesDirectory) {
  return pathsIn(rulesDirectory, {"efi-netboot.rules", "efi-full-ux.rules"});
}

llvm::StringRef requireRuleName(RequireRule rule) {
  switch (rule) {
  case RequireRule::Keep: return "keep";
  case RequireRule::IntentOnly: return "intent-only";
  case RequireRule::TableConsumers: return "table-consumers";
  }
  return "?";
}

namespace {

// A rule set may extend another (`extends FILE`), which may extend another:
// a short chain, never a cycle.
constexpr unsigned kMaxExtendsDepth = 4;

llvm::Expected<RuleSet> parseRuleSetAt(llvm::StringRef text, llvm::StringRef path,
                                       unsigned depth);

llvm::Expected<RuleSet> loadRuleSetAt(llvm::StringRef path, unsigned depth) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  return parseRuleSetAt((*buffer)->getBuffer(), path, depth);
}

class Parser {
public:
  Parser(llvm::StringRef path, unsigned depth) : depth(depth) { rules.path = path.str(); }

  llvm::Error line(llvm::StringRef text, unsigned number) {
    current = number;
    llvm::StringRef content = text.split('#').first.rtrim();
    if (content.trim().empty())
      return llvm::Error::success();
    bool indented = content.front() == ' ' || content.front() == '\t';
    content = content.trim();
    if (indented) {
      if (!content.consume_front("why:"))
        return error("an indented line must start with 'why:'");
      if (!reasonTarget)
        return error("'why:' must follow a rule");
      if (!reasonTarget->empty())
        *reasonTarget += ' ';
      *reasonTarget += content.trim().str();
      return llvm::Error::success();
    }
    if (llvm::Error error = finishRule())
      return error;
    llvm::SmallVector<llvm::StringRef, 8> words;
    content.split(words, ' ', -1, /*KeepEmpty=*/false);
    llvm::StringRef keyword = words.front();
    if (keyword == "extends")
      return extend(words);
    sawRule = true;
    if (keyword == "description") {
      rules.description = content.drop_front(keyword.size()).trim().str();
      reasonTarget = nullptr;
      return llvm::Error::success();
    }
    if (keyword == "applies-to") {
      rules.appliesTo.clear();  // an extending set says its own
      for (llvm::StringRef kind : llvm::ArrayRef<llvm::StringRef>(words).drop_front()) {
        if (kind != "efi" && kind != "legacy")
          return error("unknown image kind '{}' (efi or legacy)", kind.str());
        rules.appliesTo.push_back(kind.str());
      }
      reasonTarget = nullptr;
      return llvm::Error::success();
    }
    if (keyword == "require-policy") {
      if (words.size() != 2)
        return error("require-policy takes one of keep, intent-only, table-consumers");
      if (words[1] == "keep")
        rules.require = RequireRule::Keep;
      else if (words[1] == "intent-only")
        rules.require = RequireRule::IntentOnly;
      else if (words[1] == "table-consumers")
        rules.require = RequireRule::TableConsumers;
      else
        return error("unknown require-policy '{}' (keep, intent-only, table-consumers)",
                     words[1].str());
      reasonTarget = &rules.requireReason;
      pendingReasonLine = number;
      return llvm::Error::success();
    }
    if (keyword == "driver-tables") {
      if (words.size() < 2)
        return error("driver-tables needs at least one table name");
      rules.driverTables.clear();  // an extending set says its own
      for (llvm::StringRef table : llvm::ArrayRef<llvm::StringRef>(words).drop_front())
        rules.driverTables.push_back(table.str());
      reasonTarget = &rules.driverTablesReason;
      pendingReasonLine = number;
      return llvm::Error::success();
    }
    if (keyword == "table-entries") {
      if (words.size() < 4 || (words[2] != "keep" && words[2] != "drop"))
        return error("table-entries takes 'TABLE keep|drop SYMBOL...'");
      TableEntryRule rule;
      rule.table = words[1].str();
      rule.keep = words[2] == "keep";
      for (size_t i = 3; i < words.size(); ++i)
        rule.entries.push_back(words[i].str());
      rule.file = rules.path;
      rule.line = number;
      for (const TableEntryRule &earlier : rules.tableEntries)
        if (earlier.table == rule.table && earlier.keep != rule.keep)
          return error("table {} already has a '{}' rule (line {}): one table keeps or drops, "
                       "not both",
                       rule.table, earlier.keep ? "keep" : "drop", earlier.line);
      rules.tableEntries.push_back(std::move(rule));
      reasonTarget = &rules.tableEntries.back().reason;
      pendingReasonLine = number;
      return llvm::Error::success();
    }
    if (keyword == "precondition") {
      Precondition precondition;
      if (words.size() >= 3 && words[1] == "defined") {
        precondition.kind = Precondition::Kind::Defined;
        for (size_t i = 2; i < words.size(); ++i)
          precondition.symbols.push_back(words[i].str());
      } else {
        if (words.size() < 3 || words[1] != "unreferenced" || words.size() == 4 ||
            (words.size() > 4 && words[3] != "in"))
          return error("precondition takes 'unreferenced SYMBOL [in OBJECT...]' or "
                       "'defined SYMBOL...'");
        precondition.symbol = words[2].str();
        for (size_t i = 4; i < words.size(); ++i)
          precondition.members.push_back(words[i].str());
      }
      precondition.file = rules.path;
      precondition.line = number;
      rules.preconditions.push_back(std::move(precondition));
      reasonTarget = &rules.preconditions.back().reason;
      pendingReasonLine = number;
      return llvm::Error::success();
    }
    if (keyword == "cut") {
      if (words.size() < 2)
        return error("cut needs FROM->TO or SYMBOL");
      CutRule cut;
      cut.cut = words[1].str();
      cut.file = rules.path;
      cut.line = number;
      for (size_t i = 2; i < words.size(); ++i) {
        if (words[i] != "stub" || i + 1 >= words.size())
          return error("after the cut only 'stub SYMBOL=VALUE' may follow, not '{}'",
                       words[i].str());
        auto [symbol, value] = words[++i].split('=');
        StubRule stub{symbol.str(), -1};
        if (symbol.empty() || (!value.empty() && value.getAsInteger(0, stub.returnValue)))
          return error("stub needs SYMBOL or SYMBOL=INTEGER, not '{}'", words[i].str());
        cut.stubs.push_back(stub);
      }
      rules.cuts.push_back(std::move(cut));
      reasonTarget = &rules.cuts.back().reason;
      pendingReasonLine = number;
      return llvm::Error::success();
    }
    return error("unknown rule '{}' (extends, description, applies-to, precondition, "
                 "require-policy, driver-tables, table-entries, cut)",
                 keyword.str());
  }

  // Every rule must say why it is safe.
  llvm::Error finishRule() {
    if (reasonTarget && reasonTarget->empty() && pendingReasonLine) {
      current = pendingReasonLine;
      return error("this rule has no 'why:' line; every rule must give its reason");
    }
    reasonTarget = nullptr;
    pendingReasonLine = 0;
    return llvm::Error::success();
  }

  RuleSet rules;

private:
  // `extends FILE`: every rule of FILE (beside this one, unless absolute)
  // holds here too, each still naming the file and line it is written in;
  // the rules after it add to them.
  llvm::Error extend(llvm::ArrayRef<llvm::StringRef> words) {
    if (words.size() != 2)
      return error("extends takes one rule set file");
    if (sawRule)
      return error("extends must come before every other rule");
    if (depth + 1 >= kMaxExtendsDepth)
      return error("extends nests more than {} rule sets deep", kMaxExtendsDepth);
    llvm::SmallString<256> base(words[1]);
    if (!llvm::sys::path::is_absolute(base)) {
      base = llvm::sys::path::parent_path(rules.path);
      llvm::sys::path::append(base, words[1]);
    }
    auto inherited = loadRuleSetAt(base, depth + 1);
    if (!inherited)
      return withContext(inherited.takeError(),
                         fmt::format("{}:{}: extends {}", rules.path, current, words[1].str()));
    std::string path = std::move(rules.path);
    rules = std::move(*inherited);
    rules.path = std::move(path);
    sawRule = true;
    reasonTarget = nullptr;
    return llvm::Error::success();
  }

  template <typename... Args>
  llvm::Error error(fmt::format_string<Args...> format, Args &&...args) {
    return makeError("{}:{}: {}", rules.path, current,
                     fmt::format(format, std::forward<Args>(args)...));
  }

  unsigned depth = 0;
  bool sawRule = false;
  unsigned current = 0;
  unsigned pendingReasonLine = 0;
  std::string *reasonTarget = nullptr;
};

llvm::Expected<RuleSet> parseRuleSetAt(llvm::StringRef text, llvm::StringRef path,
                                       unsigned depth) {
  Parser parser(path, depth);
  llvm::SmallVector<llvm::StringRef, 0> lines;
  text.split(lines, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    if (auto bad = firstNonTextByte(lines[i], /*isWholeFile=*/true))
      return makeError("{}:{}: byte {:#04x} at column {} is not text", path.str(), i + 1,
                       uint8_t(lines[i][*bad]), *bad + 1);
    if (llvm::Error error = parser.line(lines[i], unsigned(i + 1)))
      return error;
  }
  if (llvm::Error error = parser.finishRule())
    return error;
  // Entry rules narrow table-consumers' tables; under any other policy they
  // would silently do nothing.
  if (!parser.rules.tableEntries.empty() && parser.rules.require != RequireRule::TableConsumers)
    return makeError("{}:{}: table-entries needs 'require-policy table-consumers'",
                     parser.rules.tableEntries.front().file,
                     parser.rules.tableEntries.front().line);
  if (parser.rules.appliesTo.empty())
    parser.rules.appliesTo = {"efi"};
  return std::move(parser.rules);
}

} // namespace

llvm::Expected<RuleSet> parseRuleSet(llvm::StringRef text, llvm::StringRef path) {
  return parseRuleSetAt(text, path, 0);
}

llvm::Expected<RuleSet> loadRuleSet(llvm::StringRef path) { return loadRuleSetAt(path, 0); }

} // namespace romfit::prune
