#pragma once
// Bytes in the linked image, attributed to members, sections and symbols;
// and the garbage: bytes the linker keeps that the reachable view does not.
// Sizes are input sections' sh_size: alignment padding and the merging of
// identical strings (SHF_MERGE) are ld's, and not counted.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/liveness.h"

namespace romfit::analysis {

enum class SizeGrouping { Member, Section, Symbol };

struct SizeRow {
  std::string name;    // member, "member:section" or symbol
  std::string member;
  uint64_t size = 0;   // bytes in memory, .bss included
  uint64_t fileSize = 0;  // bytes in the file: .bss excluded
  uint32_t sections = 0;
};

// Largest first; ties by name.
std::vector<SizeRow> attributeSizes(const LinkGraph &graph, const Liveness &view,
                                    SizeGrouping grouping);

struct MemberGarbage {
  int32_t object = -1;
  uint64_t keptBytes = 0;   // what the linker keeps of this member
  uint64_t deadBytes = 0;   // of which the reachable view needs none
  std::vector<NodeId> deadSections;
  bool entirelyDead = false;  // the reachable view needs none of its bytes
};

struct GarbageReport {
  std::vector<MemberGarbage> members;  // with dead bytes or entirely dead; largest first
  uint64_t keptBytes = 0;
  uint64_t deadBytes = 0;
};

GarbageReport findGarbage(const LinkGraph &graph, const Liveness &linker,
                          const Liveness &reachable);

// What cuts free: the sections of each member that are garbage with the cuts
// and were not without them, and members that become entirely dead.
struct FreedMember {
  const MemberGarbage *member = nullptr;  // in the report with the cuts
  uint64_t bytes = 0;
  std::vector<NodeId> sections;
};
struct FreedByCuts {
  std::vector<FreedMember> members;  // largest first, ties in the report's order
  uint64_t bytes = 0;
};
FreedByCuts freedByCuts(const LinkGraph &graph, const GarbageReport &withCuts,
                        const GarbageReport &withoutCuts);

} // namespace romfit::analysis
