// romfit garbage: what the linker keeps that can never run.
#include <map>

#include <fmt/format.h>

#include "analysis/size_attribution.h"
#include "driver/analysis_options.h"
#include "driver/command.h"

namespace romfit::driver {
namespace {

using namespace analysis;

llvm::json::Value memberJson(const LinkGraph &graph, const MemberGarbage &member,
                             uint64_t deadBytes, const std::vector<NodeId> &sections) {
  llvm::json::Array names;
  for (NodeId node : sections)
    names.push_back(graph.nodes[node].kind == NodeKind::Common
                        ? "COMMON(" + graph.nodes[node].name.str() + ")"
                        : graph.nodes[node].name.str());
  return llvm::json::Object{{"member", graph.link->objects[member.object].displayName},
                            {"keptBytes", int64_t(member.keptBytes)},
                            {"deadBytes", int64_t(deadBytes)},
                            {"entirelyDead", member.entirelyDead},
                            {"deadSections", std::move(names)}};
}

llvm::Expected<int> runGarbage(const ParsedArguments &arguments) {
  auto limit = limitFrom(arguments, SIZE_MAX);
  if (!limit)
    return limit.takeError();
  auto loaded = loadAnalysis(arguments);
  if (!loaded)
    return loaded.takeError();
  const LinkAnalysis &analysis = **loaded;
  const LinkGraph &graph = analysis.graph;
  auto withCuts = viewOptionsFrom(analysis, arguments, true);
  if (!withCuts)
    return withCuts.takeError();
  auto withoutCuts = viewOptionsFrom(analysis, arguments, false);
  if (!withoutCuts)
    return withoutCuts.takeError();
  bool hasCuts = !withCuts->cuts.empty();

  GarbageReport report = findGarbage(graph, analysis.linker, analysis.reachable(*withCuts));
  GarbageReport baseline = hasCuts ? findGarbage(graph, analysis.linker,
                                                 analysis.reachable(*withoutCuts))
                                   : GarbageReport{};
  FreedByCuts freed = hasCuts ? freedByCuts(graph, report, baseline) : FreedByCuts{};

  size_t shown = std::min(report.members.size(), *limit);
  if (arguments.has("--json")) {
    llvm::json::Array members;
    for (size_t i = 0; i < shown; ++i)
      members.push_back(memberJson(graph, report.members[i], report.members[i].deadBytes,
                                   report.members[i].deadSections));
    llvm::json::Object result{{"keptBytes", int64_t(report.keptBytes)},
                              {"deadBytes", int64_t(report.deadBytes)},
                              {"members", std::move(members)}};
    if (hasCuts) {
      llvm::json::Array cuts, freedMembers;
      for (const Cut &cut : withCuts->cuts)
        cuts.push_back(cut.text);
      for (const FreedMember &entry : freed.members)
        freedMembers.push_back(memberJson(graph, *entry.member, entry.bytes, entry.sections));
      result["cuts"] = std::move(cuts);
      result["freedBytes"] = int64_t(freed.bytes);
      result["freed"] = std::move(freedMembers);
    }
    printJson(std::move(result));
    return kExitOk;
  }
  fmt::print("{:>10} {:>10}  {}\n", "dead", "kept", "member");
  for (size_t i = 0; i < shown; ++i) {
    const MemberGarbage &member = report.members[i];
    fmt::print("{:>10} {:>10}  {}{}\n", member.deadBytes, member.keptBytes,
               graph.link->objects[member.object].displayName,
               member.entirelyDead ? "  (entirely dead)" : "");
  }
  if (shown < report.members.size())
    fmt::print("{:>10} {:>10}  ({} more)\n", "", "", report.members.size() - shown);
  fmt::print("{:>10} {:>10}  total: {} of {} kept bytes can never run\n", report.deadBytes,
             report.keptBytes, humanBytes(report.deadBytes), humanBytes(report.keptBytes));
  if (hasCuts) {
    fmt::print("\nfreed by the cuts ({}):\n", humanBytes(freed.bytes));
    for (const FreedMember &entry : freed.members) {
      fmt::print("{:>10}  {}{}\n", entry.bytes,
                 graph.link->objects[entry.member->object].displayName,
                 entry.member->entirelyDead ? "  (entirely dead)" : "");
      for (NodeId node : entry.sections)
        fmt::print("{:>10}    {}\n", graph.nodes[node].size, graph.nodes[node].name.str());
    }
    fmt::print("{:>10}  total freed by the cuts\n", freed.bytes);
  }
  return kExitOk;
}

RegisterCommand registerGarbage(
    CommandSpec{
        .name = "garbage",
        .summary = "list what the linker keeps that can never run",
        .usage = "[--cut FROM->TO|SYMBOL]... [OPTIONS] -- LDCMD...",
        .description = std::string("Compares the linker view (what ld keeps) with the reachable view (what\n"
                            "can execute from the entry) and prints the difference per member.\n"
                            "With --cut, also what those cuts free compared with no cuts.\n\n") +
                    kLinkCommandHelp,
        .options = analysisOptions(kWithJson | kWithCuts | kWithLimit),
        .maxPositionals = 0,
        .takesLinkerCommand = true,
    },
    runGarbage);

} // namespace
} // namespace romfit::driver
