// romfit inspect: every image of a PCI expansion ROM and the ROM against
// its size budget.
#include <fmt/format.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include "report/budget.h"
#include "rom/pci_rom.h"
#include "rom/rom_assembly.h"
#include "rom/pe_summary.h"
#include "driver/command.h"
#include "driver/rom_report.h"

namespace romfit::driver {
namespace {

std::string yesNo(bool ok) { return ok ? "ok" : "BAD"; }

std::string deviceListText(const std::vector<uint16_t> &devices) {
  std::string text;
  for (uint16_t device : devices)
    text += fmt::format("{}{:04x}", text.empty() ? "" : ",", device);
  return text;
}

void printHeader(const char *name, const std::optional<pci::ChecksummedHeader> &header) {
  if (!header) {
    fmt::print("      {:<5} absent\n", name);
    return;
  }
  fmt::print("      {:<5} at {:#x}, {} bytes, checksum {}\n", name, header->offset, header->length,
             yesNo(header->checksumOk));
}

void printEfi(const pci::EfiDetails &efi, uint64_t imageOffset) {
  fmt::print("    EFI: {}, {}, {}, PE at {:#x}\n", pe::machineName(efi.machine),
             pe::subsystemName(efi.subsystem),
             efi.isCompressed() ? "EFI-compressed" : "uncompressed", imageOffset + efi.peOffset);
  fmt::print("    compressed size {}, uncompressed size {}\n",
             efi.compressedSize ? withThousands(*efi.compressedSize) + " B" : "-",
             efi.uncompressedSize ? withThousands(*efi.uncompressedSize) + " B" : "unavailable");
  if (!efi.pe) {
    fmt::print("    PE summary unavailable: {}\n", efi.peUnavailable);
    return;
  }
  const pe::Summary &pe = *efi.pe;
  fmt::print("    PE: {}, {}, {}, entry point {:#x}, {} sections\n", pe.pe32Plus ? "PE32+" : "PE32",
             pe::machineName(pe.machine), pe::subsystemName(pe.subsystem), pe.entryPoint,
             pe.sections.size());
  for (const pe::Section &section : pe.sections)
    fmt::print("      {:<8}  {:>9} B in file  {:>9} B in memory at {:#x}\n", section.name,
               withThousands(section.rawSize), withThousands(section.virtualSize),
               section.virtualAddress);
}

// Firmware checks a legacy image's sum; an EFI image needs none, and EDK2's
// EfiRom writes none, so a nonzero sum there is no fault.
std::string checksumText(const pci::Image &image) {
  if (image.checksumOk)
    return "ok";
  return image.efi ? "none (an EFI image needs none)" : "BAD";
}

void printText(const LoadedRom &loaded, const BudgetLine &line) {
  const pci::Rom &rom = loaded.rom;
  fmt::print("{}: {} B, {} image{}\n", loaded.path, withThousands(rom.fileSize), rom.images.size(),
             rom.images.size() == 1 ? "" : "s");
  std::vector<BudgetRow> rows;
  for (size_t i = 0; i < rom.images.size(); ++i) {
    const pci::Image &image = rom.images[i];
    const pci::DataStructure &pcir = image.pcir;
    fmt::print("  image {} at {:#x}: {}, {} B, {:04x}:{:04x}, class {:06x}, checksum {}{}\n", i,
               image.offset, pci::imageTypeText(image), withThousands(image.length), pcir.vendor,
               pcir.device, pcir.classCode, checksumText(image),
               image.isLast() ? ", last image" : "");
    fmt::print("    PCIR at {:#x}: revision {}, length {}, code type {}, code revision {:#06x}, "
               "device list {}\n",
               pcir.offset, pcir.revision, pcir.length, pcir.codeType, pcir.codeRevision,
               pcir.deviceList.empty() ? "none" : deviceListText(pcir.deviceList));
    if (image.legacy) {
      fmt::print("    init size {} B\n", withThousands(image.legacy->initSize));
      printHeader("$PnP", image.legacy->pnp);
      printHeader("UNDI", image.legacy->undi);
      printHeader("iPXE", image.legacy->ipxe);
    }
    if (image.efi)
      printEfi(*image.efi, image.offset);
    rows.push_back({fmt::format("image {}", i), pci::imageTypeText(image), image.length});
  }
  if (rom.trailingBytes)
    rows.push_back({"trailing", "after the last image", rom.trailingBytes});
  printBudgetTable(rows, line);
}

llvm::json::Value headerJson(const std::optional<pci::ChecksummedHeader> &header) {
  if (!header)
    return nullptr;
  return llvm::json::Object{{"offset", int64_t(header->offset)},
                            {"length", int64_t(header->length)},
                            {"checksum_ok", header->checksumOk}};
}

template <typename T> llvm::json::Value optionalJson(const std::optional<T> &value) {
  if (!value)
    return nullptr;
  return int64_t(*value);
}

llvm::json::Value peJson(const pci::EfiDetails &efi) {
  if (!efi.pe)
    return nullptr;
  llvm::json::Array sections;
  for (const pe::Section &section : efi.pe->sections)
    sections.push_back(llvm::json::Object{{"name", section.name},
                                          {"virtual_address", int64_t(section.virtualAddress)},
                                          {"virtual_size", int64_t(section.virtualSize)},
                                          {"raw_size", int64_t(section.rawSize)}});
  return llvm::json::Object{{"machine", pe::machineName(efi.pe->machine)},
                            {"subsystem", int64_t(efi.pe->subsystem)},
                            {"pe32_plus", efi.pe->pe32Plus},
                            {"entry_point", int64_t(efi.pe->entryPoint)},
                            {"sections", std::move(sections)}};
}

llvm::json::Object imageJson(const pci::Image &image) {
  const pci::DataStructure &pcir = image.pcir;
  llvm::json::Array deviceList;
  for (uint16_t device : pcir.deviceList)
    deviceList.push_back(int64_t(device));
  llvm::json::Object object{
      {"offset", int64_t(image.offset)},
      {"length", int64_t(image.length)},
      {"type", pci::codeTypeName(pcir.codeType)},
      {"code_type", int64_t(pcir.codeType)},
      {"vendor", int64_t(pcir.vendor)},
      {"device", int64_t(pcir.device)},
      {"class", int64_t(pcir.classCode)},
      {"pcir_offset", int64_t(pcir.offset)},
      {"pcir_revision", int64_t(pcir.revision)},
      {"code_revision", int64_t(pcir.codeRevision)},
      {"device_list", std::move(deviceList)},
      {"last", image.isLast()},
      {"checksum_ok", image.checksumOk},
      {"checksum_required", !image.efi},
      {"machine", nullptr},
      {"compressed", false},
  };
  if (image.legacy) {
    object["init_size"] = int64_t(image.legacy->initSize);
    object["pnp"] = headerJson(image.legacy->pnp);
    object["undi"] = headerJson(image.legacy->undi);
    object["ipxe"] = headerJson(image.legacy->ipxe);
  }
  if (const auto &efi = image.efi) {
    object["init_size"] = int64_t(efi->initSize);
    object["machine"] = pe::machineName(efi->machine);
    object["machine_type"] = int64_t(efi->machine);
    object["subsystem"] = int64_t(efi->subsystem);
    object["compression_type"] = int64_t(efi->compressionType);
    object["compressed"] = efi->isCompressed();
    object["pe_offset"] = int64_t(image.offset + efi->peOffset);
    object["compressed_size"] = optionalJson(efi->compressedSize);
    object["uncompressed_size"] = optionalJson(efi->uncompressedSize);
    object["pe"] = peJson(*efi);
    if (!efi->pe)
      object["pe_unavailable"] = efi->peUnavailable;
  }
  return object;
}

void printJson(const LoadedRom &loaded, const BudgetLine &line) {
  llvm::json::Array images;
  for (const pci::Image &image : loaded.rom.images)
    images.push_back(imageJson(image));
  llvm::json::Object document{
      {"file", loaded.path},
      {"size", int64_t(line.size)},
      {"budget", int64_t(line.budget)},
      {"bar_size", int64_t(line.barSize)},
      {"headroom", line.headroom},
      {"fits", line.fits()},
      {"trailing_bytes", int64_t(loaded.rom.trailingBytes)},
      {"images", std::move(images)},
  };
  // One document per line, so several ROMs stay easy to split.
  std::string text;
  llvm::raw_string_ostream stream(text);
  stream << llvm::json::Value(std::move(document));
  fmt::print("{}\n", stream.str());
}

llvm::Expected<int> runInspect(const ParsedArguments &arguments) {
  auto budget = budgetOption(arguments);
  if (!budget)
    return budget.takeError();
  bool json = arguments.has("--json");
  int status = kExitOk;
  for (const std::string &path : arguments.positionals) {
    if (!json && &path != &arguments.positionals.front())
      fmt::print("\n");
    auto loaded = loadRom(path);
    if (!loaded)
      return loaded.takeError();
    BudgetLine line = measureAgainstBudget(loaded->rom.fileSize, *budget);
    if (json)
      printJson(*loaded, line);
    else
      printText(*loaded, line);
    if (!line.fits())
      status = kExitCheckFailed;
  }
  return status;
}

RegisterCommand registerInspect(
    CommandSpec{
        .name = "inspect",
        .summary = "show the images of PCI option ROMs and their size against the budget",
        .usage = "[--json] [--budget SIZE] ROM...",
        .description =
            "Walks each ROM image by image: offset, length, code type, vendor/device, class,\n"
            "device list, last-image flag and checksum; for legacy images the init size and\n"
            "the $PnP, UNDI and iPXE headers; for EFI images machine, subsystem, compression\n"
            "and the PE inside. Ends with the total against the budget, the BAR size QEMU\n"
            "would map (next power of two) and the headroom. Exit status 1 when a ROM is\n"
            "over budget.",
        .options = {{{"--json"}, "", "one JSON document per ROM, one per line"},
                    {{"--budget"}, "SIZE", "size budget (default 256KiB)"}},
        .minPositionals = 1,
    },
    runInspect);

} // namespace
} // namespace romfit::driver
