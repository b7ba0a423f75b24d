#include "report/legacy_attribution.h"

#include <algorithm>

#include <fmt/format.h>
#include <llvm/Support/CRC.h>
#include <llvm/Support/Endian.h>

#include "compress/efi_compress.h"
#include "compress/efi_decode_trace.h"
#include "compress/lzma.h"
#include "support/error.h"

namespace romfit::report {

namespace {

constexpr size_t kRecordSize = 16;
constexpr double kMinCopiedBytesMatching = 0.9;  // the rest are fix-ups and the checksum

uint64_t alignUp(uint64_t value, uint32_t align) {
  return align > 1 ? (value + align - 1) / align * align : value;
}

bool movesNothing(llvm::StringRef type) {
  // ADDx, ADHx, ADPx and APPx add a size to a header field in place.
  return type.size() == 4 && (type.startswith("AD") || type.startswith("AP"));
}

// The flat binary `objcopy -O binary -R .zinfo` makes of the linked ELF.
struct FlatBinary {
  uint64_t base = 0;
  std::vector<uint8_t> bytes;
  std::vector<const analysis::LinkedSection *> sections;
};

FlatBinary flatten(const analysis::LinkedElf &elf) {
  FlatBinary flat;
  uint64_t end = 0;
  bool any = false;
  for (const analysis::LinkedSection &section : elf.sections) {
    if (!section.hasContents || section.size == 0 || section.name == ".zinfo")
      continue;
    flat.base = any ? std::min(flat.base, section.loadAddress) : section.loadAddress;
    end = std::max(end, section.loadAddress + section.size);
    any = true;
    flat.sections.push_back(&section);
  }
  if (!any)
    return flat;
  flat.bytes.assign(end - flat.base, 0);
  for (const analysis::LinkedSection *section : flat.sections)
    std::copy(section->contents.begin(), section->contents.end(),
              flat.bytes.begin() + (section->loadAddress - flat.base));
  return flat;
}

// liblzma does not say what each byte cost. romfit's EFI encoder (LZ77 and
// Huffman, like LZMA's first stage) does: its fast level's bits per byte
// stand in, scaled by the caller to the LZMA stream's real size.
std::vector<double> estimatedBitsPerByte(llvm::ArrayRef<uint8_t> bytes) {
  if (bytes.empty())
    return {};
  std::vector<uint8_t> stream = efi::compress(bytes, efi::EfiLevel::Fast);
  efi::DecodeTrace trace;
  auto decoded = efi::decompressTraced(stream, trace);
  if (!decoded) {
    llvm::consumeError(decoded.takeError());
    return std::vector<double>(bytes.size(), 8.0);
  }
  return bitsPerByte(trace, bytes.size());
}

} // namespace

llvm::Expected<std::vector<ZinfoRecord>> parseZinfo(llvm::ArrayRef<uint8_t> zinfo) {
  if (zinfo.size() % kRecordSize)
    return makeError(".zinfo: {} bytes is not a whole number of {}-byte records", zinfo.size(),
                     kRecordSize);
  std::vector<ZinfoRecord> records;
  for (size_t at = 0; at < zinfo.size(); at += kRecordSize) {
    ZinfoRecord record;
    record.type = std::string(reinterpret_cast<const char *>(zinfo.data() + at), 4);
    record.offset = llvm::support::endian::read32le(zinfo.data() + at + 4);
    record.length = llvm::support::endian::read32le(zinfo.data() + at + 8);
    record.align = llvm::support::endian::read32le(zinfo.data() + at + 12);
    records.push_back(std::move(record));
  }
  return records;
}

llvm::Expected<std::vector<SizeNode>> attributeZinfoImage(llvm::ArrayRef<uint8_t> image,
                                                          const LinkDetail &detail) {
  const analysis::LinkedSection *zinfoSection = detail.elf.find(".zinfo");
  if (!zinfoSection)
    return makeError("the linked ELF has no .zinfo section");
  auto records = parseZinfo(zinfoSection->contents);
  if (!records)
    return records.takeError();
  FlatBinary flat = flatten(detail.elf);

  std::vector<double> bitsPerByte(flat.bytes.size(), 0.0);
  uint64_t framing = 0, alignment = 0, copied = 0, copiedMatching = 0;
  uint64_t packedBytes = 0, packedMatching = 0;
  uint64_t at = 0;  // where zbin writes next
  for (const ZinfoRecord &record : *records) {
    if (movesNothing(record.type))
      continue;
    if (record.type != "COPY" && record.type != "PACK" && record.type != "PAYL")
      return makeError(".zinfo record '{}' is not modelled", record.type);
    uint64_t aligned = alignUp(at, record.align);
    alignment += aligned - at;
    at = aligned;
    if (record.type == "PAYL")
      continue;
    if (uint64_t(record.offset) + record.length > flat.bytes.size())
      return makeError(".zinfo {} of [{:#x},{:#x}) runs past the {}-byte flat binary",
                       record.type, record.offset, uint64_t(record.offset) + record.length,
                       flat.bytes.size());
    if (record.type == "COPY") {
      if (at + record.length > image.size())
        return makeError(".zinfo COPY to {:#x} runs past the {}-byte image", at, image.size());
      for (uint32_t i = 0; i < record.length; ++i) {
        bitsPerByte[record.offset + i] += 8.0;
        copiedMatching += image[at + i] == flat.bytes[record.offset + i];
      }
      copied += record.length;
      at += record.length;
      continue;
    }
    // PACK: a 32-bit length (stream and CRC), the stream, then its CRC.
    if (at + 4 > image.size())
      return makeError(".zinfo PACK at {:#x} runs past the {}-byte image", at, image.size());
    uint32_t lengthField = llvm::support::endian::read32le(image.data() + at);
    if (lengthField < 4 || at + 4 + lengthField > image.size())
      return makeError("the PACK length {} at {:#x} runs past the {}-byte image", lengthField, at,
                       image.size());
    llvm::ArrayRef<uint8_t> packed = image.slice(at + 4, lengthField - 4);
    uint32_t storedCrc = llvm::support::endian::read32le(image.data() + at + lengthField);
    // zbin's CRC-32 leaves out the final inversion.
    if (storedCrc != ~llvm::crc32(packed))
      return makeError("the PACK stream at {:#x} does not match its CRC", at);
    // Decoded, the stream must be the link's own bytes: what ties this ELF
    // to this ROM (a link made since, or another ROM's, is refused).
    auto unpacked = lzma::decompress(packed);
    if (!unpacked)
      return withContext(unpacked.takeError(), fmt::format("the PACK stream at {:#x}", at));
    llvm::ArrayRef<uint8_t> linked =
        llvm::makeArrayRef(flat.bytes).slice(record.offset, record.length);
    for (size_t i = 0; i < std::min(unpacked->size(), linked.size()); ++i)
      packedMatching += (*unpacked)[i] == linked[i];
    packedBytes += record.length;
    std::vector<double> estimate =
        estimatedBitsPerByte(llvm::makeArrayRef(flat.bytes).slice(record.offset, record.length));
    double estimatedTotal = 0;
    for (double bits : estimate)
      estimatedTotal += bits;
    for (uint32_t i = 0; i < record.length; ++i)
      bitsPerByte[record.offset + i] +=
          estimatedTotal > 0 ? estimate[i] * 8.0 * double(packed.size()) / estimatedTotal
                             : 8.0 * double(packed.size()) / record.length;
    if (!record.length)
      alignment += packed.size();  // a stream of nothing still takes bytes
    framing += 8;
    at += 4 + lengthField;
  }
  if (at > image.size())
    return makeError("the records lay out {} bytes, the image has {}", at, image.size());
  if (copied && double(copiedMatching) < kMinCopiedBytesMatching * double(copied))
    return makeError("only {} of {} copied bytes match the image", copiedMatching, copied);
  if (packedBytes && double(packedMatching) < kMinCopiedBytesMatching * double(packedBytes))
    return makeError("only {} of {} packed bytes match the image's PACK streams, decoded",
                     packedMatching, packedBytes);

  ByteCosts costs = ByteCosts::fromBitsPerByte(bitsPerByte);
  auto inputs = inputsByOutputSection(detail.map);
  std::vector<SizeNode> rows;
  std::vector<std::pair<uint64_t, uint64_t>> claimed;
  for (const analysis::LinkedSection *section : flat.sections) {
    uint64_t begin = section->loadAddress - flat.base;
    SizeNode row = costs.row(section->name, RowKind::Section, begin, begin + section->size);
    row.children = attributeLinkedSection(begin, begin + section->size, *section,
                                          inputs[section->name], costs);
    rows.push_back(std::move(row));
    claimed.emplace_back(begin, begin + section->size);
  }
  // Bytes of the flat binary between sections, if a record carried them.
  std::sort(claimed.begin(), claimed.end());
  SizeNode between = costs.emptyRow("(between sections)", RowKind::Overhead);
  uint64_t cursor = 0;
  for (const auto &[begin, end] : claimed) {
    if (begin > cursor)
      costs.extend(between, cursor, begin);
    cursor = std::max(cursor, end);
  }
  costs.extend(between, cursor, flat.bytes.size());
  rows.push_back(std::move(between));
  // Bytes of the flat binary no record put in the image cost nothing.
  rows.push_back(plainRow("zinfo framing (PACK lengths and CRCs)", RowKind::Overhead, framing));
  rows.push_back(plainRow("zbin alignment", RowKind::Overhead, alignment));
  rows.push_back(plainRow("image padding", RowKind::Overhead, image.size() - at));
  return rows;
}

} // namespace romfit::report
