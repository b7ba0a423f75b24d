#include "analysis/link_analysis.h"

#include "analysis/emulation.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::analysis {

std::vector<int32_t> LinkAnalysis::objectsNeeded(const Liveness &reachable) const {
  std::vector<int32_t> needed;
  for (size_t object = 0; object < graph.objectNodes.size(); ++object)
    if (reachable.isLive(graph.objectNodes[object]))
      needed.push_back(int32_t(object));
  return needed;
}

llvm::Expected<ViewOptions> LinkAnalysis::viewOptions(const std::vector<std::string> &cuts,
                                                      RequirePolicy policy) const {
  ViewOptions options;
  options.requirePolicy = policy;
  for (const std::string &text : cuts) {
    auto cut = parseCut(graph, text);
    if (!cut)
      return cut.takeError();
    options.cuts.push_back(std::move(*cut));
  }
  return options;
}

llvm::Expected<std::unique_ptr<LinkAnalysis>> analyseLink(LinkCommand command) {
  auto analysis = std::make_unique<LinkAnalysis>();
  analysis->command = std::move(command);
  const LinkCommand &link = analysis->command;
  if (!link.emulation.empty())  // an unknown -m is reported before any file is read
    if (auto emulation = findEmulation(link.emulation); !emulation)
      return emulation.takeError();
  for (const std::string &path : link.scripts) {
    std::string resolved = link.resolve(path);
    auto text = readFile(resolved);
    if (!text)
      return text.takeError();
    auto script = LinkerScript::parse((*text)->getBuffer(), resolved);
    if (!script)
      return script.takeError();
    analysis->script.append(std::move(*script));
  }
  auto inputs = loadInputFiles(link);
  if (!inputs)
    return inputs.takeError();
  analysis->inputs = std::move(*inputs);
  auto resolved = resolveLink(link, *analysis->inputs, analysis->script);
  if (!resolved)
    return resolved.takeError();
  analysis->link = std::move(*resolved);
  auto graph = buildLinkGraph(analysis->link, analysis->script, link);
  if (!graph)
    return graph.takeError();
  analysis->graph = std::move(*graph);
  analysis->linker = linkerView(analysis->graph, link.gcSections);
  return analysis;
}

} // namespace romfit::analysis
