// romfit build: iPXE's make, a pruned relink of each EFI driver through a
// generated build.ninja, packed ROMs, the before/after table and the checks,
// the boot proof, and the proven ROMs installed.
#include <fmt/format.h>

#include "driver/build_options.h"
#include "driver/command.h"
#include "driver/rom_report.h"
#include "pipeline/ipxe_build.h"
#include "pipeline/rom_proof.h"
#include "report/build_summary.h"
#include "support/error.h"

namespace romfit::driver {
namespace {

llvm::Expected<pipeline::RomProofs> proveRoms(const ParsedArguments &arguments,
                                              const pipeline::BuildOptions &options,
                                              const pipeline::BuildGraphInputs &graph) {
  if (arguments.has("--no-verify")) {
    fmt::print("not verified (--no-verify): no ROM was booted; each is ID.unverified.rom\n");
    return pipeline::leaveUnverified(graph, "unverified (--no-verify)");
  }
  auto request = buildProofRequestFrom(arguments);
  if (!request)
    return request.takeError();
  auto proof = pipeline::BuildProof::prepare(options, graph, std::move(*request));
  if (!proof)
    return proof.takeError();
  if (!proof->recordWarning().empty())
    fmt::print(stderr, "romfit build: warning: {}\n", proof->recordWarning());
  return proof->proveAll(stdout);
}

llvm::Expected<int> runBuild(const ParsedArguments &arguments) {
  auto options = buildOptionsFrom(arguments);
  if (!options)
    return options.takeError();
  auto budget = budgetOption(arguments);
  if (!budget)
    return budget.takeError();
  auto outcome = pipeline::runBuild(*options);
  if (!outcome)
    return outcome.takeError();
  const pipeline::BuildGraphInputs &graph = outcome->graph;

  auto fits = report::reportBuiltRoms(graph, *budget, stdout, [](const std::string &message) {
    fmt::print(stderr, "romfit build: {}\n", message);
  });
  if (!fits)
    return fits.takeError();
  auto proofs = proveRoms(arguments, *options, graph);
  if (!proofs)
    return proofs.takeError();
  auto namer = [&](const std::string &romId) { return shippedName(arguments, romId); };
  if (graph.roms.size() > 1 || arguments.has("--rom-set"))
    fmt::print("{}", pipeline::romSetTable(graph, *budget, *proofs, namer));
  if (auto directory = arguments.get("--install-dir"))
    if (llvm::Error error = pipeline::installRoms(
            graph, *proofs, {*directory, arguments.has("--no-verify"), namer}, stdout))
      return error;
  return *fits && !pipeline::anyFailed(*proofs) ? kExitOk : kExitCheckFailed;
}

RegisterCommand registration{buildCommandSpec(), runBuild};

} // namespace
} // namespace romfit::driver
