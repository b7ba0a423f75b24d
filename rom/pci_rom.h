#pragma once
// PCI expansion ROMs: a chain of images, each starting with 0x55AA and
// pointing at a "PCIR" data structure that gives its length, code type and
// whether it is the last. parse() walks the chain and decodes the headers
// firmware and iPXE care about; every offset it reports is absolute in the
// file unless named relative.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

#include "rom/pe_summary.h"

namespace romfit::pci {

using Bytes = std::vector<uint8_t>;

inline constexpr uint32_t kImageUnit = 512;
// Offsets strictly advance, so a walk always ends; the cap bounds the work
// a hostile file of many tiny images can ask for.
inline constexpr size_t kMaxImages = 256;
inline constexpr uint8_t kLastImageBit = 0x80;
inline constexpr uint8_t kCodeTypeLegacy = 0;
inline constexpr uint8_t kCodeTypeEfi = 3;
inline constexpr uint16_t kEfiCompressed = 1;
inline constexpr uint32_t kEfiSignature = 0x0EF1;
inline constexpr uint32_t kClassNetwork = 0x020000;

// Field offsets within an image's first bytes.
inline constexpr uint32_t kRomHeaderSize = 0x1A;
inline constexpr uint32_t kPcirPointerOffset = 0x18;
inline constexpr uint32_t kLegacyChecksumOffset = 6;  // where iPXE and catrom.pl keep it
inline constexpr uint32_t kMinPcirLength = 0x18;

struct DataStructure {
  uint64_t offset = 0;
  uint16_t vendor = 0;
  uint16_t device = 0;
  uint16_t deviceListPointer = 0;  // relative to the PCIR; 0 when absent
  std::vector<uint16_t> deviceList;
  uint16_t length = 0;
  uint8_t revision = 0;
  uint32_t classCode = 0;
  uint32_t imageLength = 0;  // bytes
  uint16_t codeRevision = 0;
  uint8_t codeType = 0;
  uint8_t indicator = 0;
  bool isLast() const { return indicator & kLastImageBit; }
};

// $PnP, UNDI and iPXE headers each carry their own 8-bit checksum.
struct ChecksummedHeader {
  uint64_t offset = 0;
  uint32_t length = 0;
  bool checksumOk = false;
};

struct LegacyDetails {
  uint32_t initSize = 0;  // bytes the BIOS copies to shadow RAM
  std::optional<ChecksummedHeader> pnp;
  std::optional<ChecksummedHeader> undi;
  std::optional<ChecksummedHeader> ipxe;
};

struct EfiDetails {
  uint32_t initSize = 0;
  uint16_t subsystem = 0;
  uint16_t machine = 0;
  uint16_t compressionType = 0;
  uint32_t peOffset = 0;     // relative to the image
  uint32_t payloadSize = 0;  // bytes from the PE offset to the image's end
  std::optional<uint32_t> compressedSize;    // whole stream, its 8-byte header included
  std::optional<uint32_t> uncompressedSize;  // the PE's size
  std::optional<pe::Summary> pe;
  std::string peUnavailable;  // why `pe` is empty
  bool isCompressed() const { return compressionType == kEfiCompressed; }
};

struct Image {
  uint64_t offset = 0;
  uint64_t length = 0;
  DataStructure pcir;
  bool checksumOk = false;  // all bytes of the image sum to 0 mod 256
  std::optional<LegacyDetails> legacy;
  std::optional<EfiDetails> efi;
  bool isLast() const { return pcir.isLast(); }
};

struct Rom {
  uint64_t fileSize = 0;
  std::vector<Image> images;
  uint64_t trailingBytes = 0;  // after the image flagged last
};

llvm::Expected<Rom> parse(llvm::ArrayRef<uint8_t> rom);

// Decodes the one image at `offset`; parse() is this in a loop.
llvm::Expected<Image> parseImageAt(llvm::ArrayRef<uint8_t> rom, uint64_t offset);

inline llvm::ArrayRef<uint8_t> imageBytes(llvm::ArrayRef<uint8_t> rom, const Image &image) {
  return rom.slice(image.offset, image.length);
}

// The PE file an EFI image carries, decompressed if need be, without the
// padding that rounds the image up to 512 bytes.
llvm::Expected<Bytes> extractPe(llvm::ArrayRef<uint8_t> rom, const Image &image);

uint8_t byteSum(llvm::ArrayRef<uint8_t> bytes);

std::string codeTypeName(uint8_t codeType);

} // namespace romfit::pci
