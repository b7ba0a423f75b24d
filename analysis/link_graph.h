#pragma once
// The link as a graph.  Nodes are the allocated input sections of every
// object ld loads, plus virtual nodes: one root, one per object (the object
// being present in the link), one per linker table, one per common symbol.
// Edges carry the reason one node keeps another, and the views (linker,
// reachable) that follow them; see docs/analysis.md.
#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringMap.h>

#include "analysis/archive_resolution.h"
#include "analysis/linker_script.h"

namespace romfit::analysis {

using NodeId = uint32_t;
constexpr NodeId kNoNode = ~0u;

enum class NodeKind : uint8_t { Root, Object, Section, Common, Table };

struct Node {
  NodeKind kind = NodeKind::Section;
  int32_t object = -1;          // Object, Section, Common
  uint32_t elfIndex = 0;        // Section: ELF section index
  llvm::StringRef name;         // section, common symbol or table name
  uint64_t size = 0;            // bytes in the image (sh_size of an allocated section)
  uint64_t alignment = 1;
  uint64_t flags = 0;           // SHF_*
  uint32_t type = 0;            // SHT_*
  Placement placement = Placement::Orphan;
  int32_t table = -1;           // Section in .tbl.NAME.NN: its table's node
  bool isTableBoundary = false; // .tbl.NAME.00 or .tbl.NAME.99
  bool isCollectionRoot = false;  // ld's --gc-sections keeps it unconditionally
  bool isTableEntry() const { return table >= 0 && !isTableBoundary; }
};

enum class EdgeKind : uint8_t {
  Root,     // -u, -e or EXTERN names a symbol
  Reloc,    // a relocation
  Require,  // an R_*_NONE relocation (REQUIRE_SYMBOL / REQUIRE_OBJECT)
  Table,    // a table node to an entry, or a boundary reference to a table
  Member,   // a section to its object: a live section puts its object in the link
  Keep,     // KEEP: root to section (linker), object to section (reachable)
  Extract,  // an object references another's symbol, so ld links that object (reachable)
};
const char *edgeKindName(EdgeKind kind);

enum ViewMask : uint8_t { kLinkerView = 1, kReachableView = 2, kBothViews = 3 };

struct Edge {
  NodeId from, to;
  EdgeKind kind;
  uint8_t views;
  llvm::StringRef symbol;  // the symbol the relocation names, or the root's symbol
};

class LinkGraph {
public:
  std::vector<Node> nodes;
  std::vector<Edge> edges;        // sorted by `from`
  std::vector<uint32_t> firstEdge;  // edges of n: [firstEdge[n], firstEdge[n+1])
  NodeId root = 0;
  std::vector<NodeId> objectNodes;                 // per loaded object
  std::vector<std::vector<NodeId>> sectionNodes;   // per object, per ELF index
  llvm::StringMap<NodeId> tableNodes;

  llvm::ArrayRef<Edge> outEdges(NodeId node) const {
    return llvm::ArrayRef<Edge>(edges).slice(firstEdge[node], firstEdge[node + 1] - firstEdge[node]);
  }
  // The node a global symbol's definition lives in, or kNoNode.
  NodeId nodeOfGlobal(llvm::StringRef name) const;
  // Nodes a user's name can mean: a symbol (global or local), a section
  // name, "member(section)" or "member:section", or a member.
  std::vector<NodeId> nodesNamed(llvm::StringRef name) const;
  std::string describe(NodeId node) const;  // "blib.a(intel.o):.text.intel_probe"

  const ResolvedLink *link = nullptr;

private:
  friend llvm::Expected<LinkGraph> buildLinkGraph(const ResolvedLink &, const LinkerScript &,
                                                  const LinkCommand &);
  llvm::StringMap<NodeId> commonNodes;
  llvm::StringMap<std::string> aliases;  // --defsym NAME=SYMBOL
  NodeId resolveGlobal(llvm::StringRef name, unsigned depth) const;
};

llvm::Expected<LinkGraph> buildLinkGraph(const ResolvedLink &link, const LinkerScript &script,
                                         const LinkCommand &command);

} // namespace romfit::analysis
