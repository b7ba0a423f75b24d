#include "analysis/size_attribution.h"

#include <algorithm>
#include <map>

#include <llvm/BinaryFormat/ELF.h>

namespace romfit::analysis {

static bool countsAsBytes(const Node &node) {
  return node.kind == NodeKind::Section || node.kind == NodeKind::Common;
}

std::vector<SizeRow> attributeSizes(const LinkGraph &graph, const Liveness &view,
                                    SizeGrouping grouping) {
  std::map<std::string, SizeRow> rows;
  auto add = [&](const std::string &name, const std::string &member, uint64_t size, bool nobits,
                 bool newSection) {
    SizeRow &row = rows[name];
    row.name = name;
    row.member = member;
    row.size += size;
    row.fileSize += nobits ? 0 : size;
    row.sections += newSection;
  };
  for (NodeId id = 0; id < graph.nodes.size(); ++id) {
    const Node &node = graph.nodes[id];
    if (!countsAsBytes(node) || !view.isLive(id))
      continue;
    const LoadedObject &object = graph.link->objects[node.object];
    bool nobits = node.type == llvm::ELF::SHT_NOBITS;
    switch (grouping) {
    case SizeGrouping::Member:
      add(object.displayName, object.displayName, node.size, nobits, true);
      break;
    case SizeGrouping::Section:
      // ld's map lists all of an object's commons as one COMMON section.
      add(node.kind == NodeKind::Common ? object.displayName + ":COMMON" : graph.describe(id),
          object.displayName, node.size, nobits, true);
      break;
    case SizeGrouping::Symbol: {
      if (node.kind == NodeKind::Common) {
        add(node.name.str(), object.displayName, node.size, nobits, true);
        break;
      }
      uint64_t covered = 0;
      for (const ElfSymbol &symbol : object.elf.symbols) {
        if (symbol.sectionIndex != node.elfIndex || symbol.size == 0 || symbol.name.empty() ||
            (symbol.type != llvm::ELF::STT_FUNC && symbol.type != llvm::ELF::STT_OBJECT))
          continue;
        std::string name = symbol.binding == SymbolBinding::Local
                               ? object.displayName + ":" + symbol.name.str()
                               : symbol.name.str();
        uint64_t size = std::min(symbol.size, node.size - std::min(covered, node.size));
        covered += size;
        add(name, object.displayName, size, nobits, false);
      }
      if (covered < node.size)
        add(graph.describe(id), object.displayName, node.size - covered, nobits, false);
      break;
    }
    }
  }
  std::vector<SizeRow> sorted;
  for (auto &[name, row] : rows)
    sorted.push_back(std::move(row));
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const SizeRow &a, const SizeRow &b) { return a.size > b.size; });
  return sorted;
}

GarbageReport findGarbage(const LinkGraph &graph, const Liveness &linker,
                          const Liveness &reachable) {
  GarbageReport report;
  std::vector<MemberGarbage> members(graph.objectNodes.size());
  // Entirely dead: none of the object's bytes is reachable, whether the
  // view's link still has the object (ld extracted it and the strong
  // definition elsewhere won; config.o's one-byte REQUIRE anchor) or not (a
  // cut took its last reference away).
  for (size_t object = 0; object < members.size(); ++object) {
    members[object].object = int32_t(object);
    members[object].entirelyDead = true;
  }
  for (NodeId id = 0; id < graph.nodes.size(); ++id)
    if (countsAsBytes(graph.nodes[id]) && graph.nodes[id].size > 0 && reachable.isLive(id))
      members[graph.nodes[id].object].entirelyDead = false;
  for (NodeId id = 0; id < graph.nodes.size(); ++id) {
    const Node &node = graph.nodes[id];
    if (!countsAsBytes(node) || !linker.isLive(id))
      continue;
    MemberGarbage &member = members[node.object];
    member.keptBytes += node.size;
    report.keptBytes += node.size;
    if (!reachable.isLive(id)) {
      member.deadBytes += node.size;
      member.deadSections.push_back(id);
      report.deadBytes += node.size;
    }
  }
  for (MemberGarbage &member : members) {
    // An object named on the command line is in any relink; only report it
    // when it carries dead bytes.
    bool isArchiveMember = graph.link->objects[member.object].memberIndex.has_value();
    if (member.deadBytes > 0 || (member.entirelyDead && isArchiveMember))
      report.members.push_back(std::move(member));
  }
  std::stable_sort(report.members.begin(), report.members.end(),
                   [](const MemberGarbage &a, const MemberGarbage &b) {
                     return a.deadBytes > b.deadBytes;
                   });
  return report;
}

FreedByCuts freedByCuts(const LinkGraph &graph, const GarbageReport &withCuts,
                        const GarbageReport &withoutCuts) {
  std::map<int32_t, const MemberGarbage *> before;
  for (const MemberGarbage &member : withoutCuts.members)
    before[member.object] = &member;
  FreedByCuts freed;
  for (const MemberGarbage &member : withCuts.members) {
    auto found = before.find(member.object);
    FreedMember entry{&member, 0, {}};
    for (NodeId node : member.deadSections)
      if (found == before.end() || !llvm::is_contained(found->second->deadSections, node)) {
        entry.sections.push_back(node);
        entry.bytes += graph.nodes[node].size;
      }
    bool newlyEntirelyDead =
        member.entirelyDead && (found == before.end() || !found->second->entirelyDead);
    if (entry.bytes > 0 || newlyEntirelyDead) {
      freed.bytes += entry.bytes;
      freed.members.push_back(std::move(entry));
    }
  }
  std::stable_sort(freed.members.begin(), freed.members.end(),
                   [](const FreedMember &a, const FreedMember &b) { return a.bytes > b.bytes; });
  return freed;
}

} // namespace romfit::analysis
