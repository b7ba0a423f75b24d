// romfit pack: builds a PCI option ROM from legacy images and EFI drivers,
// and refuses to write one over budget.
#include <optional>

#include <fmt/format.h>
#include <llvm/Support/Path.h>

#include "report/budget.h"
#include "support/error.h"
#include "support/file_io.h"
#include "rom/pci_rom.h"
#include "rom/pci_rom_pack.h"
#include "rom/pe_summary.h"
#include "rom/rom_assembly.h"
#include "driver/command.h"
#include "driver/rom_report.h"

namespace romfit::driver {
namespace {

// IDs for wrapped EFI drivers: the options, else the first legacy image's.
llvm::Expected<pci::EfiWrapOptions> efiOptions(const ParsedArguments &arguments,
                                               const std::vector<pci::PackInput> &legacyImages,
                                               bool &idsKnown) {
  pci::EfiWrapOptions options;
  options.compress = !arguments.has("--no-compress");
  auto level = compressionLevelOption(arguments);
  if (!level)
    return level.takeError();
  options.level = *level;
  std::optional<pci::Image> reference;
  if (!legacyImages.empty()) {
    auto image = pci::parseImageAt(legacyImages.front().image, 0);
    if (!image)
      return image.takeError();
    reference = std::move(*image);
    options.vendor = reference->pcir.vendor;
    options.device = reference->pcir.device;
    options.classCode = reference->pcir.classCode;
  }
  struct IdOption { const char *name; uint32_t max; uint32_t *target; };
  uint32_t vendor = options.vendor, device = options.device, classCode = options.classCode;
  for (IdOption id : {IdOption{"--vendor", 0xFFFF, &vendor}, IdOption{"--device", 0xFFFF, &device},
                      IdOption{"--class", 0xFFFFFF, &classCode}}) {
    auto text = arguments.get(id.name);
    if (!text)
      continue;
    auto value = parseHexOption(*text, id.name, id.max);
    if (!value)
      return value.takeError();
    *id.target = *value;
  }
  idsKnown = reference || (arguments.has("--vendor") && arguments.has("--device"));
  options.vendor = uint16_t(vendor);
  options.device = uint16_t(device);
  options.classCode = classCode;
  if (auto text = arguments.get("--device-list")) {
    auto devices = parseDeviceList(*text);
    if (!devices)
      return devices.takeError();
    options.deviceList = std::move(*devices);
  }
  return options;
}

llvm::Expected<int> runPack(const ParsedArguments &arguments) {
  auto output = arguments.get("--output");
  if (!output)
    return makeError("'romfit pack' needs -o OUT");
  auto budget = budgetOption(arguments);
  if (!budget)
    return budget.takeError();
  if (arguments.getAll("--legacy").empty() && arguments.getAll("--efi").empty())
    return makeError("nothing to pack: give --legacy ROM and/or --efi FILE");

  std::vector<pci::PackInput> images;
  if (llvm::Error error = pci::appendRomFiles(arguments.getAll("--legacy"), images))
    return error;
  bool idsKnown = false;
  auto options = efiOptions(arguments, images, idsKnown);
  if (!options)
    return options.takeError();
  if (llvm::Error error = pci::appendEfiFiles(arguments.getAll("--efi"), *options, idsKnown, images))
    return error;
  auto rom = pci::assembleRom(std::move(images));
  if (!rom)
    return rom.takeError();

  if (auto pad = arguments.get("--pad")) {
    uint64_t target = nextPowerOfTwo(rom->bytes.size());
    if (*pad != "pow2") {
      auto size = parseByteSize(*pad);
      if (!size)
        return size.takeError();
      target = *size;
    }
    if (llvm::Error error = pci::padRom(*rom, target))
      return withContext(std::move(error), "--pad " + *pad);
  }

  BudgetLine line = measureAgainstBudget(rom->bytes.size(), *budget);
  fmt::print("{}:\n", *output);
  fmt::print("{}", budgetTableText(rom->parts, line));
  if (!line.fits() && !arguments.has("--no-budget-gate")) {
    std::fflush(stdout);
    fmt::print(stderr,
               "romfit pack: over budget by {} bytes: {} B against a budget of {} B; {} not "
               "written\n",
               withThousands(uint64_t(-line.headroom)), withThousands(line.size),
               withThousands(line.budget), *output);
    return kExitCheckFailed;
  }
  if (llvm::Error error = writeFileAtomically(*output, rom->bytes))
    return error;
  fmt::print("wrote {} ({} B)\n", *output, withThousands(rom->bytes.size()));
  return kExitOk;
}

RegisterCommand registerPack(
    CommandSpec{
        .name = "pack",
        .summary = "build a PCI option ROM from legacy images and EFI drivers, within budget",
        .usage = "-o OUT [--legacy ROM]... [--efi PE|EFIROM]... [OPTIONS]",
        .description =
            "Chains the images of each --legacy ROM as they are, then each --efi input: a PE\n"
            "EFI driver is wrapped the way iPXE's efirom does it (EFI ROM header, PCIR,\n"
            "machine and subsystem from the PE, EFI-compressed unless --no-compress); an\n"
            "existing EFI ROM image is taken as is. Only the final image is flagged last,\n"
            "with the checksum kept valid. Vendor, device and class default to the first\n"
            "legacy image's. A ROM over the budget is not written (exit status 1), unless\n"
            "--no-budget-gate: then the table still measures it against the budget and the\n"
            "ROM is written, for a caller that gates it itself (romfit build does, and builds\n"
            "the unpruned ROM, over budget by design, to compare with).",
        .options =
            {
                {{"-o", "--output"}, "OUT", "the ROM to write"},
                {{"--legacy"}, "ROM", "legacy ROM whose images go first, unchanged", true},
                {{"--efi"}, "FILE", "EFI driver (PE) or EFI ROM image", true},
                {{"--vendor"}, "V", "PCI vendor ID for wrapped EFI drivers (hex)"},
                {{"--device"}, "D", "PCI device ID for wrapped EFI drivers (hex)"},
                {{"--device-list"}, "IDS", "comma-separated hex device IDs (PCI 3.0 list)"},
                {{"--class"}, "C", "PCI class code for wrapped EFI drivers (hex, default 020000)"},
                {{"--no-compress"}, "", "store EFI drivers uncompressed"},
                {{"--level"}, "LEVEL", "EFI compression: optimal (smallest, default) or fast"},
                {{"--pad"}, "SIZE|pow2", "pad the ROM with zeros to SIZE or the next power of two"},
                {{"--budget"}, "SIZE", "size budget (default 256KiB)"},
                {{"--no-budget-gate"}, "", "write the ROM even when it is over the budget"},
            },
        .maxPositionals = 0,
    },
    runPack);

} // namespace
} // namespace romfit::driver
