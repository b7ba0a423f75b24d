#include "report/rom_attribution.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "compress/efi_decode_trace.h"
#include "support/error.h"
#include "support/file_io.h"
#include "rom/pci_rom.h"
#include "report/byte_costs.h"
#include "report/legacy_attribution.h"
#include "pipeline/build_layout.h"
#include "report/pe_attribution.h"

namespace romfit::report {

namespace {

llvm::Expected<LinkDetail> readLinkDetail(const std::string &elfPath, const std::string &mapPath) {
  auto elf = analysis::readLinkedElf(elfPath);
  if (!elf)
    return elf.takeError();
  auto map = analysis::readLinkMap(mapPath);
  if (!map)
    return map.takeError();
  return LinkDetail{std::move(*elf), std::move(*map)};
}

// The linked files of the image whose PE is exactly `pe`, if the ROM sits
// in a romfit build directory: DIR/ID.rom with DIR/ID/efi-ARCH/*.efidrv.
llvm::Expected<std::optional<LinkDetail>> findLinkDetail(llvm::StringRef romPath,
                                                        const std::string &imageName,
                                                        llvm::ArrayRef<uint8_t> pe) {
  auto [outDir, romId] = pipeline::BuildLayout::locateRom(romPath);
  pipeline::BuildLayout layout(outDir);
  using pipeline::ImageFile;
  for (auto [driver, elf, map] :
       {std::tuple{ImageFile::PrunedDriver, ImageFile::PrunedElf, ImageFile::PrunedMap},
        std::tuple{ImageFile::UnprunedDriver, ImageFile::UnprunedElf, ImageFile::UnprunedMap}}) {
    std::string driverPath = layout.imageFile(romId, imageName, driver);
    if (!llvm::sys::fs::exists(driverPath))
      continue;
    auto efidrv = readFileBytes(driverPath);
    if (!efidrv)
      return efidrv.takeError();
    if (llvm::ArrayRef<uint8_t>(*efidrv) != pe)
      continue;
    return readLinkDetail(layout.imageFile(romId, imageName, elf),
                          layout.imageFile(romId, imageName, map));
  }
  return std::nullopt;
}

// A driver file's ELF and map: romfit build's pruned.efidrv has pruned.elf
// and pruned.map; iPXE's X.efidrv has X.efidrv.tmp and X.efidrv.tmp.map.
llvm::Expected<std::optional<LinkDetail>> findDriverLinkDetail(llvm::StringRef driverPath) {
  llvm::SmallString<256> stem(driverPath);
  llvm::sys::path::replace_extension(stem, "");
  for (const auto &[elf, map] : {std::pair{(stem + ".elf").str(), (stem + ".map").str()},
                                 std::pair{(driverPath + ".tmp").str(),
                                           (driverPath + ".tmp.map").str()}})
    if (llvm::sys::fs::exists(elf) && llvm::sys::fs::exists(map))
      return readLinkDetail(elf, map);
  return std::nullopt;
}

// The rows a compressed stream adds (its header and block headers), and the
// cost of each byte of what it decodes to.
struct DecodedStream {
  pci::Bytes pe;
  ByteCosts costs;
  std::vector<SizeNode> framing;
};

llvm::Expected<DecodedStream> decodeStream(llvm::ArrayRef<uint8_t> stream) {
  efi::DecodeTrace trace;
  auto decoded = efi::decompressTraced(stream, trace);
  if (!decoded)
    return decoded.takeError();
  DecodedStream out{std::move(*decoded), ByteCosts::stored(), {}};
  out.costs = ByteCosts::fromTrace(trace, out.pe.size());
  SizeNode header = plainRow("EFI stream header", RowKind::Overhead, efi::kHeaderSize);
  header.raw = 0;  // not part of the linked image
  out.framing.push_back(std::move(header));
  // Block headers, and the bits that pad the stream's last byte.
  uint64_t framingBits = trace.bodyBits - std::min(trace.bodyBits, trace.tokenBits());
  out.framing.push_back(
      compressedRow("EFI block headers", RowKind::Overhead, 0, double(framingBits)));
  return out;
}

// The PE's rows, down to symbols when its ELF and map are known.
llvm::Expected<std::vector<SizeNode>> peRows(llvm::ArrayRef<uint8_t> pe, const ByteCosts &costs,
                                             const std::optional<LinkDetail> &detail,
                                             const std::string &context) {
  auto summary = pe::summarize(pe);
  if (!summary)
    return withContext(summary.takeError(), context + ": PE");
  return attributePe(pe.size(), *summary, costs, detail ? &*detail : nullptr);
}

std::string sectionsOnlyNote(const std::string &imageName) {
  return fmt::format("{}: no linked ELF and map beside the file, so attributed down to PE "
                     "sections only",
                     imageName);
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
  std::string context = fmt::format("{}: EFI image at offset {:#x}", romPath, image.offset);
  if (efi.isCompressed()) {
    auto stream = decodeStream(payload.take_front(*efi.compressedSize));
    if (!stream)
      return withContext(stream.takeError(), context);
    pe = std::move(stream->pe);
    costs = std::move(stream->costs);
    streamEnd = *efi.compressedSize;
    for (SizeNode &row : stream->framing)
      node.add(std::move(row));
  } else {
    auto extracted = pci::extractPe(rom, image);
    if (!extracted)
      return withContext(extracted.takeError(), romPath.str());
    pe = std::move(*extracted);
    streamEnd = pe.size();
  }

  auto detail = findLinkDetail(romPath, name, pe);
  if (!detail)
    return detail.takeError();
  if (!*detail)
    notes.push_back(sectionsOnlyNote(name));
  // Inside a stream these rows share the stream's bytes with the block
  // headers, by the bits spent on each.
  auto rows = peRows(pe, costs, *detail, context);
  if (!rows)
    return rows.takeError();
  for (SizeNode &row : *rows)
    node.add(std::move(row));
  uint64_t used = efi.peOffset + streamEnd;
  node.add(plainRow("image padding", RowKind::Overhead, image.length - std::min(used, image.length)));
  return node;
}

// The legacy image's linked ELF and map: iPXE keeps bin/ID.rom.tmp and its
// map beside bin/ID.rom; romfit build copies them to OUTDIR/ID/legacy/.
llvm::Expected<std::optional<LinkDetail>> findLegacyLinkDetail(llvm::StringRef romPath) {
  auto [outDir, romId] = pipeline::BuildLayout::locateRom(romPath);
  pipeline::BuildLayout layout(outDir);
  for (const auto &[elf, map] :
       {std::pair{(romPath + ".tmp").str(), (romPath + ".tmp.map").str()},
        std::pair{layout.imageFile(romId, "legacy", pipeline::ImageFile::LinkedElf),
                  layout.imageFile(romId, "legacy", pipeline::ImageFile::LinkedMap)}})
    if (llvm::sys::fs::exists(elf) && llvm::sys::fs::exists(map))
      return readLinkDetail(elf, map);
  return std::nullopt;
}

llvm::Expected<SizeNode> attributeLegacyImage(llvm::StringRef romPath,
                                              llvm::ArrayRef<uint8_t> rom,
                                              const pci::Image &image,
                                              std::vector<std::string> &notes) {
  SizeNode node = plainRow("legacy", RowKind::Image, image.length);
  auto detail = findLegacyLinkDetail(romPath);
  if (!detail)
    return detail.takeError();
  if (*detail) {
    auto rows = attributeZinfoImage(pci::imageBytes(rom, image), **detail);
    if (rows) {
      node.children = std::move(*rows);
      return node;
    }
    notes.push_back(fmt::format("legacy: the linked ELF beside the ROM does not describe this "
                                "image ({}), so it is attributed as a whole",
                                llvm::toString(rows.takeError())));
  } else {
    notes.push_back("legacy: no linked ELF (.rom.tmp) and map beside the ROM, so the BIOS image "
                    "is attributed as a whole");
  }
  node.add(plainRow("legacy code and data", RowKind::Overhead, image.length));
  return node;
}

std::string uniqueName(const std::string &name, std::vector<std::string> &used) {
  std::string candidate = name;
  for (int n = 2; std::find(used.begin(), used.end(), candidate) != used.end(); ++n)
    candidate = fmt::format("{}#{}", name, n);
  used.push_back(candidate);
  return candidate;
}

// An EFI driver file (.efidrv) as it would sit in a ROM: compressed by
// romfit's encoder at `level`, without ROM header or padding.
llvm::Expected<RomReport> attributeDriver(llvm::StringRef path, const pci::Bytes &bytes,
                                          efi::EfiLevel level) {
  auto summary = pe::summarize(bytes);
  if (!summary)
    return withContext(summary.takeError(), path.str());
  std::string name = efiImageName(summary->machine);
  std::vector<uint8_t> stream = efi::compress(bytes, level);
  auto decoded = decodeStream(stream);
  if (!decoded)
    return withContext(decoded.takeError(), fmt::format("{}: romfit's own stream", path));

  RomReport report;
  report.path = path.str();
  report.fileSize = stream.size();
  report.notes.push_back(fmt::format("{}: an EFI driver, not a ROM: compressed bytes are romfit's "
                                     "{} EFI stream of it, without ROM header or padding",
                                     name, efi::levelName(level).str()));
  auto detail = findDriverLinkDetail(path);
  if (!detail)
    return detail.takeError();
  if (!*detail)
    report.notes.push_back(sectionsOnlyNote(name));
  auto rows = peRows(bytes, decoded->costs, *detail, path.str());
  if (!rows)
    return rows.takeError();
  report.tree = plainRow(llvm::sys::path::filename(path).str(), RowKind::Rom, stream.size());
  SizeNode &image = report.tree.add(plainRow(name, RowKind::Image, stream.size()));
  for (SizeNode &row : decoded->framing)
    image.add(std::move(row));
  for (SizeNode &row : *rows)
    image.add(std::move(row));
  return report;
}

llvm::Expected<RomReport> attributeRomImages(llvm::StringRef romPath, const pci::Bytes &bytes);

} // namespace

std::string efiImageName(uint16_t machine) {
  return pe::efiImageKind(machine).value_or("efi:" + pe::machineFileTag(machine));
}

llvm::Expected<RomReport> attributeRom(llvm::StringRef romPath, efi::EfiLevel driverLevel) {
  auto bytes = readFileBytes(romPath);
  if (!bytes)
    return bytes.takeError();
  RomReport report;
  if (bytes->size() >= 2 && (*bytes)[0] == 'M' && (*bytes)[1] == 'Z') {
    auto driver = attributeDriver(romPath, *bytes, driverLevel);
    if (!driver)
      return driver.takeError();
    report = std::move(*driver);
  } else {
    auto attributed = attributeRomImages(romPath, *bytes);
    if (!attributed)
      return attributed.takeError();
    report = std::move(*attributed);
  }
  finalizeTree(report.tree);
  if (llvm::Error error = checkReconciles(report.tree))
    return withContext(std::move(error), romPath.str());
  sortBySize(report.tree);
  return report;
}

namespace {

llvm::Expected<RomReport> attributeRomImages(llvm::StringRef romPath, const pci::Bytes &bytes) {
  auto rom = pci::parse(bytes);
  if (!rom)
    return withContext(rom.takeError(), romPath.str());

  RomReport report;
  report.path = romPath.str();
  report.fileSize = bytes.size();
  report.tree = plainRow(llvm::sys::path::filename(romPath).str(), RowKind::Rom, bytes.size());
  std::vector<std::string> names;
  uint64_t end = 0;
  for (const pci::Image &image : rom->images) {
    end = image.offset + image.length;
    if (image.efi) {
      std::string name = uniqueName(efiImageName(image.efi->machine), names);
      auto node = attributeEfiImage(romPath, bytes, image, name, report.notes);
      if (!node)
        return node.takeError();
      report.tree.add(std::move(*node));
    } else {
      uniqueName("legacy", names);
      auto node = attributeLegacyImage(romPath, bytes, image, report.notes);
      if (!node)
        return node.takeError();
      report.tree.add(std::move(*node));
    }
  }
  report.tree.add(plainRow("bytes after the last image", RowKind::Overhead, bytes.size() - end));
  return report;
}

} // namespace

RomReport measureAgainst(RomReport report, uint64_t budget) {
  report.budget = measureAgainstBudget(report.fileSize, budget);
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

llvm::Expected<std::vector<RomReport>> reportRomsNamedBy(const std::vector<std::string> &arguments,
                                                         uint64_t budget,
                                                         efi::EfiLevel driverLevel) {
  std::vector<RomReport> reports;
  for (const std::string &argument : arguments) {
    auto roms = romsNamedBy(argument);
    if (!roms)
      return roms.takeError();
    for (const std::string &rom : *roms) {
      auto attributed = attributeRom(rom, driverLevel);
      if (!attributed)
        return attributed.takeError();
      reports.push_back(measureAgainst(std::move(*attributed), budget));
    }
  }
  return reports;
}

} // namespace romfit::report
