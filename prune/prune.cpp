#include "prune/prune.h"

#include <map>
#include <set>

#include <llvm/ADT/StringExtras.h>
#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Support/Path.h>

#include "support/error.h"

namespace romfit::prune {

using support::Argv;
using support::joinCommand;

using namespace analysis;

Argv withDefinitions(const Argv &link, const std::vector<std::string> &symbols) {
  Argv extended = link;
  for (const std::string &symbol : symbols)
    extended.insert(extended.end(), {"--defsym", symbol + "=0"});
  return extended;
}

namespace {

llvm::Expected<std::unique_ptr<LinkAnalysis>> analyse(const Argv &link, llvm::StringRef directory) {
  auto command = parseLinkCommand(llvm::ArrayRef<std::string>(link));
  if (!command)
    return command.takeError();
  command->directory = directory.str();
  return analyseLink(std::move(*command));
}

// The archive's name for a member (intel.o), or a plain object's file name.
llvm::StringRef memberFileName(const LinkAnalysis &analysis, const LoadedObject &object) {
  const InputFile &file = analysis.inputs->files[object.inputIndex];
  if (object.memberIndex)
    return llvm::sys::path::filename(file.members[*object.memberIndex].name);
  return llvm::sys::path::filename(file.path);
}

// iPXE's config objects (config.o, config_efi.o, config_pci.o, ...) REQUIRE
// what the full iPXE binary is configured to contain.
bool isConfigObject(const LinkAnalysis &analysis, const LoadedObject &object) {
  llvm::StringRef name = memberFileName(analysis, object);
  return name.startswith("config") && name.endswith(".o");
}

uint64_t keptBytesOf(const LinkAnalysis &analysis, int32_t object) {
  uint64_t bytes = 0;
  for (NodeId node : analysis.graph.sectionNodes[object])
    if (node != kNoNode && (analysis.graph.nodes[node].flags & 2 /*SHF_ALLOC*/) &&
        analysis.linker.isLive(node))
      bytes += analysis.graph.nodes[node].size;
  return bytes;
}

uint64_t keptBytes(const LinkAnalysis &analysis) {
  uint64_t bytes = 0;
  for (size_t object = 0; object < analysis.link.objects.size(); ++object)
    bytes += keptBytesOf(analysis, int32_t(object));
  return bytes;
}

size_t archiveMembers(const LinkAnalysis &analysis) {
  size_t count = 0;
  for (const LoadedObject &object : analysis.link.objects)
    count += object.memberIndex.has_value();
  return count;
}

// The tables an object puts entries into, each with the entries: the named
// symbols it defines in its .tbl.TABLE.NN sections.
std::map<std::string, std::set<std::string>> tableEntriesOf(const LinkAnalysis &analysis,
                                                             int32_t object) {
  std::map<std::string, std::set<std::string>> tables;
  const std::vector<NodeId> &sections = analysis.graph.sectionNodes[object];
  for (NodeId section : sections) {
    if (section == kNoNode)
      continue;
    const Node &node = analysis.graph.nodes[section];
    if (node.isTableEntry())
      tables[analysis.graph.nodes[node.table].name.str()];
  }
  for (const ElfSymbol &symbol : analysis.link.objects[object].elf.symbols) {
    if (symbol.name.empty() || !symbol.isDefinedInSection() || symbol.type == llvm::ELF::STT_SECTION ||
        symbol.isArmMappingSymbol() || symbol.sectionIndex >= sections.size() ||
        sections[symbol.sectionIndex] == kNoNode)
      continue;
    const Node &node = analysis.graph.nodes[sections[symbol.sectionIndex]];
    if (node.isTableEntry())
      tables[analysis.graph.nodes[node.table].name.str()].insert(symbol.name.str());
  }
  return tables;
}

// OBJECT's definition of NAME in one of its sections, local or global.
const ElfSymbol *definitionIn(const LoadedObject &object, llvm::StringRef name) {
  auto found = llvm::find_if(object.elf.symbols, [&](const ElfSymbol &symbol) {
    return symbol.name == name && symbol.isDefinedInSection();
  });
  return found == object.elf.symbols.end() ? nullptr : &*found;
}

} // namespace

std::vector<PreconditionCheck> checkPreconditions(const LinkAnalysis &analysis,
                                                  const RuleSet &rules) {
  std::vector<PreconditionCheck> checks;
  for (const Precondition &precondition : rules.preconditions) {
    PreconditionCheck check{precondition, true, ""};
    if (precondition.kind == Precondition::Kind::Defined) {
      std::vector<std::string> found, missing;
      for (const std::string &wanted : precondition.symbols) {
        std::string definer;
        for (const LoadedObject &object : analysis.link.objects)
          if (definitionIn(object, wanted)) {
            definer = memberFileName(analysis, object).str();
            break;
          }
        if (definer.empty())
          missing.push_back(wanted);
        else
          found.push_back(fmt::format("{} in {}", wanted, definer));
      }
      check.held = missing.empty();
      check.evidence = check.held ? "defined: " + llvm::join(found, ", ")
                                  : "no object in the link defines " + llvm::join(missing, ", ");
      checks.push_back(std::move(check));
      continue;
    }
    std::vector<std::string> searched, referencing, definers;
    for (const LoadedObject &object : analysis.link.objects) {
      llvm::StringRef member = memberFileName(analysis, object);
      if (precondition.members.empty()) {
        // Every object but the ones that define the symbol: the check does
        // not depend on which file the code that would use it is in.
        if (definitionIn(object, precondition.symbol)) {
          definers.push_back(member.str());
          continue;
        }
      } else if (!llvm::is_contained(precondition.members, member)) {
        continue;
      }
      searched.push_back(member.str());
      size_t count = 0;
      std::set<std::string> sections;
      for (const auto &section : object.elf.sections)
        for (const auto &relocation : section.relocations)
          if (relocation.symbolIndex < object.elf.symbols.size() &&
              object.elf.symbols[relocation.symbolIndex].name == precondition.symbol) {
            ++count;
            sections.insert(section.name.str());
          }
      if (count)
        referencing.push_back(fmt::format("{} has {} relocation{} against it (in {})",
                                          member.str(), count, count == 1 ? "" : "s",
                                          llvm::join(sections, ", ")));
    }
    if (!referencing.empty()) {
      check.held = false;
      check.evidence = llvm::join(referencing, "; ");
    } else if (searched.empty()) {
      check.evidence = "none of the named objects is in the link";
    } else if (precondition.members.empty()) {
      check.evidence = fmt::format("no relocation against it outside {}",
                                   definers.empty() ? "any object" : llvm::join(definers, ", "));
    } else {
      check.evidence = fmt::format("no relocation against it in {}", llvm::join(searched, ", "));
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

static std::string failedPrecondition(const RuleSet &rules, const PreconditionCheck &check) {
  return fmt::format("{}:{}: precondition '{}' does not hold: {}", check.precondition.file,
                     check.precondition.line, check.precondition.text(), check.evidence);
}

// Cuts must name symbols the link has, and each cut's target needs a stub,
// or the relink would leave the reference undefined. The stubs are collected.
static llvm::Error checkCuts(const LinkAnalysis &original, const RuleSet &rules,
                             PruneDecision &decision) {
  for (const CutRule &cut : rules.cuts) {
    auto parsed = parseCut(original.graph, cut.cut);
    if (!parsed)
      return withContext(parsed.takeError(), fmt::format("{}:{}", cut.file, cut.line));
    llvm::StringRef target = cut.target();
    bool stubbed = llvm::any_of(cut.stubs, [&](const StubRule &s) { return s.symbol == target; });
    if (!stubbed)
      return makeError("{}:{}: cut '{}' leaves '{}' undefined in the relink; add 'stub {}' to "
                       "the rule",
                       cut.file, cut.line, cut.cut, target.str(), target.str());
    decision.stubs.functions.insert(decision.stubs.functions.end(), cut.stubs.begin(),
                                    cut.stubs.end());
  }
  return llvm::Error::success();
}

// Which archive the relink replaces: the one the link extracts from.
static llvm::Expected<std::string> prunedArchiveOf(const LinkAnalysis &original) {
  for (const LoadedObject &object : original.link.objects)
    if (object.memberIndex)
      return original.inputs->files[object.inputIndex].path;
  return makeError("the link extracts nothing from an archive; there is nothing to prune");
}

// Config objects' REQUIREs are what the rule set may drop: symbol, config member.
static std::vector<std::pair<std::string, std::string>>
configRequiresOf(const LinkAnalysis &original) {
  std::vector<std::pair<std::string, std::string>> configRequires;
  std::set<std::string> seen;
  const LinkGraph &graph = original.graph;
  for (size_t object = 0; object < original.link.objects.size(); ++object) {
    const LoadedObject &requirer = original.link.objects[object];
    if (!isConfigObject(original, requirer))
      continue;
    for (const Edge &edge : graph.outEdges(graph.objectNodes[object]))
      if (edge.kind == EdgeKind::Require && seen.insert(edge.symbol.str()).second)
        configRequires.emplace_back(edge.symbol.str(), memberFileName(original, requirer).str());
  }
  return configRequires;
}

namespace {

// A member of the full link that feeds a table, with the obj_ symbol that
// makes ld extract it (what a REQUIRE_OBJECT names).
struct Feeder {
  std::string member, symbol;
  std::map<std::string, std::set<std::string>> tables;
  uint64_t bytes = 0;
};

struct TableFeeders {
  std::vector<Feeder> feeders;
  std::map<std::string, std::set<std::string>> entriesInLink;  // table -> every entry
};

// Per table with entry rules: keep or drop, and every entry named.
class EntryFilters {
public:
  explicit EntryFilters(const RuleSet &rules) {
    for (const TableEntryRule &rule : rules.tableEntries) {
      Filter &filter = filters[rule.table];
      filter.keep = rule.keep;  // the parser refuses keep and drop on one table
      filter.named.insert(rule.entries.begin(), rule.entries.end());
    }
  }
  // Whether a feeder's entries in `table` count, under the entry rules:
  // with `keep`, only a named entry does; with `drop`, any entry not named.
  bool count(const std::string &table, const std::set<std::string> &entries) const {
    auto filter = filters.find(table);
    if (filter == filters.end())
      return true;
    auto isNamed = [&](const std::string &entry) { return filter->second.named.count(entry) != 0; };
    if (filter->second.keep)
      return llvm::any_of(entries, isNamed);
    return entries.empty() || !llvm::all_of(entries, isNamed);
  }

private:
  struct Filter { bool keep = true; std::set<std::string> named; };
  std::map<std::string, Filter> filters;
};

// obj_ symbol -> the table that justified keeping it, and its feeder.
using KeptMembers = std::map<std::string, std::pair<std::string, const Feeder *>>;

} // namespace

static TableFeeders tableFeedersOf(const LinkAnalysis &original) {
  TableFeeders found;
  for (size_t object = 0; object < original.link.objects.size(); ++object) {
    const LoadedObject &loaded = original.link.objects[object];
    if (!loaded.memberIndex)
      continue;
    auto tables = tableEntriesOf(original, int32_t(object));
    for (const auto &[table, entries] : tables)
      found.entriesInLink[table].insert(entries.begin(), entries.end());
    if (tables.empty())
      continue;
    std::string provided;
    for (const auto &entry : original.link.symbols)
      if (entry.getKey().startswith("obj_") && entry.getValue().definingObject == int32_t(object) &&
          entry.getValue().state == GlobalSymbol::State::Defined)
        provided = entry.getKey().str();
    if (!provided.empty())
      found.feeders.push_back({memberFileName(original, loaded).str(), provided, std::move(tables),
                               keptBytesOf(original, int32_t(object))});
  }
  return found;
}

// Entry rules name entries the full link has, or they would silently match
// nothing (a typo keeps or drops nothing).
static llvm::Error checkEntryRules(const RuleSet &rules, const TableFeeders &found) {
  for (const TableEntryRule &rule : rules.tableEntries) {
    auto inLink = found.entriesInLink.find(rule.table);
    for (const std::string &entry : rule.entries)
      if (inLink == found.entriesInLink.end() || !inLink->second.count(entry))
        return makeError("{}:{}: no member of this link puts an entry '{}' into table {}{}",
                         rule.file, rule.line, entry, rule.table,
                         inLink == found.entriesInLink.end() || inLink->second.empty()
                             ? " (the link has no such table)"
                             : fmt::format(" (it has: {})", llvm::join(inLink->second, ", ")));
  }
  return llvm::Error::success();
}

// Drop config's REQUIREs (unless the policy keeps them), then keep back,
// until nothing changes, each member of the full link that the pruned link
// lacks and that feeds a driver table the pruned link iterates. A kept
// member is REQUIREd from the stub object, as config would have. Returns the
// last modelled link; `kept` and the decision's iteration count are filled.
static llvm::Expected<std::unique_ptr<LinkAnalysis>>
modelPrunedLink(const Argv &link, llvm::StringRef directory, const RuleSet &rules,
                const std::vector<std::pair<std::string, std::string>> &configRequires,
                const TableFeeders &found, PruneDecision &decision, KeptMembers &kept) {
  EntryFilters entryFilters(rules);
  auto countsAsDriverTable = [&](const std::string &table) {
    return rules.driverTables.empty() || llvm::is_contained(rules.driverTables, table);
  };
  std::unique_ptr<LinkAnalysis> current;
  for (;;) {
    ++decision.iterations;
    std::vector<std::string> defined;
    for (const StubRule &stub : decision.stubs.functions)
      defined.push_back(stub.symbol);
    if (rules.require != RequireRule::Keep)
      for (const auto &[symbol, requirer] : configRequires)
        if (!kept.count(symbol))
          defined.push_back(symbol);
    Argv modelled = withDefinitions(link, defined);
    for (const auto &member : kept)
      modelled.insert(modelled.end(), {"-u", member.first});
    auto pruned = analyse(modelled, directory);
    if (!pruned)
      return pruned.takeError();
    current = std::move(*pruned);
    if (rules.require != RequireRule::TableConsumers)
      return current;
    // The modelled link is ld's own: every member it extracts is linked.
    Liveness live = current->reachable(ViewOptions{});
    std::set<std::string> loaded;
    for (const LoadedObject &object : current->link.objects)
      if (object.memberIndex)
        loaded.insert(memberFileName(*current, object).str());
    bool changed = false;
    for (const Feeder &feeder : found.feeders) {
      if (loaded.count(feeder.member) || kept.count(feeder.symbol))
        continue;
      for (const auto &[table, entries] : feeder.tables) {
        auto node = current->graph.tableNodes.find(table);
        if (countsAsDriverTable(table) && entryFilters.count(table, entries) &&
            node != current->graph.tableNodes.end() && live.isLive(node->second)) {
          kept[feeder.symbol] = {table, &feeder};
          changed = true;
          break;
        }
      }
    }
    if (!changed)
      return current;
  }
}

// A cut works by its target's defining member leaving the link, so that the
// stub stands in for it; a target the relink still defines (a member kept
// for another reason, or a local symbol of one) would be cut in the model
// but not in the ROM.
static llvm::Error checkCutsTakeEffect(const LinkAnalysis &current, const RuleSet &rules) {
  for (const CutRule &cut : rules.cuts) {
    for (const LoadedObject &object : current.link.objects) {
      if (!object.memberIndex)
        continue;
      if (const ElfSymbol *definition = definitionIn(object, cut.target()))
        return makeError("{}:{}: cut '{}' would remove nothing: {} still defines {}'{}' and "
                         "the relink keeps it (a cut takes effect only when its target's "
                         "member leaves the link)",
                         cut.file, cut.line, cut.cut, memberFileName(current, object).str(),
                         definition->binding == SymbolBinding::Local ? "the local symbol " : "",
                         cut.target().str());
    }
  }
  return llvm::Error::success();
}

// What the decision records: the REQUIREs dropped and kept, the members the
// relink links, and those it removed, largest first.
static void recordOutcome(const LinkAnalysis &original, const LinkAnalysis &current,
                          const RuleSet &rules,
                          const std::vector<std::pair<std::string, std::string>> &configRequires,
                          const KeptMembers &kept, PruneDecision &decision) {
  for (const auto &[symbol, requirer] : configRequires)
    if (rules.require != RequireRule::Keep && !kept.count(symbol)) {
      decision.droppedRequires.push_back({symbol, requirer});
      decision.stubs.absentSymbols.push_back(symbol);
    }
  for (const auto &[symbol, why] : kept) {
    const std::set<std::string> &entries = why.second->tables.at(why.first);
    decision.keptRequires.push_back({symbol, why.first,
                                     std::vector<std::string>(entries.begin(), entries.end()),
                                     why.second->bytes});
    decision.stubs.requiredSymbols.push_back(symbol);
  }
  for (const LoadedObject &object : current.link.objects)
    if (object.memberIndex)
      decision.members.push_back(
          {memberFileName(current, object).str(), *object.memberIndex,
           current.inputs->files[object.inputIndex].members[*object.memberIndex].buffer});
  llvm::sort(decision.members, [](const PrunedMember &a, const PrunedMember &b) {
    return a.archiveIndex < b.archiveIndex;
  });
  decision.bytesAfter = keptBytes(current);
  std::set<std::string> linked;
  for (const PrunedMember &member : decision.members)
    linked.insert(member.name);
  for (size_t object = 0; object < original.link.objects.size(); ++object) {
    const LoadedObject &loaded = original.link.objects[object];
    if (loaded.memberIndex && !linked.count(memberFileName(original, loaded).str()))
      decision.removed.push_back(
          {memberFileName(original, loaded).str(), keptBytesOf(original, int32_t(object))});
  }
  llvm::stable_sort(decision.removed, [](const auto &a, const auto &b) { return a.bytes > b.bytes; });
}

// The decision on a link already analysed (`original`), so choosing a rule
// set and pruning under it read the archive once.
static llvm::Expected<PruneDecision> decideOn(const LinkAnalysis &original, const Argv &link,
                                              llvm::StringRef directory, const RuleSet &rules) {
  PruneDecision decision;
  // Nothing is cut on an assumption the objects contradict.
  decision.preconditions = checkPreconditions(original, rules);
  for (const PreconditionCheck &check : decision.preconditions)
    if (!check.held)
      return makeError("{}", failedPrecondition(rules, check));
  decision.membersBefore = archiveMembers(original);
  decision.bytesBefore = keptBytes(original);
  if (llvm::Error error = checkCuts(original, rules, decision))
    return error;
  auto archive = prunedArchiveOf(original);
  if (!archive)
    return archive.takeError();
  decision.archivePath = std::move(*archive);

  auto configRequires = configRequiresOf(original);
  TableFeeders found = tableFeedersOf(original);
  if (llvm::Error error = checkEntryRules(rules, found))
    return error;
  KeptMembers kept;
  auto current =
      modelPrunedLink(link, directory, rules, configRequires, found, decision, kept);
  if (!current)
    return current.takeError();
  if (llvm::Error error = checkCutsTakeEffect(**current, rules))
    return error;
  recordOutcome(original, **current, rules, configRequires, kept, decision);
  decision.modelled = std::move(*current);
  return decision;
}

llvm::Expected<PruneDecision> decidePrune(const Argv &link, llvm::StringRef directory,
                                          const RuleSet &rules) {
  auto original = analyse(link, directory);
  if (!original)
    return original.takeError();
  return decideOn(**original, link, directory, rules);
}

llvm::Expected<AutoPruneDecision> decidePruneAmong(const Argv &link, llvm::StringRef directory,
                                                   llvm::ArrayRef<RuleSet> candidates) {
  auto original = analyse(link, directory);
  if (!original)
    return original.takeError();
  AutoPruneDecision chosen;
  for (size_t index = 0; index < candidates.size(); ++index) {
    std::vector<PreconditionCheck> checks = checkPreconditions(**original, candidates[index]);
    auto failed = llvm::find_if(checks, [](const PreconditionCheck &c) { return !c.held; });
    if (failed != checks.end()) {
      chosen.passedOver.push_back(failedPrecondition(candidates[index], *failed));
      continue;
    }
    auto decision = decideOn(**original, link, directory, candidates[index]);
    if (!decision)
      return decision.takeError();
    chosen.chosen = index;
    chosen.decision = std::move(*decision);
    return chosen;
  }
  return makeError("no built-in rule set fits this link: {}", llvm::join(chosen.passedOver, "; "));
}

} // namespace romfit::prune
