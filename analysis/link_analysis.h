#pragma once
// The whole analysis of one link, as a library: parse ld's command line,
// read the script and inputs, resolve the link as ld does, build the graph
// and the linker view.  The reachable view depends on options (cuts, REQUIRE
// policy) and is computed on demand.
#include <memory>
#include <vector>

#include "analysis/input_files.h"
#include "analysis/link_command.h"
#include "analysis/link_graph.h"
#include "analysis/linker_script.h"
#include "analysis/liveness.h"

namespace romfit::analysis {

class LinkAnalysis {
public:
  LinkCommand command;
  LinkerScript script;
  std::unique_ptr<InputFiles> inputs;
  ResolvedLink link;
  LinkGraph graph;
  Liveness linker;

  Liveness reachable(const ViewOptions &options) const { return reachableView(graph, options); }
  // The loaded objects the reachable view needs, in load order: the member
  // set a pruned relink must provide.
  std::vector<int32_t> objectsNeeded(const Liveness &reachable) const;
  // Cuts written as on the command line, resolved against this link.
  llvm::Expected<ViewOptions> viewOptions(const std::vector<std::string> &cuts,
                                          RequirePolicy policy) const;
};

llvm::Expected<std::unique_ptr<LinkAnalysis>> analyseLink(LinkCommand command);

} // namespace romfit::analysis
