// iPXE util/efirom's command line (efirom_command_lines.h); EfiRom's is in
// edk2_command_line.cpp.
#include "driver/efirom_command_lines.h"

#include <cstring>
#include <optional>
#include <tuple>

#include <llvm/ADT/StringExtras.h>

#include "driver/rom_report.h"
#include "support/error.h"

namespace romfit::driver {

llvm::Expected<IpxeEfiromCommandLine> parseIpxeEfirom(llvm::ArrayRef<std::string> arguments) {
  pci::EfiWrapOptions options;
  options.compress = false;
  std::vector<std::string> files;
  for (size_t i = 0; i < arguments.size(); ++i) {
    llvm::StringRef argument = arguments[i];
    std::optional<std::string> value;
    uint16_t *target = nullptr;
    for (auto [shortName, longName, field] :
         {std::tuple{"-v", "--vendor", &options.vendor}, {"-d", "--device", &options.device}}) {
      if (argument == shortName || argument == longName) {
        if (i + 1 >= arguments.size())
          return makeError("{} needs a hexadecimal ID", argument);
        value = arguments[++i];
      } else if (argument.startswith(shortName) && !argument.startswith("--")) {
        value = argument.drop_front(2).str();
      } else if (argument.startswith(std::string(longName) + "=")) {
        value = argument.drop_front(strlen(longName) + 1).str();
      } else {
        continue;
      }
      target = field;
      break;
    }
    if (target) {
      auto id = parseHexOption(*value, argument, 0xFFFF);
      if (!id)
        return id.takeError();
      *target = uint16_t(*id);
    } else if (argument == "-c" || argument == "--compress") {
      options.compress = true;
    } else if (argument.startswith("-") && argument.size() > 1) {
      return makeError("unknown option '{}' (see 'romfit efirom --help')", argument);
    } else {
      files.push_back(argument.str());
    }
  }
  if (files.size() != 2)
    return makeError("iPXE's efirom form takes IN OUT, got {} file names", files.size());
  return IpxeEfiromCommandLine{options, files[0], files[1]};
}

bool looksLikeIpxe(llvm::ArrayRef<std::string> arguments) {
  size_t files = 0;
  for (size_t i = 0; i < arguments.size(); ++i) {
    llvm::StringRef argument = arguments[i];
    if (argument == "-v" || argument == "-d" || argument == "--vendor" || argument == "--device")
      ++i;
    else if (argument == "-c" || argument == "--compress" || argument.startswith("--vendor=") ||
             argument.startswith("--device=") ||
             ((argument.startswith("-v") || argument.startswith("-d")) && argument.size() > 2 &&
              llvm::isHexDigit(argument[2])))
      continue;
    else if (argument.startswith("-"))
      return false;
    else
      ++files;
  }
  return files == 2;
}

} // namespace romfit::driver
