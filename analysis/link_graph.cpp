#include "analysis/link_graph.h"

#include <algorithm>

#include <llvm/ADT/DenseSet.h>
#include <llvm/BinaryFormat/ELF.h>

#include "support/error.h"

namespace romfit::analysis {

const char *edgeKindName(EdgeKind kind) {
  switch (kind) {
  case EdgeKind::Root: return "root";
  case EdgeKind::Reloc: return "reloc";
  case EdgeKind::Require: return "require";
  case EdgeKind::Extract: return "extract";
  case EdgeKind::Table: return "table";
  case EdgeKind::Member: return "member";
  case EdgeKind::Keep: return "keep";
  }
  return "?";
}

namespace {

struct TableName {
  llvm::StringRef table;
  bool isBoundary = false;
};

// ".tbl.NAME.INDEX" -> NAME; INDEX 00 and 99 are the bounds iPXE's
// table_start() and table_end() define.  The index may go on past its
// digits: iPXE's commands and settings are ".tbl.commands.01.imgfetch",
// ".tbl.settings.01.hostname" (__command(name) is __table_entry(COMMANDS,
// 01.name)). What makes a section an entry is where the script's
// KEEP(*(SORT(.tbl.*))) puts it: strictly between NAME's two bounds, which
// by name order means an index after "00" and before "99". Anything else
// (".tbl.NAME" without an index, an index sorting outside the bounds) is
// a table of its own that nothing iterates.
llvm::Optional<TableName> parseTableSection(llvm::StringRef section) {
  if (!section.consume_front(".tbl.") || section.empty())
    return llvm::None;
  auto [name, index] = section.split('.');
  if (name.empty() || index.empty() || !llvm::isDigit(index.front()))
    return TableName{section, false};
  if (index == "00" || index == "99")
    return TableName{name, true};
  if (index > "00" && index < "99")
    return TableName{name, false};
  return TableName{section, false};
}

constexpr uint64_t kSectionFlagRetain = 0x200000;  // SHF_GNU_RETAIN

// Sections ld's --gc-sections keeps whatever references them (elflink.c):
// notes, init/fini arrays, and sections marked retain.
bool isCollectionRootByKind(uint32_t type, uint64_t flags) {
  return type == llvm::ELF::SHT_NOTE || type == llvm::ELF::SHT_INIT_ARRAY ||
         type == llvm::ELF::SHT_FINI_ARRAY || type == llvm::ELF::SHT_PREINIT_ARRAY ||
         (flags & kSectionFlagRetain);
}

Node makeNode(NodeKind kind) {
  Node node;
  node.kind = kind;
  return node;
}

bool isCIdentifier(llvm::StringRef name) {
  return !name.empty() && !llvm::isDigit(name[0]) &&
         llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

} // namespace

NodeId LinkGraph::resolveGlobal(llvm::StringRef name, unsigned depth) const {
  auto found = link->symbols.find(name);
  if (found == link->symbols.end() || depth > 16)
    return kNoNode;
  const GlobalSymbol &global = found->second;
  using State = GlobalSymbol::State;
  if (global.state == State::Common) {
    auto common = commonNodes.find(name);
    return common == commonNodes.end() ? kNoNode : common->second;
  }
  if (global.state == State::LinkerDefined) {
    auto alias = aliases.find(name);
    return alias == aliases.end() ? kNoNode : resolveGlobal(alias->second, depth + 1);
  }
  if (global.state != State::Defined && global.state != State::DefinedWeak)
    return kNoNode;
  const ElfSymbol &symbol = link->objects[global.definingObject].elf.symbols[global.symbolIndex];
  if (!symbol.isDefinedInSection())
    return kNoNode;
  return sectionNodes[global.definingObject][symbol.sectionIndex];
}

NodeId LinkGraph::nodeOfGlobal(llvm::StringRef name) const { return resolveGlobal(name, 0); }

std::string LinkGraph::describe(NodeId id) const {
  const Node &node = nodes[id];
  switch (node.kind) {
  case NodeKind::Root: return "(root)";
  case NodeKind::Object: return link->objects[node.object].displayName;
  case NodeKind::Table: return "table " + node.name.str();
  case NodeKind::Common:
    return link->objects[node.object].displayName + ":COMMON(" + node.name.str() + ")";
  case NodeKind::Section: return link->objects[node.object].displayName + ":" + node.name.str();
  }
  return "?";
}

std::vector<NodeId> LinkGraph::nodesNamed(llvm::StringRef name) const {
  if (NodeId global = nodeOfGlobal(name); global != kNoNode)
    return {global};
  if (auto table = tableNodes.find(name.startswith("table ") ? name.drop_front(6) : name);
      table != tableNodes.end() && name.startswith("table "))
    return {table->second};
  // "member:section" or "member:symbol" narrows to one member.
  auto [memberPart, sectionPart] = name.rsplit(':');
  bool qualified = !sectionPart.empty();
  llvm::StringRef wanted = qualified ? sectionPart : name;
  auto memberMatches = [&](const LoadedObject &loaded, llvm::StringRef text) {
    llvm::StringRef display = loaded.displayName;
    if (text == display)
      return true;
    return loaded.memberIndex && display.endswith("(" + text.str() + ")");
  };

  std::vector<NodeId> found;
  for (size_t object = 0; object < link->objects.size(); ++object)
    if (!qualified && memberMatches(link->objects[object], name))
      found.push_back(objectNodes[object]);
  if (!found.empty())
    return found;

  // Sections by name, then static functions and data by their local
  // symbol, then GCC's clones of them (name.isra.0, name.constprop.0).
  for (int pass = 0; pass < 3 && found.empty(); ++pass) {
    for (size_t object = 0; object < link->objects.size(); ++object) {
      const LoadedObject &loaded = link->objects[object];
      if (qualified && !memberMatches(loaded, memberPart))
        continue;
      auto add = [&](uint32_t sectionIndex) {
        NodeId node = sectionIndex < sectionNodes[object].size() ? sectionNodes[object][sectionIndex]
                                                                 : kNoNode;
        if (node != kNoNode && !llvm::is_contained(found, node))
          found.push_back(node);
      };
      if (pass == 0) {
        for (uint32_t index = 0; index < loaded.elf.sections.size(); ++index)
          if (loaded.elf.sections[index].name == wanted)
            add(index);
        continue;
      }
      for (const ElfSymbol &symbol : loaded.elf.symbols) {
        if (!symbol.isDefinedInSection() || symbol.type == llvm::ELF::STT_SECTION ||
            symbol.type == llvm::ELF::STT_FILE)
          continue;
        if (!qualified && symbol.binding != SymbolBinding::Local)
          continue;  // globals were resolved above, as the link binds them
        bool matches = pass == 1 ? symbol.name == wanted
                                 : symbol.name.startswith(wanted.str() + ".");
        if (matches)
          add(symbol.sectionIndex);
      }
    }
  }
  if (found.empty())
    if (auto table = tableNodes.find(name); table != tableNodes.end())
      found.push_back(table->second);
  return found;
}

namespace {

NodeId tableNodeNamed(LinkGraph &graph, llvm::StringRef name) {
  auto [entry, inserted] = graph.tableNodes.try_emplace(name, NodeId(graph.nodes.size()));
  if (inserted) {
    Node node = makeNode(NodeKind::Table);
    node.name = entry->getKey();
    graph.nodes.push_back(node);
  }
  return entry->second;
}

// Nodes: objects and their allocated, placed sections. Returns the sections
// by name, for __start_/__stop_ references.
llvm::StringMap<std::vector<NodeId>> addObjectAndSectionNodes(LinkGraph &graph,
                                                             const ResolvedLink &link,
                                                             const LinkerScript &script) {
  llvm::StringMap<std::vector<NodeId>> sectionsByName;
  graph.objectNodes.resize(link.objects.size());
  graph.sectionNodes.resize(link.objects.size());
  for (size_t object = 0; object < link.objects.size(); ++object) {
    const LoadedObject &loaded = link.objects[object];
    graph.objectNodes[object] = graph.nodes.size();
    Node objectNode = makeNode(NodeKind::Object);
    objectNode.object = int32_t(object);
    objectNode.name = loaded.displayName;
    graph.nodes.push_back(objectNode);
    std::vector<NodeId> &sections = graph.sectionNodes[object];
    sections.assign(loaded.elf.sections.size(), kNoNode);
    for (uint32_t index = 1; index < loaded.elf.sections.size(); ++index) {
      const ElfSection &section = loaded.elf.sections[index];
      if (!section.isAllocated() || section.type == llvm::ELF::SHT_GROUP)
        continue;
      Placement placement = script.place(loaded.displayName, section.name);
      if (placement == Placement::Discarded)
        continue;
      Node node = makeNode(NodeKind::Section);
      node.object = int32_t(object);
      node.elfIndex = index;
      node.name = section.name;
      node.size = section.size;
      node.alignment = section.alignment;
      node.flags = section.flags;
      node.type = section.type;
      node.placement = placement;
      node.isCollectionRoot =
          placement == Placement::Kept || isCollectionRootByKind(section.type, section.flags);
      if (auto table = parseTableSection(section.name)) {
        NodeId tableId = tableNodeNamed(graph, table->table);
        node.table = int32_t(tableId);
        node.isTableBoundary = table->isBoundary;
      }
      sections[index] = graph.nodes.size();
      if (isCIdentifier(section.name))
        sectionsByName[section.name].push_back(sections[index]);
      graph.nodes.push_back(node);
    }
  }
  return sectionsByName;
}

// One node per COMMON symbol; returns them by name.
llvm::StringMap<NodeId> addCommonNodes(LinkGraph &graph, const ResolvedLink &link) {
  llvm::StringMap<NodeId> commons;
  for (const auto &entry : link.symbols) {
    const GlobalSymbol &global = entry.second;
    if (global.state != GlobalSymbol::State::Common)
      continue;
    Node node = makeNode(NodeKind::Common);
    node.object = global.definingObject;
    node.name = entry.getKey();
    node.size = global.commonSize;
    node.alignment = global.commonAlignment;
    node.flags = llvm::ELF::SHF_ALLOC | llvm::ELF::SHF_WRITE;
    node.type = llvm::ELF::SHT_NOBITS;
    commons[entry.getKey()] = graph.nodes.size();
    graph.nodes.push_back(node);
  }
  return commons;
}

void addEdge(LinkGraph &graph, NodeId from, NodeId to, EdgeKind kind, uint8_t views,
             llvm::StringRef symbol) {
  graph.edges.push_back(Edge{from, to, kind, views, symbol});
}

// The link's roots: its entry (the command's, else the script's), -u
// symbols and the script's EXTERNs.
void addRootEdges(LinkGraph &graph, const LinkerScript &script, const LinkCommand &command) {
  auto addRoot = [&](llvm::StringRef name) {
    NodeId node = graph.nodeOfGlobal(name);
    if (node != kNoNode)
      addEdge(graph, graph.root, node, EdgeKind::Root, kBothViews, name);
  };
  if (command.entry)
    addRoot(*command.entry);
  else if (!script.entry().empty())
    addRoot(script.entry());
  for (const std::string &name : command.undefinedSymbols)
    addRoot(name);
  for (const std::string &name : script.externSymbols())
    addRoot(name);
}

// Each section's edges: to its object, from the root (kept by the script)
// or its table, and one per relocation target. Returns the (object, object)
// pairs a relocation already says one extracted the other.
llvm::DenseSet<std::pair<uint32_t, uint32_t>>
addSectionEdges(LinkGraph &graph, const ResolvedLink &link,
                const llvm::StringMap<std::vector<NodeId>> &sectionsByName) {
  llvm::SmallVector<NodeId, 4> targets;
  llvm::DenseSet<std::pair<NodeId, unsigned>> seen;
  llvm::DenseSet<std::pair<uint32_t, uint32_t>> extracted;
  for (size_t object = 0; object < link.objects.size(); ++object) {
    const LoadedObject &loaded = link.objects[object];
    NodeId objectNode = graph.objectNodes[object];
    for (uint32_t index = 0; index < loaded.elf.sections.size(); ++index) {
      NodeId from = graph.sectionNodes[object][index];
      if (from == kNoNode)
        continue;
      const Node &source = graph.nodes[from];
      addEdge(graph, from, objectNode, EdgeKind::Member, kReachableView, "");
      if (source.isCollectionRoot)
        addEdge(graph, graph.root, from, EdgeKind::Keep, kLinkerView, "");
      if (source.isTableEntry())
        addEdge(graph, source.table, from, EdgeKind::Table, kReachableView, "");
      if (source.isTableEntry() || source.isCollectionRoot)
        addEdge(graph, objectNode, from, EdgeKind::Keep, kReachableView, "");

      seen.clear();
      for (const ElfRelocation &relocation : loaded.elf.sections[index].relocations) {
        const ElfSymbol &symbol = loaded.elf.symbols[relocation.symbolIndex];
        targets.clear();
        llvm::StringRef label = symbol.name;
        if (symbol.binding == SymbolBinding::Local) {
          if (symbol.isDefinedInSection())
            targets.push_back(graph.sectionNodes[object][symbol.sectionIndex]);
          // A section symbol may carry a reserved index such as SHN_ABS,
          // which names no entry of the section table (fuzz_regressions_test).
          if (symbol.type == llvm::ELF::STT_SECTION && symbol.isDefinedInSection())
            label = loaded.elf.sections[symbol.sectionIndex].name;
        } else if (NodeId node = graph.nodeOfGlobal(symbol.name); node != kNoNode) {
          targets.push_back(node);
        } else if (symbol.name.startswith("__start_") || symbol.name.startswith("__stop_")) {
          llvm::StringRef section = symbol.name.substr(symbol.name.find('_', 2) + 1);
          auto named = sectionsByName.find(section);
          if (named != sectionsByName.end())
            targets.append(named->second.begin(), named->second.end());
        }
        // Every supported machine numbers its no-op relocation 0.
        bool isRequire = relocation.type == 0;
        for (NodeId to : targets) {
          if (to == kNoNode || to == from)
            continue;
          if (!seen.insert({to, unsigned(isRequire)}).second)
            continue;
          const Node &target = graph.nodes[to];
          if (isRequire) {
            addEdge(graph, from, to, EdgeKind::Require, kLinkerView, label);
            addEdge(graph, objectNode, to, EdgeKind::Require, kReachableView, label);
          } else if (target.isTableBoundary) {
            addEdge(graph, from, to, EdgeKind::Reloc, kLinkerView, label);
            addEdge(graph, from, target.table, EdgeKind::Table, kReachableView, label);
          } else {
            addEdge(graph, from, to, EdgeKind::Reloc, kBothViews, label);
            int32_t targetObject = target.object;
            if (targetObject >= 0 && targetObject != int32_t(object) &&
                extracted.insert({uint32_t(object), uint32_t(targetObject)}).second)
              addEdge(graph, objectNode, graph.objectNodes[targetObject], EdgeKind::Extract,
                      kReachableView, label);
          }
        }
      }
    }
  }
  return extracted;
}

// ld extracts a member for the first definition of a symbol still
// undefined, even a weak one that a strong definition extracted later
// beats, so a relocation resolved to the winner does not say it; the
// resolution's record does. Extractions by REQUIRE alone stay with the
// require edges, which the REQUIRE policy may ignore.
void addResolutionExtractEdges(LinkGraph &graph, const ResolvedLink &link,
                               const llvm::DenseSet<std::pair<uint32_t, uint32_t>> &extracted) {
  for (size_t object = 0; object < link.objects.size(); ++object) {
    const LoadedObject &loaded = link.objects[object];
    if (!loaded.memberIndex || loaded.extractedFor == kCommandLine ||
        extracted.count({uint32_t(loaded.extractedFor), uint32_t(object)}))
      continue;
    const ElfObject &referencing = link.objects[loaded.extractedFor].elf;
    bool byRelocation = llvm::any_of(referencing.sections, [&](const ElfSection &section) {
      return llvm::any_of(section.relocations, [&](const ElfRelocation &relocation) {
        return relocation.type != 0 &&
               referencing.symbols[relocation.symbolIndex].name == loaded.extractedBySymbol;
      });
    });
    if (byRelocation)
      addEdge(graph, graph.objectNodes[loaded.extractedFor], graph.objectNodes[object],
              EdgeKind::Extract, kReachableView, loaded.extractedBySymbol);
  }
}

// Edges sorted by their source, and each node's first edge indexed.
void indexEdges(LinkGraph &graph) {
  std::stable_sort(graph.edges.begin(), graph.edges.end(),
                   [](const Edge &a, const Edge &b) { return a.from < b.from; });
  graph.firstEdge.assign(graph.nodes.size() + 1, 0);
  for (const Edge &edge : graph.edges)
    ++graph.firstEdge[edge.from + 1];
  for (size_t i = 1; i < graph.firstEdge.size(); ++i)
    graph.firstEdge[i] += graph.firstEdge[i - 1];
}

} // namespace

llvm::Expected<LinkGraph> buildLinkGraph(const ResolvedLink &link, const LinkerScript &script,
                                         const LinkCommand &command) {
  LinkGraph graph;
  graph.link = &link;
  for (const SymbolDefinition &definition : command.symbolDefinitions)
    if (definition.aliasOf)
      graph.aliases[definition.name] = *definition.aliasOf;
  graph.nodes.push_back(makeNode(NodeKind::Root));
  graph.root = 0;

  auto sectionsByName = addObjectAndSectionNodes(graph, link, script);
  graph.commonNodes = addCommonNodes(graph, link);
  addRootEdges(graph, script, command);
  auto extracted = addSectionEdges(graph, link, sectionsByName);
  addResolutionExtractEdges(graph, link, extracted);
  for (const auto &entry : graph.commonNodes)
    addEdge(graph, entry.second, graph.objectNodes[graph.nodes[entry.second].object],
            EdgeKind::Member, kReachableView, "");
  indexEdges(graph);
  return graph;
}

} // namespace romfit::analysis
