// romfit efirom: the command lines of EDK2's EfiRom (as QEMU's roms/Makefile
// and Fedora's ipxe.spec call it) and of iPXE's util/efirom, so a packaging
// script can point its EFIROM at romfit without other changes.
#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/Path.h>

#include "driver/command.h"
#include "driver/rom_report.h"
#include "rom/edk2_rom.h"
#include "rom/pci_rom_pack.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::driver {
namespace {

namespace edk2 = pci::edk2;

struct Edk2CommandLine {
  edk2::Layout layout;
  std::vector<edk2::Input> inputs;
  std::string output;
  bool vendorGiven = false;
  bool dump = false;
  bool verbose = false;
};

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

// EfiRom's rules, kept: -l and -r set the value for the next file and, when
// the file before has none yet, for that one too; -i takes every following
// argument up to the next option.
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

llvm::Expected<int> runEdk2(llvm::ArrayRef<std::string> arguments) {
  auto line = parseEdk2(arguments);
  if (!line)
    return line.takeError();
  if (line->dump) {
    const std::string &path = line->inputs.front().path;
    auto bytes = readFileBytes(path);
    if (!bytes)
      return bytes.takeError();
    auto text = edk2::dumpRom(*bytes, line->layout.pci23);
    if (!text)
      return withContext(text.takeError(), path);
    fmt::print("{}", *text);
    return kExitOk;
  }
  if (line->output.empty()) {
    llvm::SmallString<256> output(line->inputs.front().path);
    llvm::sys::path::replace_extension(output, ".rom");
    line->output = output.str().str();
  }
  std::vector<Bytes> contents;
  for (const edk2::Input &input : line->inputs) {
    if (llvm::sys::path::filename(input.path).equals_insensitive(
            llvm::sys::path::filename(line->output)) &&
        llvm::sys::path::parent_path(input.path) == llvm::sys::path::parent_path(line->output))
      return makeError("the output {} would overwrite an input", line->output);
    auto bytes = readFileBytes(input.path);
    if (!bytes)
      return bytes.takeError();
    contents.push_back(std::move(*bytes));
  }
  auto rom = edk2::buildRom(line->inputs, contents, line->layout);
  if (!rom)
    return rom.takeError();
  if (llvm::Error error = writeFileAtomically(line->output, *rom))
    return error;
  if (line->verbose)
    fmt::print("wrote {} ({} B, {} images)\n", line->output, rom->size(), line->inputs.size());
  return kExitOk;
}

// iPXE's util/efirom: [-v VENDOR] [-d DEVICE] [-c] IN OUT, IDs in hex.
llvm::Expected<int> runIpxe(llvm::ArrayRef<std::string> arguments) {
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
  auto pe = readFileBytes(files[0]);
  if (!pe)
    return pe.takeError();
  auto wrapped = pci::wrapEfiDriver(*pe, options);
  if (!wrapped)
    return withContext(wrapped.takeError(), files[0]);
  if (llvm::Error error = writeFileAtomically(files[1], wrapped->image))
    return error;
  return kExitOk;
}

// iPXE's form has two file names and only -v/-d/-c; anything of EfiRom's
// (-f, -i, -b, -e, -ec, -o, ...) or a lone -d FILE is EfiRom's.
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

llvm::Expected<int> runEfirom(const ParsedArguments &parsed) {
  llvm::ArrayRef<std::string> arguments = parsed.positionals;
  if (arguments.empty())
    return makeError("no arguments (see 'romfit efirom --help')");
  if (arguments.front() == "--edk2")
    return runEdk2(arguments.drop_front());
  if (arguments.front() == "--ipxe")
    return runIpxe(arguments.drop_front());
  if (arguments.front() == "--version") {
    fmt::print("romfit efirom: EDK2 EfiRom's and iPXE's efirom command lines\n");
    return kExitOk;
  }
  return looksLikeIpxe(arguments) ? runIpxe(arguments) : runEdk2(arguments);
}

RegisterCommand registerEfirom(
    CommandSpec{
        .name = "efirom",
        .summary = "EDK2's EfiRom and iPXE's efirom command lines, romfit's encoder behind -ec",
        .usage = "[--edk2|--ipxe] ARGUMENTS...",
        .description =
            "EDK2 EfiRom's form, as QEMU's roms/Makefile and Fedora's ipxe.spec use it:\n"
            "  romfit efirom -f VENDOR -i DEVICE [DEVICE...] [-p|--pci23] [-n]\n"
            "                [-l CLASS] [-r REV] [-b LEGACY]... [-e EFI]... [-ec EFI]... -o OUT\n"
            "  romfit efirom -d|--dump [-p] ROM\n"
            "Images follow in the order given; -l and -r apply to the next file (and to the\n"
            "one before it when that has none), as in EfiRom. -e stores a PE as it is, -ec\n"
            "EFI-compresses it with romfit's encoder; the layout is EfiRom's byte for byte\n"
            "(PCI 3.0 PCIR unless -p, a device list when -i gives two or more IDs, no\n"
            "checksum in EFI images). Numbers are decimal, or hexadecimal with 0x.\n"
            "\n"
            "iPXE util/efirom's form (IDs in hexadecimal; -c compresses):\n"
            "  romfit efirom [-v VENDOR] [-d DEVICE] [-c] IN OUT\n"
            "\n"
            "The form is told by the arguments: two file names with only -v, -d and -c are\n"
            "iPXE's; anything else is EfiRom's. --edk2 or --ipxe as the first argument\n"
            "settles it; so does the name romfit runs under: a link named EfiRom is\n"
            "EfiRom's form, one named efirom is iPXE's (catrom and catrom.pl are\n"
            "'romfit catrom'). Outputs are written whole or not at all.",
        .options = {},
        .rawArguments = true,
    },
    runEfirom);

} // namespace
} // namespace romfit::driver
