#include "report/rom_inspection.h"

#include <fmt/format.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include "rom/pe_summary.h"
#include "rom/rom_assembly.h"
#include "support/byte_sizes.h"

namespace romfit::report {
namespace {

std::string yesNo(bool ok) { return ok ? "ok" : "BAD"; }

std::string deviceListText(const std::vector<uint16_t> &devices) {
  std::string text;
  for (uint16_t device : devices)
    text += fmt::format("{}{:04x}", text.empty() ? "" : ",", device);
  return text;
}

void addHeader(std::string &text, const char *name,
               const std::optional<pci::ChecksummedHeader> &header) {
  if (!header) {
    text += fmt::format("      {:<5} absent\n", name);
    return;
  }
  text += fmt::format("      {:<5} at {:#x}, {} bytes, checksum {}\n", name, header->offset, header->length,
             yesNo(header->checksumOk));
}

void addEfi(std::string &text, const pci::EfiDetails &efi, uint64_t imageOffset) {
  text += fmt::format("    EFI: {}, {}, {}, PE at {:#x}\n", pe::machineName(efi.machine),
             pe::subsystemName(efi.subsystem),
             efi.isCompressed() ? "EFI-compressed" : "uncompressed", imageOffset + efi.peOffset);
  text += fmt::format("    compressed size {}, uncompressed size {}\n",
             efi.compressedSize ? withThousands(*efi.compressedSize) + " B" : "-",
             efi.uncompressedSize ? withThousands(*efi.uncompressedSize) + " B" : "unavailable");
  if (!efi.pe) {
    text += fmt::format("    PE summary unavailable: {}\n", efi.peUnavailable);
    return;
  }
  const pe::Summary &pe = *efi.pe;
  text += fmt::format("    PE: {}, {}, {}, entry point {:#x}, {} sections\n", pe.pe32Plus ? "PE32+" : "PE32",
             pe::machineName(pe.machine), pe::subsystemName(pe.subsystem), pe.entryPoint,
             pe.sections.size());
  for (const pe::Section &section : pe.sections)
    text += fmt::format("      {:<8}  {:>9} B in file  {:>9} B in memory at {:#x}\n", section.name,
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

} // namespace

std::string romInspectionText(llvm::StringRef path, const pci::Rom &rom, const BudgetLine &line) {
  std::string text;
  text += fmt::format("{}: {} B, {} image{}\n", path.str(), withThousands(rom.fileSize), rom.images.size(),
             rom.images.size() == 1 ? "" : "s");
  std::vector<pci::RomPart> rows;
  for (size_t i = 0; i < rom.images.size(); ++i) {
    const pci::Image &image = rom.images[i];
    const pci::DataStructure &pcir = image.pcir;
    text += fmt::format("  image {} at {:#x}: {}, {} B, {:04x}:{:04x}, class {:06x}, checksum {}{}\n", i,
               image.offset, pci::imageTypeText(image), withThousands(image.length), pcir.vendor,
               pcir.device, pcir.classCode, checksumText(image),
               image.isLast() ? ", last image" : "");
    text += fmt::format("    PCIR at {:#x}: revision {}, length {}, code type {}, code revision {:#06x}, "
               "device list {}\n",
               pcir.offset, pcir.revision, pcir.length, pcir.codeType, pcir.codeRevision,
               pcir.deviceList.empty() ? "none" : deviceListText(pcir.deviceList));
    if (image.legacy) {
      text += fmt::format("    init size {} B\n", withThousands(image.legacy->initSize));
      addHeader(text, "$PnP", image.legacy->pnp);
      addHeader(text, "UNDI", image.legacy->undi);
      addHeader(text, "iPXE", image.legacy->ipxe);
    }
    if (image.efi)
      addEfi(text, *image.efi, image.offset);
    rows.push_back({fmt::format("image {}", i), pci::imageTypeText(image), image.length});
  }
  if (rom.trailingBytes)
    rows.push_back({"trailing", "after the last image", rom.trailingBytes});
  text += budgetTableText(rows, line);
  return text;
}

namespace {

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

} // namespace

std::string romInspectionJson(llvm::StringRef path, const pci::Rom &rom, const BudgetLine &line) {
  llvm::json::Array images;
  for (const pci::Image &image : rom.images)
    images.push_back(imageJson(image));
  llvm::json::Object document{
      {"file", path.str()},
      {"size", int64_t(line.size)},
      {"budget", int64_t(line.budget)},
      {"bar_size", int64_t(line.barSize)},
      {"headroom", line.headroom},
      {"fits", line.fits()},
      {"trailing_bytes", int64_t(rom.trailingBytes)},
      {"images", std::move(images)},
  };
  // One document per line, so several ROMs stay easy to split.
  std::string text;
  llvm::raw_string_ostream stream(text);
  stream << llvm::json::Value(std::move(document));
  return stream.str();
}

} // namespace romfit::report
