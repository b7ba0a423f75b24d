#include "rom/edk2_rom.h"

#include <fmt/format.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Endian.h>

#include "rom/pe_summary.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::pci::edk2 {

namespace {

using llvm::support::endian::read16le;
using llvm::support::endian::read32le;
using llvm::support::endian::write16le;
using llvm::support::endian::write32le;

// EfiRom's field offsets (the EFI 1.1 ROM header and PCI 2.3/3.0 PCIR).
constexpr uint32_t kEfiHeaderSize = 0x1C;
constexpr uint32_t kPcir23Size = 0x18;
constexpr uint32_t kPcir30Size = 0x1C;
constexpr uint32_t kPcirImageLength = 0x10;
constexpr uint32_t kPcirCodeType = 0x14;
constexpr uint32_t kPcirIndicator = 0x15;
// EfiRom refuses images and ROMs past 16 MiB.
constexpr uint64_t kMaxRomSize = 16u << 20;
constexpr uint8_t kPad = 0xFF;

uint64_t roundToImageUnit(uint64_t size) {
  return (size + kImageUnit - 1) / kImageUnit * kImageUnit;
}

llvm::Error checkImageSize(uint64_t size) {
  if (size > kMaxRomSize)
    return makeError("a {}-byte image is past EfiRom's 16 MiB limit", size);
  return llvm::Error::success();
}

} // namespace

llvm::Expected<uint64_t> parseNumber(llvm::StringRef text) {
  llvm::StringRef digits = text;
  unsigned radix = 10;
  if (digits.consume_front("0x") || digits.consume_front("0X"))
    radix = 16;
  uint64_t value = 0;
  if (digits.empty() || digits.getAsInteger(radix, value))
    return makeError("'{}' is not a number (decimal, or hexadecimal with 0x)", text);
  return value;
}

llvm::Expected<Bytes> binaryImage(llvm::ArrayRef<uint8_t> file, const Layout &layout, bool last) {
  if (file.size() < kRomHeaderSize || read16le(file.data()) != 0xAA55)
    return makeError("not a ROM image: no 55 AA signature at offset 0");
  uint16_t pcir = read16le(file.data() + kPcirPointerOffset);
  uint32_t pcirSize = layout.pci23 ? kPcir23Size : kPcir30Size;
  if (pcir == 0 || pcir + uint64_t(pcirSize) > file.size())
    return makeError("the PCI data structure pointer at {:#x} ({:#x}) is outside the file",
                     kPcirPointerOffset, pcir);
  if (read32le(file.data() + pcir) != 0x52494350)  // "PCIR"
    return makeError("no PCIR signature at {:#x}", pcir);
  uint64_t imageSize = roundToImageUnit(file.size());
  if (llvm::Error error = checkImageSize(imageSize))
    return error;

  Bytes image(file.begin(), file.end());
  write16le(image.data() + pcir + kPcirImageLength, uint16_t(imageSize / kImageUnit));
  image[pcir + kPcirIndicator] = last ? kLastImageBit : 0;
  // EfiRom checksums the file as it was given, not the padded image.
  if (image[pcir + kPcirCodeType] != kCodeTypeEfi) {
    image.back() = 0;
    image.back() = uint8_t(-byteSum(image));
  }
  image.resize(imageSize, kPad);
  return image;
}

