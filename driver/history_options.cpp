#include "driver/history_options.h"

#include <llvm/Support/FileSystem.h>

#include "driver/build_options.h"
#include "driver/data_directory.h"
#include "pipeline/ipxe_targets.h"
#include "support/error.h"

namespace romfit::driver {

std::vector<OptionSpec> historyBuildOptionSpecs() {
  return {
      {{"--ipxe"}, "REPO", "the iPXE git repository (its top or its src/); only read, and given a work tree under DIR"},
      {{"--rom"}, "ID", "a ROM to build at each commit, 8 hex digits; repeatable", true},
      {{"--rom-set"}, "SET", "qemu: QEMU's 8 NIC ROMs"},
      {{"--image"}, "KIND", "an image in each ROM (as romfit build takes it); repeatable", true},
      {{"--config"}, "NAME", "iPXE's CONFIG (e.g. qemu)"},
      {{"--rules"}, "FILE", "the rule set, or auto (default)"},
      {{"--cross"}, "ARCH=PREFIX", "iPXE's CROSS for an architecture; repeatable", true},
      {{"--layout"}, "LAYOUT", "similarity (default) or link-order"},
      {{"-j"}, "N", "parallel jobs for make and ninja"},
      {{"--verify"}, "", "boot-prove each built commit's ROMs (default: --no-verify)"},
      {{"-o", "--output"}, "DIR", "history.json, the work tree, the build and the outputs"},
  };
}

llvm::Expected<history::WorkspaceRequest> workspaceRequestFrom(const ParsedArguments &arguments) {
  history::WorkspaceRequest request;
  auto repository = arguments.get("--ipxe");
  auto directory = arguments.get("--output");
  if (!repository)
    return makeError("--ipxe REPO is required");
  if (!directory)
    return makeError("-o DIR is required");
  request.repository = *repository;
  request.directory = *directory;
  if (!llvm::sys::fs::is_directory(request.repository))
    return makeError("--ipxe {}: no such directory", request.repository);

  auto romIds = requestedRomIds(arguments);
  if (!romIds)
    return romIds.takeError();
  request.romIds = std::move(*romIds);
  if (arguments.has("--rom-set"))
    request.buildArguments = {"--rom-set", "qemu"};
  if (request.romIds.empty())
    return makeError("give --rom ID or --rom-set qemu");
  for (const std::string &romId : arguments.getAll("--rom")) {
    if (llvm::Error error = pipeline::checkRomId(romId))
      return error;
    request.buildArguments.insert(request.buildArguments.end(), {"--rom", romId});
  }
  for (const char *repeatable : {"--image", "--cross"})
    for (const std::string &value : arguments.getAll(repeatable))
      request.buildArguments.insert(request.buildArguments.end(), {repeatable, value});
  for (const char *single : {"--config", "--rules", "--layout", "-j"})
    if (auto value = arguments.get(single))
      request.buildArguments.insert(request.buildArguments.end(), {single, *value});
  request.buildArguments.push_back(arguments.has("--verify") ? "--verify" : "--no-verify");

  request.romfit = romfitExecutable();
  return request;
}

} // namespace romfit::driver
