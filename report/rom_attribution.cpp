#include "report/rom_attribution.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "compress/efi_decode_trace.h"
#include "compress/error.h"
#include "compress/file_io.h"
#include "compress/pci_rom.h"
#include "report/byte_costs.h"
#include "report/pe_attribution.h"

namespace romfit::report {

namespace {

// The linked files of the image whose PE is exactly `pe`, if the ROM sits
// in a romfit build directory: DIR/ID.rom with DIR/ID/efi-ARCH/*.efidrv.
llvm::Expected<std::optional<LinkDetail>> findLinkDetail(llvm::StringRef romPath,
                                                        const std::string &imageName,
                                                        llvm::ArrayRef<uint8_t> pe) {
  llvm::StringRef fileName = llvm::sys::path::filename(romPath);
  llvm::SmallString<256> dir = llvm::sys::path::parent_path(romPath);
  llvm::sys::path::append(dir, fileName.split('.').first,
                          "efi-" + llvm::StringRef(imageName).drop_front(4));
  for (const char *stem : {"pruned", "unpruned"}) {
    std::string base = (dir + "/" + stem).str();
    if (!llvm::sys::fs::exists(base + ".efidrv"))
      continue;
    auto efidrv = readFileBytes(base + ".efidrv");
    if (!efidrv)
      return efidrv.takeError();
    if (*efidrv != llvm::ArrayRef<uint8_t>(pe).vec())
      continue;
    auto elf = readLinkedElf(base + ".elf");
    if (!elf)
      return elf.takeError();
    auto map = readLinkMap(base + ".map");
    if (!map)
      return map.takeError();
    return LinkDetail{std::move(*elf), std::move(*map)};
  }
  return std::nullopt;
}

llvm::Expected<SizeNode> attributeEfiImage(llvm::StringRef romPath, llvm::ArrayRef<uint8_t> rom,
                                           const pci::Image &image, const std::string &name,
                                           std::vector<std::string> &notes) {
  const pci::EfiDetails &efi = *image.efi;
  llvm::ArrayRef<uint8_t> bytes = pci::imageBytes(rom, image);
  SizeNode node = plainRow(name, RowKind::Image, image.length);
  node.add(plainRow("ROM header and PCI data", RowKind::Overhead, efi.peOffset));
  llvm::ArrayRef<uint8_t> payload = bytes.drop_front(efi.peOffset);

  pci::Bytes pe;
  ByteCosts costs = ByteCosts::stored();
  uint64_t streamEnd = 0;  // bytes of the payload the PE or its stream take
  if (efi.isCompressed()) {
    efi::DecodeTrace trace;
    auto decoded = efi::decompressTraced(payload.take_front(*efi.compressedSize), trace);
    if (!decoded)
      return withContext(decoded.takeError(),
                         fmt::format("{}: EFI image at offset {:#x}", romPath, image.offset));
    pe = std::move(*decoded);
    costs = ByteCosts::fromTrace(trace, pe.size());
    streamEnd = *efi.compressedSize;
    node.add(plainRow("EFI stream header", RowKind::Overhead, efi::kHeaderSize)).raw = 0;
    uint64_t framingBits = trace.bodyBits - std::min(trace.bodyBits, trace.tokenBits());
    node.add(compressedRow(fmt::format("EFI block headers ({} blocks)", trace.blockCount),
                           RowKind::Overhead, 0, double(framingBits)));
  } else {
    auto extracted = pci::extractPe(rom, image);
    if (!extracted)
      return withContext(extracted.takeError(), romPath.str());
    pe = std::move(*extracted);
    streamEnd = pe.size();
  }

  auto summary = pe::summarize(pe);
  if (!summary)
    return withContext(summary.takeError(),
                       fmt::format("{}: EFI image at offset {:#x}: PE", romPath, image.offset));
  auto detail = findLinkDetail(romPath, name, pe);
  if (!detail)
    return detail.takeError();
  if (!*detail)
    notes.push_back(fmt::format("{}: no linked ELF and map beside the ROM, so attributed down to PE "
                                "sections only",
                                name));
  std::vector<SizeNode> peRows =
      attributePe(pe.size(), *summary, costs, *detail ? &**detail : nullptr);
  // Inside a stream these rows share the stream's bytes with the block
  // headers, by the bits spent on each.
  for (SizeNode &row : peRows)
    node.add(std::move(row));
  uint64_t used = efi.peOffset + streamEnd;
  node.add(plainRow("image padding", RowKind::Overhead, image.length - std::min(used, image.length)));
  return node;
}

SizeNode attributeLegacyImage(const pci::Image &image, std::vector<std::string> &notes) {
  SizeNode node = plainRow("legacy", RowKind::Image, image.length);
  node.add(plainRow("legacy code and data", RowKind::Section, image.length));
  notes.push_back("legacy: the BIOS image is attributed as a whole");
  return node;
}

std::string uniqueName(const std::string &name, std::vector<std::string> &used) {
  std::string candidate = name;
  for (int n = 2; std::find(used.begin(), used.end(), candidate) != used.end(); ++n)
    candidate = fmt::format("{}#{}", name, n);
  used.push_back(candidate);
  return candidate;
}

} // namespace

std::string efiImageName(uint16_t machine) {
  switch (machine) {
  case pe::kMachineX64: return "efi:x86_64";
  case pe::kMachineIa32: return "efi:i386";
  case pe::kMachineAArch64: return "efi:arm64";
  default: return "efi:" + pe::machineFileTag(machine);
  }
}

llvm::Expected<RomReport> attributeRom(llvm::StringRef romPath, uint64_t budget) {
  auto bytes = readFileBytes(romPath);
  if (!bytes)
    return bytes.takeError();
  auto rom = pci::parse(*bytes);
  if (!rom)
    return withContext(rom.takeError(), romPath.str());

  RomReport report;
  report.path = romPath.str();
  report.fileSize = bytes->size();
  report.budget = measureAgainstBudget(bytes->size(), budget);
  report.tree = plainRow(llvm::sys::path::filename(romPath).str(), RowKind::Rom, bytes->size());
  std::vector<std::string> names;
  uint64_t end = 0;
  for (const pci::Image &image : rom->images) {
    end = image.offset + image.length;
    if (image.efi) {
      std::string name = uniqueName(efiImageName(image.efi->machine), names);
      auto node = attributeEfiImage(romPath, *bytes, image, name, report.notes);
      if (!node)
        return node.takeError();
      report.tree.add(std::move(*node));
    } else {
      uniqueName("legacy", names);
      report.tree.add(attributeLegacyImage(image, report.notes));
    }
  }
  report.tree.add(plainRow("bytes after the last image", RowKind::Overhead, bytes->size() - end));
  finalizeTree(report.tree);
  if (llvm::Error error = checkReconciles(report.tree))
    return withContext(std::move(error), romPath.str());
  sortBySize(report.tree);
  return report;
}

llvm::Expected<std::vector<std::string>> romsNamedBy(llvm::StringRef argument) {
  if (!llvm::sys::fs::is_directory(argument))
    return std::vector<std::string>{argument.str()};
  std::vector<std::string> roms;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(argument, error), end; it != end && !error;
       it.increment(error)) {
    llvm::StringRef path = it->path();
    if (path.endswith(".rom") && !path.endswith(".unpruned.rom"))
      roms.push_back(path.str());
  }
  if (error)
    return makeError("{}: cannot list the directory: {}", argument, error.message());
  if (roms.empty())
    return makeError("{}: no ROM files (*.rom) in the directory", argument);
  std::sort(roms.begin(), roms.end());
  return roms;
}

} // namespace romfit::report