llvm::Expected<Bytes> efiImage(llvm::ArrayRef<uint8_t> pe, const Input &input,
                               const Layout &layout, bool last) {
  auto summary = pe::summarize(pe);
  if (!summary)
    return summary.takeError();
  if (layout.devices.empty())
    return makeError("no device ID for an EFI image (give -i DEVICE)");

  bool deviceList = !layout.pci23 && layout.devices.size() > 1;
  uint32_t pcirSize = layout.pci23 ? kPcir23Size : kPcir30Size;
  uint32_t listSize = deviceList ? uint32_t(2 * (layout.devices.size() + 1)) : 0;
  uint64_t headerSize = kEfiHeaderSize + pcirSize + listSize;
  if (headerSize > 0xFFFF)
    return makeError("a device list of {} IDs does not fit before the image (at most {})",
                     layout.devices.size(), (0xFFFF - kEfiHeaderSize - pcirSize) / 2 - 1);

  bool compress = input.kind == InputKind::EfiCompressed;
  Bytes payload = compress ? efi::compress(pe, layout.level) : Bytes(pe.begin(), pe.end());
  uint64_t imageSize = roundToImageUnit(headerSize + payload.size());
  if (llvm::Error error = checkImageSize(imageSize))
    return error;
  // An uncompressed PE ends the image, the padding before it; a compressed
  // one follows the headers, the padding after it.
  uint64_t padding = imageSize - headerSize - payload.size();
  uint64_t peOffset = compress ? headerSize : headerSize + padding;
  if (peOffset > 0xFFFF)
    return makeError("the image would start at {:#x}, past the header's 16-bit offset", peOffset);

  Bytes image(imageSize, kPad);
  std::fill(image.begin(), image.begin() + headerSize, 0);
  uint16_t units = uint16_t(imageSize / kImageUnit);
  write16le(&image[0], 0xAA55);
  write16le(&image[2], units);
  write32le(&image[4], kEfiSignature);
  write16le(&image[8], summary->subsystem);
  write16le(&image[0x0A], summary->machine);
  write16le(&image[0x0C], compress ? kEfiCompressed : 0);
  write16le(&image[0x16], uint16_t(peOffset));
  write16le(&image[kPcirPointerOffset], uint16_t(kEfiHeaderSize));

  uint8_t *pcir = &image[kEfiHeaderSize];
  write32le(pcir, 0x52494350);  // "PCIR"
  write16le(pcir + 4, layout.vendor);
  write16le(pcir + 6, layout.devices.front());
  write16le(pcir + 8, deviceList ? uint16_t(pcirSize) : 0);
  write16le(pcir + 0x0A, uint16_t(pcirSize));
  pcir[0x0C] = layout.pci23 ? 0 : 3;
  pcir[0x0D] = uint8_t(input.classCode);
  pcir[0x0E] = uint8_t(input.classCode >> 8);
  pcir[0x0F] = uint8_t(input.classCode >> 16);
  write16le(pcir + kPcirImageLength, units);
  write16le(pcir + 0x12, input.codeRevision);
  pcir[kPcirCodeType] = kCodeTypeEfi;
  pcir[kPcirIndicator] = last ? kLastImageBit : 0;
  if (deviceList) {
    for (size_t i = 0; i < layout.devices.size(); ++i)
      write16le(pcir + pcirSize + 2 * i, layout.devices[i]);
  }
  std::copy(payload.begin(), payload.end(), image.begin() + peOffset);
  return image;
}

llvm::Expected<Bytes> buildRom(const std::vector<Input> &inputs,
                               const std::vector<Bytes> &contents, const Layout &layout) {
  if (inputs.empty() || inputs.size() != contents.size())
    return makeError("no input files");
  Bytes rom;
  for (size_t i = 0; i < inputs.size(); ++i) {
    bool last = layout.flagLast && i + 1 == inputs.size();
    auto image = inputs[i].kind == InputKind::Binary
                     ? binaryImage(contents[i], layout, last)
                     : efiImage(contents[i], inputs[i], layout, last);
    if (!image)
      return withContext(image.takeError(), inputs[i].path);
    rom.insert(rom.end(), image->begin(), image->end());
    if (rom.size() > kMaxRomSize)
      return makeError("the ROM passes EfiRom's 16 MiB limit at {}", inputs[i].path);
  }
  return rom;
}

namespace {

std::string machineText(uint16_t machine) {
  switch (machine) {
  case pe::kMachineIa32: return "IA32";
  case pe::kMachineX64: return "X64";
  case pe::kMachineEbc: return "EBC";
  case pe::kMachineAArch64: return "AA64";
  case pe::kMachineLoongArch64: return "LOONGARCH64";
  case pe::kMachineRiscV64: return "RISCV64";
  default: return "unknown";
  }
}

// EfiRom names the three EFI subsystems (pe::subsystemName's words) and
// calls anything else unknown.
std::string subsystemText(uint16_t subsystem) {
  return subsystem >= 10 && subsystem <= 12 ? pe::subsystemName(subsystem) : "unknown";
}

} // namespace

llvm::Expected<Bytes> buildRomFromFiles(const std::vector<Input> &inputs, const Layout &layout,
                                        llvm::StringRef output) {
  std::vector<Bytes> contents;
  for (const Input &input : inputs) {
    if (llvm::sys::path::filename(input.path).equals_insensitive(llvm::sys::path::filename(output)) &&
        llvm::sys::path::parent_path(input.path) == llvm::sys::path::parent_path(output))
      return makeError("the output {} would overwrite an input", output.str());
    auto bytes = readFileBytes(input.path);
    if (!bytes)
      return bytes.takeError();
    contents.push_back(std::move(*bytes));
  }
  return buildRom(inputs, contents, layout);
}

