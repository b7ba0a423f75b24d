#include "driver/proof_options.h"

#include "support/error.h"

namespace romfit::driver {

std::vector<OptionSpec> withProofOptions(std::vector<OptionSpec> options) {
  options.insert(options.end(), {
      {{"--depth"}, "full|dhcp", "full network boot (default) or a DHCP address alone"},
      {{"--boot-programs"}, "DIR", "where the boot programs' Debian packages are unpacked"},
      {{"--boot-program"}, "KIND=FILE",
       "the boot program for an image kind Debian has none for (efi:loong64: iPXE's "
       "snponly.efi)",
       true},
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
    request.bootPrograms.cacheDirectory = *cache;
  for (const std::string &given : arguments.getAll("--boot-program")) {
    auto [kind, file] = llvm::StringRef(given).split('=');
    if (file.empty() || (!kind.startswith("efi:") && kind != "legacy"))
      return makeError("--boot-program '{}': expected KIND=FILE, e.g. "
                       "efi:loong64=bin-loong64-efi/snponly.efi",
                       given);
    request.bootPrograms.given.emplace_back(kind.str(), file.str());
  }
  return request;
}

} // namespace romfit::driver
