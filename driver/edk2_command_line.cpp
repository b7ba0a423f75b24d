// EDK2 EfiRom's command line (efirom_command_lines.h); iPXE util/efirom's is
// in ipxe_efirom_command_line.cpp.
#include "driver/efirom_command_lines.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <tuple>

#include <llvm/ADT/StringExtras.h>

#include "driver/rom_report.h"
#include "support/error.h"

namespace romfit::driver {
namespace {

namespace edk2 = pci::edk2;

bool is(llvm::StringRef argument, std::initializer_list<llvm::StringRef> names) {
  for (llvm::StringRef name : names) {
    if (argument.equals_insensitive(name))
      return true;
  }
  return false;
}

llvm::Expected<uint64_t> numberFor(llvm::ArrayRef<std::string> arguments, size_t &i,
                                   uint64_t limit, llvm::StringRef what) {
  const std::string &option = arguments[i];
  if (i + 1 >= arguments.size())
    return makeError("{} needs a value ({})", option, what);
  auto value = edk2::parseNumber(arguments[++i]);
  if (!value)
    return withContext(value.takeError(), option);
  if (*value > limit)
    return makeError("{} {}: {} is out of range (at most {:#x})", option, arguments[i], what,
                     limit);
  return *value;
}

} // namespace

llvm::Expected<Edk2CommandLine> parseEdk2(llvm::ArrayRef<std::string> arguments) {
  Edk2CommandLine line;
  std::optional<edk2::InputKind> kind;
  uint32_t classCode = 0;
  uint16_t codeRevision = 0;
  for (size_t i = 0; i < arguments.size(); ++i) {
    llvm::StringRef argument = arguments[i];
    if (!argument.startswith("-")) {
      if (!kind)
        return makeError("input file {} comes before any -b, -e or -ec", argument);
      line.inputs.push_back({argument.str(), *kind, classCode, codeRevision});
      classCode = 0;
      codeRevision = 0;
      continue;
    }
    if (is(argument, {"-f"})) {
      auto vendor = numberFor(arguments, i, 0xFFFF, "vendor ID");
      if (!vendor)
        return vendor.takeError();
      line.layout.vendor = uint16_t(*vendor);
      line.vendorGiven = true;
    } else if (is(argument, {"-i"})) {
      if (i + 1 >= arguments.size() || llvm::StringRef(arguments[i + 1]).startswith("-"))
        return makeError("-i needs at least one device ID");
      while (i + 1 < arguments.size() && !llvm::StringRef(arguments[i + 1]).startswith("-")) {
        auto device = edk2::parseNumber(arguments[++i]);
        if (!device)
          return withContext(device.takeError(), "-i");
        if (*device == 0 || *device > 0xFFFF)
          return makeError("-i {}: a device ID is 0x0001 to 0xffff (0 ends the list)",
                           arguments[i]);
        line.layout.devices.push_back(uint16_t(*device));
      }
    } else if (is(argument, {"-o", "--output"})) {
      if (i + 1 >= arguments.size() || llvm::StringRef(arguments[i + 1]).startswith("-"))
        return makeError("{} needs an output file name", argument);
      line.output = arguments[++i];
    } else if (is(argument, {"-b"})) {
      kind = edk2::InputKind::Binary;
    } else if (is(argument, {"-e"})) {
      kind = edk2::InputKind::Efi;
    } else if (is(argument, {"-ec"})) {
      kind = edk2::InputKind::EfiCompressed;
    } else if (is(argument, {"-n"})) {
      line.layout.flagLast = false;
    } else if (is(argument, {"-p", "--pci23"})) {
      line.layout.pci23 = true;
    } else if (is(argument, {"-d", "--dump"})) {
      line.dump = true;
      kind = edk2::InputKind::Binary;
    } else if (is(argument, {"-l", "--class-code"})) {
      auto value = numberFor(arguments, i, 0xFFFFFF, "class code");
      if (!value)
        return value.takeError();
      classCode = uint32_t(*value);
      if (!line.inputs.empty() && line.inputs.back().classCode == 0)
        line.inputs.back().classCode = classCode;
    } else if (is(argument, {"-r", "--revision"})) {
      auto value = numberFor(arguments, i, 0xFFFF, "code revision");
      if (!value)
        return value.takeError();
      codeRevision = uint16_t(*value);
      if (!line.inputs.empty() && line.inputs.back().codeRevision == 0)
        line.inputs.back().codeRevision = codeRevision;
    } else if (is(argument, {"-v", "--verbose"})) {
      line.verbose = true;
    } else if (is(argument, {"-q", "--quiet"})) {
      line.verbose = false;
    } else if (is(argument, {"--debug"})) {
      if (auto level = numberFor(arguments, i, 9, "debug level"); !level)
        return level.takeError();
    } else {
      return makeError("unknown option '{}' (see 'romfit efirom --help')", argument);
    }
  }
  if (line.inputs.empty())
    return makeError("no input file (give -b LEGACY, -e EFI or -ec EFI)");
  bool anyEfi = std::any_of(line.inputs.begin(), line.inputs.end(), [](const edk2::Input &input) {
    return input.kind != edk2::InputKind::Binary;
  });
  if (anyEfi && !line.dump) {
    if (!line.vendorGiven)
      return makeError("EFI images need a vendor ID: give -f VENDOR");
    if (line.layout.devices.empty())
      return makeError("EFI images need a device ID: give -i DEVICE");
  }
  if (line.layout.pci23 && line.layout.devices.size() > 1)
    return makeError("a device list needs PCI 3.0: drop -p/--pci23 or give one -i ID");
  return line;
}

} // namespace romfit::driver