llvm::Expected<std::string> dumpRom(llvm::ArrayRef<uint8_t> rom, bool pci23) {
  std::string out;
  // EfiRom's PCI 3.0 labels are one column wider than its PCI 2.3 ones.
  const char *gap = pci23 ? "" : " ";
  for (uint64_t start = 0, count = 1;; ++count) {
    if (start + kRomHeaderSize > rom.size())
      return makeError("image {} at {:#x}: the ROM ends before its header", count, start);
    const uint8_t *header = rom.data() + start;
    uint16_t pcirOffset = read16le(header + kPcirPointerOffset);
    out += fmt::format("Image {} -- Offset 0x{:X}\n  ROM header contents\n", count, start);
    out += fmt::format("    Signature              0x{:04X}\n", read16le(header));
    out += fmt::format("    PCIR offset            0x{:04X}\n", pcirOffset);
    uint32_t pcirSize = pci23 ? kPcir23Size : kPcir30Size;
    if (start + pcirOffset + pcirSize > rom.size())
      return makeError("image {} at {:#x}: the PCI data structure at {:#x} is past the ROM's end",
                       count, start, start + pcirOffset);
    const uint8_t *pcir = header + pcirOffset;
    out += fmt::format("    Signature             {} {}\n", gap,
                       llvm::StringRef(reinterpret_cast<const char *>(pcir), 4));
    out += fmt::format("    Vendor ID             {} 0x{:04X}\n", gap, read16le(pcir + 4));
    out += fmt::format("    Device ID             {} 0x{:04X}\n", gap, read16le(pcir + 6));
    out += fmt::format("    Length                {} 0x{:04X}\n", gap, read16le(pcir + 0x0A));
    out += fmt::format("    Revision              {} 0x{:04X}\n", gap, pcir[0x0C]);
    if (!pci23) {
      uint16_t listPointer = read16le(pcir + 8);
      out += fmt::format("    DeviceListOffset        0x{:02X}\n", listPointer);
      if (listPointer) {
        out += "    Device list contents\n";
        for (uint64_t at = start + pcirOffset + listPointer;; at += 2) {
          if (at + 2 > rom.size())
            return makeError("image {}: the device list at {:#x} runs past the ROM's end", count,
                             start + pcirOffset + listPointer);
          uint16_t device = read16le(rom.data() + at);
          if (!device)
            break;
          out += fmt::format("      0x{:04X}\n", device);
        }
      }
    }
    uint32_t classCode = pcir[0x0D] | pcir[0x0E] << 8 | pcir[0x0F] << 16;
    uint64_t imageSize = uint64_t(read16le(pcir + kPcirImageLength)) * kImageUnit;
    uint8_t indicator = pcir[kPcirIndicator];
    uint8_t codeType = pcir[kPcirCodeType];
    out += fmt::format("    Class Code            {} 0x{:06X}\n", gap, classCode);
    out += fmt::format("    Image size            {} 0x{:X}\n", gap, imageSize);
    out += fmt::format("    Code revision:        {} 0x{:04X}\n", gap, read16le(pcir + 0x12));
    if (!pci23) {
      out += fmt::format("    MaxRuntimeImageLength   0x{:02X}\n", read16le(pcir + 0x16));
      out += fmt::format("    ConfigUtilityCodeHeaderOffset 0x{:02X}\n", read16le(pcir + 0x18));
      out += fmt::format("    DMTFCLPEntryPointOffset 0x{:02X}\n", read16le(pcir + 0x1A));
    }
    out += fmt::format("    Indicator             {} 0x{:02X}{}\n", gap, indicator,
                       indicator == kLastImageBit ? "   (last image)" : "");
    out += fmt::format("    Code type             {} 0x{:02X}", gap, codeType);
    if (codeType == kCodeTypeEfi) {
      uint16_t compression = read16le(header + 0x0C);
      uint16_t machine = read16le(header + 0x0A);
      uint16_t subsystem = read16le(header + 8);
      uint16_t peOffset = read16le(header + 0x16);
      out += "   (EFI image)\n  EFI ROM header contents\n";
      out += fmt::format("    EFI Signature          0x{:04X}\n", read32le(header + 4));
      out += fmt::format("    Compression Type       0x{:04X} ({})\n", compression,
                         compression == kEfiCompressed ? "compressed" : "not compressed");
      out += fmt::format("    Machine type           0x{:04X} ({})\n", machine,
                         machineText(machine));
      out += fmt::format("    Subsystem              0x{:04X} ({})\n", subsystem,
                         subsystemText(subsystem));
      out += fmt::format("    EFI image offset       0x{:04X} (@0x{:X})\n", peOffset,
                         peOffset + start);
    } else {
      out += "\n";
    }
    if (indicator == kLastImageBit)
      return out;
    if (imageSize == 0)
      return makeError("image {} at {:#x} has a zero image length and is not flagged last", count,
                       start);
    start += imageSize;
  }
}

} // namespace romfit::pci::edk2
