#include "rom/pci_rom_pack.h"

#include "compress/efi_compress.h"
#include "support/error.h"
#include "rom/pe_summary.h"

namespace romfit::pci {

namespace {

constexpr uint32_t kEfiHeaderSize = 0x1C;
constexpr uint16_t kPcir22Length = 0x18;
constexpr uint16_t kPcir30Length = 0x1C;
constexpr uint32_t kMaxImageUnits = 0xFFFF;

void put16(Bytes &bytes, size_t at, uint16_t value) {
  bytes[at] = uint8_t(value);
  bytes[at + 1] = uint8_t(value >> 8);
}
void put32(Bytes &bytes, size_t at, uint32_t value) {
  put16(bytes, at, uint16_t(value));
  put16(bytes, at + 2, uint16_t(value >> 16));
}
uint64_t alignTo(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

bool isEfiMachine(uint16_t machine) {
  switch (machine) {
  case pe::kMachineIa32:
  case pe::kMachineX64:
  case pe::kMachineAArch64:
  case pe::kMachineArmThumb:
  case pe::kMachineRiscV32:
  case pe::kMachineRiscV64:
  case pe::kMachineLoongArch64:
  case pe::kMachineEbc:
    return true;
  default:
    return false;
  }
}

// Where an image keeps the byte that makes its sum zero, relative to the
// image; none when it has no byte free for it.
std::optional<uint64_t> checksumSlot(const Image &image) {
  if (image.legacy)
    return kLegacyChecksumOffset;
  if (image.efi) {
    uint64_t afterPcir = image.pcir.offset - image.offset + image.pcir.length;
    uint64_t deviceList = image.pcir.deviceListPointer
                              ? image.pcir.offset - image.offset + image.pcir.deviceListPointer
                              : UINT64_MAX;
    if (afterPcir < image.efi->peOffset && afterPcir != deviceList &&
        afterPcir != deviceList + 1)
      return afterPcir;
  }
  return std::nullopt;
}

} // namespace

llvm::Expected<WrappedEfi> wrapEfiDriver(llvm::ArrayRef<uint8_t> pe, const EfiWrapOptions &options) {
  auto summary = pe::summarize(pe);
  if (!summary)
    return summary.takeError();
  if (!isEfiMachine(summary->machine))
    return makeError("PE machine type {:#06x} is not one an EFI ROM can carry", summary->machine);

  WrappedEfi wrapped;
  wrapped.machine = summary->machine;
  wrapped.subsystem = summary->subsystem;
  wrapped.peSize = pe.size();

  Bytes payload(pe.begin(), pe.end());
  if (options.compress) {
    Bytes packed = efi::compress(pe, options.level);
    // Like efirom: keep the PE as is when compression does not pay (or the
    // encoder gives nothing).
    if (!packed.empty() && packed.size() < pe.size()) {
      payload = std::move(packed);
      wrapped.compressed = true;
    }
  }

  bool pci30 = !options.deviceList.empty();
  const uint32_t pcirOffset = kEfiHeaderSize;
  const uint16_t pcirLength = pci30 ? kPcir30Length : kPcir22Length;
  const uint32_t checksumOffset = pcirOffset + pcirLength;
  const uint32_t deviceListOffset = pci30 ? uint32_t(alignTo(checksumOffset + 1, 2)) : 0;
  const uint32_t headersEnd =
      pci30 ? deviceListOffset + 2 * uint32_t(options.deviceList.size() + 1) : checksumOffset + 1;
  const uint32_t peOffset = uint32_t(alignTo(headersEnd, 4));
  const uint64_t imageSize = alignTo(peOffset + payload.size(), kImageUnit);
  if (imageSize / kImageUnit > kMaxImageUnits)
    return makeError("an EFI image of {} bytes is more than a PCI ROM image can describe",
                     imageSize);

  Bytes &image = wrapped.image;
  image.assign(imageSize, 0);
  const uint16_t units = uint16_t(imageSize / kImageUnit);
  image[0] = 0x55;
  image[1] = 0xAA;
  put16(image, 2, units);
  put32(image, 4, kEfiSignature);
  put16(image, 8, summary->subsystem);
  put16(image, 0x0A, summary->machine);
  put16(image, 0x0C, wrapped.compressed ? kEfiCompressed : 0);
  put16(image, 0x16, uint16_t(peOffset));
  put16(image, kPcirPointerOffset, uint16_t(pcirOffset));

  std::copy(std::begin("PCIR"), std::end("PCIR") - 1, image.begin() + pcirOffset);
  put16(image, pcirOffset + 4, options.vendor);
  put16(image, pcirOffset + 6, options.device);
  put16(image, pcirOffset + 8, pci30 ? uint16_t(deviceListOffset - pcirOffset) : 0);
  put16(image, pcirOffset + 0x0A, pcirLength);
  image[pcirOffset + 0x0C] = pci30 ? 3 : 0;
  image[pcirOffset + 0x0D] = uint8_t(options.classCode);
  image[pcirOffset + 0x0E] = uint8_t(options.classCode >> 8);
  image[pcirOffset + 0x0F] = uint8_t(options.classCode >> 16);
  put16(image, pcirOffset + 0x10, units);
  image[pcirOffset + 0x14] = kCodeTypeEfi;
  image[pcirOffset + 0x15] = kLastImageBit;
  for (size_t i = 0; i < options.deviceList.size(); ++i)
    put16(image, deviceListOffset + 2 * i, options.deviceList[i]);

  std::copy(payload.begin(), payload.end(), image.begin() + peOffset);
  image[checksumOffset] = uint8_t(-byteSum(image));
  return wrapped;
}

llvm::Expected<std::vector<Bytes>> splitImages(llvm::ArrayRef<uint8_t> bytes) {
  auto rom = parse(bytes);
  if (!rom)
    return rom.takeError();
  std::vector<Bytes> images;
  for (const Image &image : rom->images) {
    llvm::ArrayRef<uint8_t> slice = imageBytes(bytes, image);
    images.emplace_back(slice.begin(), slice.end());
  }
  return images;
}

llvm::Error setLastImageFlag(llvm::MutableArrayRef<uint8_t> bytes, bool last) {
  auto image = parseImageAt(bytes, 0);
  if (!image)
    return image.takeError();
  uint8_t &indicator = bytes[image->pcir.offset + 0x15];
  uint8_t wanted = last ? uint8_t(indicator | kLastImageBit) : uint8_t(indicator & ~kLastImageBit);
  if (wanted == indicator)
    return llvm::Error::success();
  uint8_t change = uint8_t(wanted - indicator);
  indicator = wanted;
  // An image without a valid checksum (EfiRom writes none into EFI images)
  // has no byte reserved for one: leave its bytes alone.
  if (auto slot = checksumSlot(*image); slot && image->checksumOk)
    bytes[*slot] = uint8_t(bytes[*slot] - change);
  return llvm::Error::success();
}

llvm::Expected<Bytes> chainImages(std::vector<Bytes> images) {
  if (images.empty())
    return makeError("no images to pack");
  Bytes rom;
  for (size_t i = 0; i < images.size(); ++i) {
    if (llvm::Error error = setLastImageFlag(images[i], i + 1 == images.size()))
      return withContext(std::move(error), fmt::format("image {}", i));
    rom.insert(rom.end(), images[i].begin(), images[i].end());
  }
  return rom;
}

} // namespace romfit::pci
