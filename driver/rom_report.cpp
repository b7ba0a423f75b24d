#include "driver/rom_report.h"

#include <algorithm>

#include <fmt/format.h>
#include <llvm/ADT/SmallVector.h>

#include "support/error.h"
#include "support/file_io.h"
#include "driver/arguments.h"

namespace romfit::driver {

llvm::Expected<LoadedRom> loadRom(llvm::StringRef path) {
  LoadedRom loaded;
  loaded.path = path.str();
  auto bytes = readFileBytes(path);
  if (!bytes)
    return bytes.takeError();
  loaded.bytes = std::move(*bytes);
  auto rom = pci::parse(loaded.bytes);
  if (!rom)
    return withContext(rom.takeError(), loaded.path);
  loaded.rom = std::move(*rom);
  return loaded;
}

llvm::Expected<uint32_t> parseHexOption(llvm::StringRef text, llvm::StringRef option, uint32_t max) {
  llvm::StringRef digits = text.trim();
  if (digits.startswith_insensitive("0x"))
    digits = digits.drop_front(2);
  uint64_t value = 0;
  if (digits.empty() || digits.getAsInteger(16, value) || value > max)
    return makeError("{}: '{}' is not a hex value up to {:#x}", option.str(), text.str(), max);
  return uint32_t(value);
}

llvm::Expected<std::vector<uint16_t>> parseDeviceList(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef, 8> parts;
  text.split(parts, ',', -1, /*KeepEmpty=*/false);
  std::vector<uint16_t> devices;
  for (llvm::StringRef part : parts) {
    auto device = parseHexOption(part, "--device-list", 0xFFFF);
    if (!device)
      return device.takeError();
    if (*device == 0)
      return makeError("--device-list: device ID 0 would end the list");
    devices.push_back(uint16_t(*device));
  }
  if (devices.empty())
    return makeError("--device-list: no device IDs in '{}'", text.str());
  return devices;
}

llvm::Expected<efi::EfiLevel> compressionLevelOption(const ParsedArguments &arguments) {
  if (auto text = arguments.get("--level"))
    return efi::parseLevel(*text);
  return efi::kDefaultLevel;
}

llvm::Expected<uint64_t> budgetOption(const ParsedArguments &arguments) {
  if (auto text = arguments.get("--budget"))
    return parseByteSize(*text);
  return kDefaultBudget;
}

} // namespace romfit::driver
