#include "driver/build_options.h"

#include "driver/data_directory.h"
#include "driver/proof_options.h"
#include "driver/rom_report.h"
#include "pipeline/ipxe_targets.h"
#include "prune/rule_set.h"
#include "support/error.h"
#include "verify/firmware.h"

namespace romfit::driver {

llvm::Expected<std::vector<std::string>> requestedRomIds(const ParsedArguments &arguments) {
  std::vector<std::string> romIds = arguments.getAll("--rom");
  if (auto set = arguments.get("--rom-set")) {
    if (*set != "qemu")
      return makeError("unknown --rom-set '{}' (known: qemu)", *set);
    if (!romIds.empty())
      return makeError("--rom-set qemu names its ROMs: give it or --rom, not both");
    romIds = pipeline::qemuNicRomIds();
  }
  return romIds;
}

llvm::Expected<pipeline::BuildOptions> buildOptionsFrom(const ParsedArguments &arguments) {
  pipeline::BuildOptions options;
  options.ipxeTree = arguments.get("--ipxe").value_or("");
  if (options.ipxeTree.empty())
    return makeError("'romfit build' needs --ipxe SRC (an iPXE source tree)");
  options.outDir = arguments.get("--output").value_or("");
  if (options.outDir.empty())
    return makeError("'romfit build' needs -o OUTDIR");
  options.config = arguments.get("--config").value_or("");
  // "auto" reaches romfit prune as it is: the choice needs each link's objects.
  options.rulesPath = arguments.get("--rules").value_or("auto");
  if (options.rulesPath == "auto") {
    auto directory = builtInRulesDirectory();
    if (!directory)
      return directory.takeError();
    options.autoRuleSets = prune::builtInRuleSets(*directory);
    options.ownBootPathRuleSets = prune::builtInOwnBootPathRuleSets(*directory);
  }
  auto romIds = requestedRomIds(arguments);
  if (!romIds)
    return romIds.takeError();
  options.romIds = std::move(*romIds);
  options.imageNames = arguments.getAll("--image");
  // What QEMU's roms/Makefile packs today.
  if (arguments.has("--rom-set") && options.imageNames.empty())
    options.imageNames = {"legacy", "efi:x86_64"};
  options.cross = arguments.getAll("--cross");
  // A firmware without a network stack of its own can boot only a driver
  // that keeps iPXE's own boot path (verify/firmware's table says which).
  for (const verify::FirmwareSpec &firmware : verify::firmwareTable())
    if (!firmware.ownNetworkStack)
      options.ownBootPathImages.push_back(firmware.imageKind);
  if (auto jobs = arguments.get("-j")) {
    if (llvm::StringRef(*jobs).getAsInteger(10, options.jobs) || options.jobs == 0)
      return makeError("-j wants a positive number, got '{}'", *jobs);
  }
  auto level = compressionLevelOption(arguments);
  if (!level)
    return level.takeError();
  options.compressionLevel = *level;
  auto layout = pipeline::parseLayout(arguments.get("--layout").value_or(
      pipeline::layoutName(pipeline::kDefaultLayout).str()));
  if (!layout)
    return layout.takeError();
  options.layout = *layout;
  options.romfit = romfitExecutable();
  return options;
}

llvm::Expected<pipeline::BuildProofRequest> buildProofRequestFrom(const ParsedArguments &arguments) {
  auto boot = proofRequestFrom(arguments);
  if (!boot)
    return boot.takeError();
  pipeline::BuildProofRequest request;
  request.boot = std::move(*boot);
  request.required = arguments.has("--verify");
  request.reverify = arguments.has("--reverify");
  request.nic = arguments.get("--nic");
  return request;
}

std::string shippedName(const ParsedArguments &arguments, const std::string &romId) {
  if (arguments.get("--rom-set") == std::optional<std::string>("qemu"))
    return pipeline::qemuRomFileName(romId);
  return romId + ".rom";
}

} // namespace romfit::driver
