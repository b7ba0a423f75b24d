#include "driver/proof_options.h"

namespace romfit::driver {

std::vector<OptionSpec> withProofOptions(std::vector<OptionSpec> options) {
  options.insert(options.end(), {
      {{"--depth"}, "full|dhcp", "full network boot (default) or a DHCP address alone"},
      {{"--boot-programs"}, "DIR", "where the boot programs' Debian packages are unpacked"},
      {{"--expect"}, "LINE",
       "a line every firmware must show, instead of the depth's (repeatable, in order)", true},
  });
  return options;
}

llvm::Expected<verify::BootCheckRequest> proofRequestFrom(const ParsedArguments &arguments) {
  verify::BootCheckRequest request;
  request.expectedLines = arguments.getAll("--expect");
  auto depth = verify::parseDepth(arguments.get("--depth").value_or("full"));
  if (!depth)
    return depth.takeError();
  request.depth = *depth;
  if (auto cache = arguments.get("--boot-programs"))
    request.bootProgramCache = *cache;
  return request;
}

} // namespace romfit::driver
