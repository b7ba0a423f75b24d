#pragma once
// The two views of a link graph.
//
// Linker view: exactly what ld keeps.  Every loaded object is in the link;
// with --gc-sections a section survives when a chain of relocations (R_*_NONE
// included) leads to it from the entry, a -u symbol, or a collection root
// (KEEP, notes, init arrays).  Without --gc-sections every section survives.
//
// Reachable view: what can execute.  From the entry and -u symbols follow
// relocations; an object in the link brings its KEEP sections, and its
// REQUIRE targets unless REQUIRE is intent only; a table entry lives when
// its object is in the link and a live section references that table's
// boundaries (the table is iterated), and its code can make further tables
// iterated.  Which objects are in the link: without cuts and with REQUIRE
// kept, every object ld loads (the linker view's); otherwise the view models
// the link without those references, and an object is in it when it is
// named on the command line, a live section is in it, or an object in it
// references it (ld's extraction).
#include <string>
#include <vector>

#include "analysis/link_graph.h"

namespace romfit::analysis {

enum class RequirePolicy { Keep, IntentOnly };

// `--cut FROM->TO` removes the references from FROM's section to TO's;
// `--cut SYMBOL` removes every reference to SYMBOL's section.
struct Cut {
  std::string text;
  std::vector<NodeId> from;  // empty: from anywhere
  std::vector<NodeId> to;
};

llvm::Expected<Cut> parseCut(const LinkGraph &graph, llvm::StringRef text);

struct ViewOptions {
  RequirePolicy requirePolicy = RequirePolicy::Keep;
  std::vector<Cut> cuts;
  // Whether the view is of ld's own link: no reference taken away, so the
  // objects in the link are every object ld loads.
  bool isLdsOwnLink() const { return cuts.empty() && requirePolicy == RequirePolicy::Keep; }
};

constexpr uint32_t kNoEdge = ~0u;

struct Liveness {
  std::vector<bool> live;           // per node
  std::vector<uint32_t> reachedBy;  // per node: index of the edge that made it live
  bool isLive(NodeId node) const { return live[node]; }
};

Liveness linkerView(const LinkGraph &graph, bool gcSections);
Liveness reachableView(const LinkGraph &graph, const ViewOptions &options);

// Whether the reachable view follows this edge under these options.
bool followsInReachableView(const LinkGraph &graph, const Edge &edge, const ViewOptions &options);

} // namespace romfit::analysis
