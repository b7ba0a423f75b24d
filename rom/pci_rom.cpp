#include "rom/pci_rom.h"

#include <algorithm>

#include "compress/efi_compress.h"
#include "support/error.h"

namespace romfit::pci {

namespace {

// Callers check bounds first; these only assemble little-endian values.
uint16_t le16(llvm::ArrayRef<uint8_t> bytes, uint64_t at) {
  return uint16_t(bytes[at] | bytes[at + 1] << 8);
}
uint32_t le32(llvm::ArrayRef<uint8_t> bytes, uint64_t at) {
  return uint32_t(le16(bytes, at)) | uint32_t(le16(bytes, at + 2)) << 16;
}
bool fits(uint64_t size, uint64_t at, uint64_t length) {
  return at <= size && length <= size - at;
}
bool hasSignature(llvm::ArrayRef<uint8_t> bytes, uint64_t at, llvm::StringRef signature) {
  return fits(bytes.size(), at, signature.size()) &&
         std::equal(signature.begin(), signature.end(), bytes.begin() + at);
}

llvm::Expected<DataStructure> parseDataStructure(llvm::ArrayRef<uint8_t> rom, uint64_t imageOffset) {
  uint64_t pointerAt = imageOffset + kPcirPointerOffset;
  uint16_t pointer = le16(rom, pointerAt);
  DataStructure pcir;
  pcir.offset = imageOffset + pointer;
  if (pointer < kRomHeaderSize)
    return makeError("image at offset {:#x}: PCIR pointer {:#x} (at offset {:#x}) points back into "
                     "the image's own {}-byte ROM header",
                     imageOffset, pointer, pointerAt, kRomHeaderSize);
  if (!fits(rom.size(), pcir.offset, kMinPcirLength))
    return makeError("image at offset {:#x}: PCIR pointer {:#x} (at offset {:#x}) points outside "
                     "the image, to offset {:#x} of a {}-byte file",
                     imageOffset, pointer, pointerAt, pcir.offset, rom.size());
  if (!hasSignature(rom, pcir.offset, "PCIR"))
    return makeError("image at offset {:#x}: no PCIR signature at offset {:#x}", imageOffset,
                     pcir.offset);
  pcir.vendor = le16(rom, pcir.offset + 4);
  pcir.device = le16(rom, pcir.offset + 6);
  pcir.deviceListPointer = le16(rom, pcir.offset + 8);
  pcir.length = le16(rom, pcir.offset + 0x0A);
  pcir.revision = rom[pcir.offset + 0x0C];
  pcir.classCode = rom[pcir.offset + 0x0D] | rom[pcir.offset + 0x0E] << 8 |
                   rom[pcir.offset + 0x0F] << 16;
  pcir.imageLength = uint32_t(le16(rom, pcir.offset + 0x10)) * kImageUnit;
  pcir.codeRevision = le16(rom, pcir.offset + 0x12);
  pcir.codeType = rom[pcir.offset + 0x14];
  pcir.indicator = rom[pcir.offset + 0x15];
  if (pcir.length < kMinPcirLength)
    return makeError("image at offset {:#x}: PCIR at offset {:#x} gives its length as {} bytes, "
                     "less than {}",
                     imageOffset, pcir.offset, pcir.length, kMinPcirLength);
  return pcir;
}

// PCI 3.0 lists further device IDs the image supports, ending with 0.
llvm::Error readDeviceList(llvm::ArrayRef<uint8_t> image, uint64_t imageOffset, DataStructure &pcir) {
  if (pcir.revision < 3 || pcir.deviceListPointer == 0)
    return llvm::Error::success();
  if (pcir.deviceListPointer < pcir.length)
    return makeError("image at offset {:#x}: PCI device list pointer {:#x} (at offset {:#x}) points "
                     "back into the {}-byte PCIR at offset {:#x}",
                     imageOffset, pcir.deviceListPointer, pcir.offset + 8, pcir.length, pcir.offset);
  uint64_t at = pcir.offset - imageOffset + pcir.deviceListPointer;
  for (;; at += 2) {
    if (!fits(image.size(), at, 2))
      return makeError("image at offset {:#x}: PCI device list (PCIR at offset {:#x}) runs past "
                       "the image's end at offset {:#x}",
                       imageOffset, pcir.offset, imageOffset + image.size());
    uint16_t device = le16(image, at);
    if (device == 0)
      return llvm::Error::success();
    pcir.deviceList.push_back(device);
  }
}

// A header the image points at from `pointerSlot`; absent unless its
// signature is there, and never read past the image.
std::optional<ChecksummedHeader> findHeader(llvm::ArrayRef<uint8_t> image, uint64_t imageOffset,
                                            uint32_t pointerSlot, llvm::StringRef signature,
                                            uint32_t lengthByte, uint32_t lengthUnit) {
  uint16_t pointer = le16(image, pointerSlot);
  if (pointer == 0 || !hasSignature(image, pointer, signature) ||
      !fits(image.size(), pointer + lengthByte, 1))
    return std::nullopt;
  ChecksummedHeader header;
  header.offset = imageOffset + pointer;
  header.length = uint32_t(image[pointer + lengthByte]) * lengthUnit;
  header.checksumOk = header.length != 0 && fits(image.size(), pointer, header.length) &&
                      byteSum(image.slice(pointer, header.length)) == 0;
  return header;
}

LegacyDetails parseLegacy(llvm::ArrayRef<uint8_t> image, uint64_t imageOffset) {
  LegacyDetails legacy;
  legacy.initSize = uint32_t(image[2]) * kImageUnit;
  legacy.pnp = findHeader(image, imageOffset, 0x1A, "$PnP", 5, 16);
  legacy.undi = findHeader(image, imageOffset, 0x16, "UNDI", 4, 1);
  legacy.ipxe = findHeader(image, imageOffset, 0x10, "iPXE", 4, 1);
  return legacy;
}

// The EFI compression stream starts with its compressed and original sizes;
// checking them here catches corrupt and truncated streams before a decoder.
llvm::Error readStreamSizes(llvm::ArrayRef<uint8_t> image, uint64_t imageOffset, EfiDetails &efi) {
  uint64_t streamOffset = imageOffset + efi.peOffset;
  if (efi.payloadSize < 8)
    return makeError("EFI image at offset {:#x}: compressed stream at offset {:#x} is shorter "
                     "than its 8-byte header",
                     imageOffset, streamOffset);
  uint32_t packedSize = le32(image, efi.peOffset);
  uint32_t originalSize = le32(image, efi.peOffset + 4);
  if (originalSize > efi::kMaxDecompressedSize)
    return makeError("EFI image at offset {:#x}: compressed stream header at offset {:#x} is "
                     "corrupt: it claims an original size of {} bytes, over the {} MiB limit for "
                     "a decompressed EFI driver (docs/limits.md)",
                     imageOffset, streamOffset, originalSize, efi::kMaxDecompressedSize >> 20);
  if (packedSize == 0 || originalSize == 0)
    return makeError("EFI image at offset {:#x}: corrupt compressed stream header at offset {:#x} "
                     "(compressed size {}, original size {})",
                     imageOffset, streamOffset, packedSize, originalSize);
  if (uint64_t(packedSize) + 8 > efi.payloadSize)
    return makeError("EFI image at offset {:#x}: compressed stream at offset {:#x} is truncated: "
                     "it claims {} bytes but the image holds {} from there",
                     imageOffset, streamOffset, uint64_t(packedSize) + 8, efi.payloadSize);
  efi.compressedSize = packedSize + 8;
  efi.uncompressedSize = originalSize;
  return llvm::Error::success();
}

llvm::Expected<EfiDetails> parseEfi(llvm::ArrayRef<uint8_t> image, uint64_t imageOffset) {
  EfiDetails efi;
  uint32_t signature = le32(image, 4);
  if (signature != kEfiSignature)
    return makeError("EFI image at offset {:#x}: EFI signature at offset {:#x} is {:#x}, not {:#x}",
                     imageOffset, imageOffset + 4, signature, kEfiSignature);
  efi.initSize = uint32_t(le16(image, 2)) * kImageUnit;
  efi.subsystem = le16(image, 8);
  efi.machine = le16(image, 0x0A);
  efi.compressionType = le16(image, 0x0C);
  efi.peOffset = le16(image, 0x16);
  if (efi.peOffset < kRomHeaderSize)
    return makeError("EFI image at offset {:#x}: PE offset {:#x} (at offset {:#x}) points back into "
                     "the image's own {}-byte header",
                     imageOffset, efi.peOffset, imageOffset + 0x16, kRomHeaderSize);
  if (efi.peOffset >= image.size())
    return makeError("EFI image at offset {:#x}: PE offset {:#x} (at offset {:#x}) is outside "
                     "the {}-byte image",
                     imageOffset, efi.peOffset, imageOffset + 0x16, image.size());
  efi.payloadSize = uint32_t(image.size() - efi.peOffset);
  if (efi.compressionType > kEfiCompressed)
    return makeError("EFI image at offset {:#x}: unknown compression type {} at offset {:#x}",
                     imageOffset, efi.compressionType, imageOffset + 0x0C);
  if (efi.isCompressed())
    if (llvm::Error error = readStreamSizes(image, imageOffset, efi))
      return error;
  return efi;
}

Bytes withoutTrailingZeros(llvm::ArrayRef<uint8_t> bytes) {
  size_t end = bytes.size();
  while (end && bytes[end - 1] == 0)
    --end;
  return Bytes(bytes.begin(), bytes.begin() + end);
}

} // namespace

uint8_t byteSum(llvm::ArrayRef<uint8_t> bytes) {
  uint8_t sum = 0;
  for (uint8_t byte : bytes)
    sum += byte;
  return sum;
}

std::string codeTypeName(uint8_t codeType) {
  switch (codeType) {
  case 0: return "legacy";
  case 1: return "open-firmware";
  case 2: return "pa-risc";
  case 3: return "efi";
  default: return "type" + std::to_string(codeType);
  }
}

llvm::Expected<Image> parseImageAt(llvm::ArrayRef<uint8_t> rom, uint64_t offset) {
  if (!fits(rom.size(), offset, kRomHeaderSize + 2))
    return makeError("truncated ROM: image at offset {:#x} needs a {}-byte header but the file "
                     "ends at offset {:#x}",
                     offset, kRomHeaderSize + 2, rom.size());
  if (rom[offset] != 0x55 || rom[offset + 1] != 0xAA)
    return makeError("bad ROM signature at offset {:#x}: {:02x} {:02x}, expected 55 aa", offset,
                     rom[offset], rom[offset + 1]);
  Image image;
  image.offset = offset;
  auto pcir = parseDataStructure(rom, offset);
  if (!pcir)
    return pcir.takeError();
  image.pcir = std::move(*pcir);
  image.length = image.pcir.imageLength;
  if (image.length == 0)
    return makeError("image at offset {:#x}: image length is 0 (PCIR field at offset {:#x})",
                     offset, image.pcir.offset + 0x10);
  if (!fits(rom.size(), offset, image.length))
    return makeError("image at offset {:#x}: image length {} (PCIR field at offset {:#x}) runs "
                     "past the end of the {}-byte file",
                     offset, image.length, image.pcir.offset + 0x10, rom.size());
  if (image.pcir.offset + image.pcir.length > offset + image.length)
    return makeError("image at offset {:#x}: PCIR at offset {:#x} lies outside the {}-byte image",
                     offset, image.pcir.offset, image.length);
  llvm::ArrayRef<uint8_t> bytes = imageBytes(rom, image);
  if (llvm::Error error = readDeviceList(bytes, offset, image.pcir))
    return error;
  image.checksumOk = byteSum(bytes) == 0;
  if (image.pcir.codeType == kCodeTypeLegacy)
    image.legacy = parseLegacy(bytes, offset);
  if (image.pcir.codeType == kCodeTypeEfi) {
    auto efi = parseEfi(bytes, offset);
    if (!efi)
      return efi.takeError();
    image.efi = std::move(*efi);
  }
  return image;
}

llvm::Expected<Rom> parse(llvm::ArrayRef<uint8_t> bytes) {
  Rom rom;
  rom.fileSize = bytes.size();
  uint64_t offset = 0;
  while (true) {
    if (rom.images.size() == kMaxImages)
      return makeError("image at offset {:#x} would be image number {}; more than {} images "
                       "means the chain never ends",
                       offset, kMaxImages + 1, kMaxImages);
    auto image = parseImageAt(bytes, offset);
    if (!image)
      return image.takeError();
    uint64_t next = offset + image->length;
    if (next <= offset)
      return makeError("image at offset {:#x} does not advance", offset);
    bool last = image->isLast();
    rom.images.push_back(std::move(*image));
    if (last) {
      rom.trailingBytes = bytes.size() - next;
      break;
    }
    if (next == bytes.size())
      return makeError("truncated ROM: image at offset {:#x} is not flagged last, but the file "
                       "ends at offset {:#x}",
                       offset, next);
    offset = next;
  }
  for (Image &image : rom.images) {
    if (!image.efi)
      continue;
    auto pe = extractPe(bytes, image);
    if (!pe) {
      image.efi->peUnavailable = llvm::toString(pe.takeError());
      continue;
    }
    auto summary = pe::summarize(*pe);
    if (!summary) {
      image.efi->peUnavailable = llvm::toString(summary.takeError());
      continue;
    }
    if (!image.efi->isCompressed())
      image.efi->uncompressedSize = uint32_t(pe->size());
    image.efi->pe = std::move(*summary);
  }
  return rom;
}

llvm::Expected<Bytes> extractPe(llvm::ArrayRef<uint8_t> rom, const Image &image) {
  if (!image.efi)
    return makeError("image at offset {:#x} is not an EFI image", image.offset);
  const EfiDetails &efi = *image.efi;
  llvm::ArrayRef<uint8_t> payload = imageBytes(rom, image).drop_front(efi.peOffset);
  if (efi.isCompressed()) {
    auto pe = efi::decompress(payload.take_front(*efi.compressedSize));
    if (!pe)
      return withContext(pe.takeError(),
                         fmt::format("EFI image at offset {:#x}: cannot decompress the stream at "
                                     "offset {:#x}",
                                     image.offset, image.offset + efi.peOffset));
    if (pe->size() != *efi.uncompressedSize)
      return makeError("EFI image at offset {:#x}: the stream at offset {:#x} decompressed to {} "
                       "bytes, its header says {}",
                       image.offset, image.offset + efi.peOffset, pe->size(),
                       *efi.uncompressedSize);
    return std::move(*pe);
  }
  // The ROM keeps no PE size: the PE's headers give the end of its contents,
  // and anything non-zero past that is kept rather than guessed away.
  Bytes pe = withoutTrailingZeros(payload);
  if (auto summary = pe::summarize(payload)) {
    if (summary->fileExtent > pe.size())
      pe.assign(payload.begin(), payload.begin() + summary->fileExtent);
  } else {
    llvm::consumeError(summary.takeError());
  }
  return pe;
}

} // namespace romfit::pci
