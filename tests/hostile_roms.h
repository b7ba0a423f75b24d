#pragma once
// Broken ROMs for the error-path tests, made by mutating Debian's
// efi-e1000.rom / pxe-e1000.rom or by synthesising small chains. Each names
// the offset the error message must point at.
#include <cstdint>
#include <string>
#include <vector>

#include "support/file_io.h"

namespace romfit::testing {

inline constexpr uint64_t kE1000LegacySize = 75264;     // 0x12600: where the EFI image starts
inline constexpr uint64_t kE1000EfiPcir = 0x12600 + 0x1C;
inline constexpr uint64_t kE1000EfiPe = 0x12600 + 0x38;

inline Bytes debianRom(const std::string &name) {
  auto bytes = readFileBytes(std::string("/usr/lib/ipxe/qemu/") + name);
  if (!bytes) {
    llvm::consumeError(bytes.takeError());
    return {};
  }
  return *bytes;
}

inline void put16(Bytes &bytes, size_t at, uint16_t value) {
  bytes[at] = uint8_t(value);
  bytes[at + 1] = uint8_t(value >> 8);
}
inline void put32(Bytes &bytes, size_t at, uint32_t value) {
  put16(bytes, at, uint16_t(value));
  put16(bytes, at + 2, uint16_t(value >> 16));
}

// A minimal legacy image of `units` * 512 bytes with a PCIR at 0x1C.
inline Bytes syntheticImage(uint16_t units, bool last) {
  Bytes image(size_t(units) * 512, 0);
  image[0] = 0x55;
  image[1] = 0xAA;
  image[2] = uint8_t(units);
  put16(image, 0x18, 0x1C);
  const char *signature = "PCIR";
  std::copy(signature, signature + 4, image.begin() + 0x1C);
  put16(image, 0x1C + 0x0A, 0x18);
  put16(image, 0x1C + 0x10, units);
  image[0x1C + 0x15] = last ? 0x80 : 0x00;
  return image;
}

struct HostileRom {
  std::string name;
  Bytes bytes;
  std::string offsetInMessage;  // e.g. "0x12600"
  std::string wordsInMessage;   // what kind of error
};

inline std::vector<HostileRom> hostileRoms() {
  std::vector<HostileRom> roms;
  const Bytes efi = debianRom("efi-e1000.rom");
  const Bytes pxe = debianRom("pxe-e1000.rom");

  roms.push_back({"truncated-after-first-image", Bytes(efi.begin(), efi.begin() + kE1000LegacySize),
                  "0x12600", "truncated"});
  roms.push_back({"truncated-header", Bytes(efi.begin(), efi.begin() + kE1000LegacySize + 16),
                  "0x12600", "truncated"});

  Bytes badSignature = efi;
  badSignature[kE1000LegacySize + 1] = 0xAB;
  roms.push_back({"bad-signature", badSignature, "0x12600", "signature"});

  Bytes pcirPastFile = syntheticImage(1, true);
  put16(pcirPastFile, 0x18, 0x1F0);
  roms.push_back({"pcir-pointer-past-file", pcirPastFile, "0x1f0", "outside"});

  // A well-formed PCIR whose end sticks out of its 512-byte image (the
  // file goes on, so only the image bound catches it).
  Bytes pcirStraddling = syntheticImage(1, true);
  pcirStraddling.resize(1024, 0);
  std::copy(pcirStraddling.begin() + 0x1C, pcirStraddling.begin() + 0x1C + 0x18,
            pcirStraddling.begin() + 0x1F4);
  put16(pcirStraddling, 0x18, 0x1F4);
  roms.push_back({"pcir-outside-image", pcirStraddling, "0x1f4", "outside"});

  Bytes zeroLength = pxe;
  put16(zeroLength, 0x1C + 0x10, 0);
  roms.push_back({"image-length-zero", zeroLength, "0x2c", "length is 0"});

  Bytes pastEnd = efi;
  put16(pastEnd, kE1000EfiPcir + 0x10, 0x0200);  // 256 KiB from 0x12600
  roms.push_back({"image-length-past-end", pastEnd, "0x12600", "past the end"});

  // Offsets always advance, so a chain that never says "last" is the loop a
  // walker can be sent round; the cap stops it at image 257.
  Bytes endless;
  for (int i = 0; i < 300; ++i) {
    Bytes image = syntheticImage(1, false);
    endless.insert(endless.end(), image.begin(), image.end());
  }
  roms.push_back({"images-never-end", endless, "0x20000", "never ends"});

  // The EFI image cut to 512 bytes (the rest becomes trailing bytes), with
  // its PE said to start past them.
  Bytes peOffset = efi;
  put16(peOffset, kE1000EfiPcir + 0x10, 1);
  put16(peOffset, kE1000LegacySize + 0x16, 0x300);
  roms.push_back({"efi-pe-offset-out-of-range", peOffset, "0x12616", "PE offset"});
  Bytes peInHeader = efi;
  put16(peInHeader, kE1000LegacySize + 0x16, 0x10);
  roms.push_back({"efi-pe-offset-inside-header", peInHeader, "0x12616", "PE offset"});

  Bytes corruptStream = efi;
  put16(corruptStream, kE1000LegacySize + 0x0C, 1);
  put32(corruptStream, kE1000EfiPe, 1000);
  put32(corruptStream, kE1000EfiPe + 4, 0xFFFFFFFF);
  roms.push_back({"efi-stream-corrupt-header", corruptStream, "0x12638", "corrupt"});

  Bytes truncatedStream = efi;
  put16(truncatedStream, kE1000LegacySize + 0x0C, 1);
  put32(truncatedStream, kE1000EfiPe, 0x100000);
  put32(truncatedStream, kE1000EfiPe + 4, 174400);
  roms.push_back({"efi-stream-truncated-body", truncatedStream, "0x12638", "truncated"});
  return roms;
}

} // namespace romfit::testing
