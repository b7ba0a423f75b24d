#include <gtest/gtest.h>

#include <random>

#include "compress/efi_compress.h"
#include "support/file_io.h"
#include "rom/pci_rom.h"
#include "rom/pci_rom_pack.h"
#include "rom/pe_summary.h"
#include "report/rom_attribution.h"
#include "tests/hostile_roms.h"
#include "tests/test_support.h"

namespace romfit::testing {
namespace {

uint16_t le16(const Bytes &bytes, size_t at) { return uint16_t(bytes[at] | bytes[at + 1] << 8); }
uint32_t le32(const Bytes &bytes, size_t at) { return le16(bytes, at) | uint32_t(le16(bytes, at + 2)) << 16; }

uint8_t sumOf(const Bytes &bytes, size_t offset, size_t length) {
  uint8_t sum = 0;
  for (size_t i = offset; i < offset + length; ++i)
    sum += bytes[i];
  return sum;
}

// The end of a PE's contents, read straight from its section table.
size_t peExtentFromHeaders(const Bytes &pe) {
  size_t nt = le32(pe, 0x3C);
  size_t sections = le16(pe, nt + 6);
  size_t optionalSize = le16(pe, nt + 20);
  size_t extent = le32(pe, nt + 24 + 60);  // SizeOfHeaders
  for (size_t i = 0; i < sections; ++i) {
    size_t header = nt + 24 + optionalSize + 40 * i;
    size_t rawSize = le32(pe, header + 16), rawPointer = le32(pe, header + 20);
    if (rawSize)
      extent = std::max(extent, rawPointer + rawSize);
  }
  return extent;
}

pci::Rom parsedOrFail(const Bytes &bytes) {
  auto rom = pci::parse(bytes);
  if (!rom) {
    ADD_FAILURE() << llvm::toString(rom.takeError());
    return {};
  }
  return *rom;
}

// The X64 driver in Debian's efi-e1000.rom, as a PE file.
Bytes e1000DriverPe() {
  Bytes bytes = debianRom("efi-e1000.rom");
  pci::Rom rom = parsedOrFail(bytes);
  if (rom.images.size() != 2) {
    ADD_FAILURE() << "efi-e1000.rom has " << rom.images.size() << " images, not 2";
    return {};
  }
  auto pe = pci::extractPe(bytes, rom.images[1]);
  if (!pe) {
    ADD_FAILURE() << llvm::toString(pe.takeError());
    return {};
  }
  return std::move(*pe);
}

TEST(PciRom, WalksAllSixteenDebianRoms) {
  auto paths = debianRoms();
  ASSERT_EQ(paths.size(), 16u);
  for (const std::string &path : paths) {
    SCOPED_TRACE(path);
    Bytes bytes = *readFileBytes(path);
    pci::Rom rom = parsedOrFail(bytes);
    ASSERT_FALSE(rom.images.empty());
    uint64_t covered = 0;
    for (const pci::Image &image : rom.images) {
      EXPECT_EQ(image.offset, covered);
      EXPECT_EQ(image.checksumOk, sumOf(bytes, image.offset, image.length) == 0);
      EXPECT_EQ(image.isLast(), &image == &rom.images.back());
      covered += image.length;
    }
    EXPECT_EQ(covered + rom.trailingBytes, bytes.size());
    bool efiRom = llvm::StringRef(path).contains("/efi-");
    EXPECT_EQ(rom.images.size(), efiRom ? 2u : 1u);
  }
}

TEST(PciRom, DecodesEfiE1000) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  Bytes bytes = debianRom("efi-e1000.rom");
  ASSERT_EQ(bytes.size(), 249856u);
  pci::Rom rom = parsedOrFail(bytes);
  ASSERT_EQ(rom.images.size(), 2u);

  const pci::Image &legacy = rom.images[0];
  EXPECT_EQ(legacy.offset, 0u);
  EXPECT_EQ(legacy.length, 75264u);
  EXPECT_EQ(legacy.pcir.codeType, 0);
  EXPECT_EQ(legacy.pcir.vendor, 0x8086);
  EXPECT_EQ(legacy.pcir.device, 0x100e);
  EXPECT_EQ(legacy.pcir.classCode, 0x020000u);
  EXPECT_EQ(legacy.pcir.revision, 3);
  EXPECT_EQ(legacy.pcir.deviceList, std::vector<uint16_t>{0x100e});
  EXPECT_FALSE(legacy.isLast());
  EXPECT_TRUE(legacy.checksumOk);
  ASSERT_TRUE(legacy.legacy);
  EXPECT_EQ(legacy.legacy->initSize, 75264u);
  ASSERT_TRUE(legacy.legacy->pnp && legacy.legacy->undi && legacy.legacy->ipxe);
  EXPECT_EQ(legacy.legacy->pnp->offset, le16(bytes, 0x1A));
  EXPECT_EQ(legacy.legacy->undi->offset, le16(bytes, 0x16));
  EXPECT_EQ(legacy.legacy->ipxe->offset, le16(bytes, 0x10));
  EXPECT_EQ(legacy.legacy->pnp->length, 16u * bytes[0x40 + 5]);
  for (const auto *header : {&*legacy.legacy->pnp, &*legacy.legacy->undi, &*legacy.legacy->ipxe})
    EXPECT_EQ(header->checksumOk, sumOf(bytes, header->offset, header->length) == 0);
  EXPECT_TRUE(legacy.legacy->pnp->checksumOk);

  const pci::Image &efi = rom.images[1];
  EXPECT_EQ(efi.offset, 75264u);
  EXPECT_EQ(efi.length, 249856u - 75264u);
  EXPECT_TRUE(efi.isLast());
  ASSERT_TRUE(efi.efi);
  EXPECT_EQ(efi.efi->machine, 0x8664);
  EXPECT_EQ(efi.efi->subsystem, 11);
  EXPECT_FALSE(efi.efi->isCompressed());
  EXPECT_EQ(efi.efi->peOffset, 0x38u);
  EXPECT_FALSE(efi.efi->compressedSize);
  ASSERT_TRUE(efi.efi->pe) << efi.efi->peUnavailable;
  EXPECT_EQ(efi.efi->pe->machine, 0x8664);
  EXPECT_TRUE(efi.efi->pe->pe32Plus);
  ASSERT_FALSE(efi.efi->pe->sections.empty());
  EXPECT_EQ(efi.efi->pe->sections.front().name, ".text");
  EXPECT_EQ(pe::machineName(efi.efi->machine), "X64");
}

TEST(PciRom, ExtractsThePeWithoutItsPadding) {
  Bytes bytes = debianRom("efi-e1000.rom");
  pci::Rom rom = parsedOrFail(bytes);
  ASSERT_EQ(rom.images.size(), 2u);
  auto pe = pci::extractPe(bytes, rom.images[1]);
  ASSERT_TRUE(bool(pe)) << llvm::toString(pe.takeError());
  ASSERT_GT(pe->size(), 0x200u);
  EXPECT_EQ((*pe)[0], 'M');
  EXPECT_EQ((*pe)[1], 'Z');
  EXPECT_EQ(pe->size(), peExtentFromHeaders(*pe));
  EXPECT_TRUE(std::equal(pe->begin(), pe->end(), bytes.begin() + kE1000EfiPe));
  EXPECT_EQ(rom.images[1].efi->uncompressedSize, pe->size());
}

TEST(PciRomPack, WrapsEachDebianPeExactlyAsEfirom) {
  auto paths = debianEfiRoms();
  ASSERT_EQ(paths.size(), 8u);
  for (const std::string &path : paths) {
    SCOPED_TRACE(path);
    Bytes bytes = *readFileBytes(path);
    pci::Rom rom = parsedOrFail(bytes);
    ASSERT_EQ(rom.images.size(), 2u);
    const pci::Image &efi = rom.images[1];
    auto pe = pci::extractPe(bytes, efi);
    ASSERT_TRUE(bool(pe)) << llvm::toString(pe.takeError());
    pci::EfiWrapOptions options;
    options.vendor = efi.pcir.vendor;
    options.device = efi.pcir.device;
    options.compress = false;
    auto wrapped = pci::wrapEfiDriver(*pe, options);
    ASSERT_TRUE(bool(wrapped)) << llvm::toString(wrapped.takeError());
    Bytes original(bytes.begin() + efi.offset, bytes.begin() + efi.offset + efi.length);
    EXPECT_TRUE(wrapped->image == original);
    EXPECT_EQ(wrapped->machine, 0x8664);
  }
}

TEST(PciRomPack, ReflaggingKeepsDebianBytes) {
  Bytes efiRom = debianRom("efi-e1000.rom");
  Bytes pxeRom = debianRom("pxe-e1000.rom");
  Bytes legacy(efiRom.begin(), efiRom.begin() + kE1000LegacySize);
  Bytes efi(efiRom.begin() + kE1000LegacySize, efiRom.end());

  Bytes standalone = legacy;
  ASSERT_FALSE(pci::setLastImageFlag(standalone, true));
  EXPECT_TRUE(standalone == pxeRom);
  EXPECT_EQ(sumOf(standalone, 0, standalone.size()), 0);

  auto chained = pci::chainImages({pxeRom, efi});
  ASSERT_TRUE(bool(chained)) << llvm::toString(chained.takeError());
  EXPECT_TRUE(*chained == efiRom);

  // EFI first: the EFI image loses its flag, compensated in efirom's
  // checksum byte after the PCIR.
  auto reversed = pci::chainImages({efi, pxeRom});
  ASSERT_TRUE(bool(reversed)) << llvm::toString(reversed.takeError());
  pci::Rom rom = parsedOrFail(*reversed);
  ASSERT_EQ(rom.images.size(), 2u);
  EXPECT_FALSE(rom.images[0].isLast());
  EXPECT_EQ(sumOf(*reversed, 0, efi.size()), 0);
  EXPECT_EQ((*reversed)[0x34], uint8_t(efi[0x34] + 0x80));
}

TEST(PciRomPack, WritesAPci30DeviceList) {
  Bytes bytes = debianRom("efi-e1000.rom");
  pci::Rom rom = parsedOrFail(bytes);
  ASSERT_EQ(rom.images.size(), 2u);
  auto pe = pci::extractPe(bytes, rom.images[1]);
  ASSERT_TRUE(bool(pe));
  pci::EfiWrapOptions options;
  options.vendor = 0x8086;
  options.device = 0x100e;
  options.classCode = 0x020000;
  options.deviceList = {0x100e, 0x10d3, 0x153a};
  options.compress = false;
  auto wrapped = pci::wrapEfiDriver(*pe, options);
  ASSERT_TRUE(bool(wrapped)) << llvm::toString(wrapped.takeError());
  EXPECT_EQ(wrapped->image.size() % 512, 0u);
  EXPECT_EQ(sumOf(wrapped->image, 0, wrapped->image.size()), 0);
  pci::Rom wrappedRom = parsedOrFail(wrapped->image);
  ASSERT_EQ(wrappedRom.images.size(), 1u);
  const pci::Image &image = wrappedRom.images[0];
  EXPECT_EQ(image.pcir.revision, 3);
  EXPECT_EQ(image.pcir.length, 0x1C);
  EXPECT_EQ(image.pcir.deviceList, options.deviceList);
  ASSERT_TRUE(image.efi);
  EXPECT_EQ(image.efi->peOffset % 4, 0u);
  auto extracted = pci::extractPe(wrapped->image, image);
  ASSERT_TRUE(bool(extracted));
  EXPECT_TRUE(*extracted == *pe);
}

// iPXE's bin-riscv64-efi drivers: the PE's machine, RISC-V64 (0x5064),
// goes into the EFI ROM header's machine type field, and reads back as such.
TEST(PciRomPack, ARiscv64DriverCarriesItsMachineInTheEfiRomHeader) {
  Bytes pe = e1000DriverPe();
  ASSERT_GT(pe.size(), 0x100u);
  size_t coffMachine = le32(pe, 0x3C) + 4;
  pe[coffMachine] = 0x64;
  pe[coffMachine + 1] = 0x50;
  pci::EfiWrapOptions options;
  options.vendor = 0x8086;
  options.device = 0x100e;
  options.compress = false;
  auto wrapped = pci::wrapEfiDriver(pe, options);
  ASSERT_TRUE(bool(wrapped)) << llvm::toString(wrapped.takeError());
  EXPECT_EQ(wrapped->machine, pe::kMachineRiscV64);
  EXPECT_EQ(le16(wrapped->image, 0x0A), 0x5064);
  pci::Rom wrappedRom = parsedOrFail(wrapped->image);
  ASSERT_EQ(wrappedRom.images.size(), 1u);
  ASSERT_TRUE(wrappedRom.images[0].efi);
  EXPECT_EQ(wrappedRom.images[0].efi->machine, pe::kMachineRiscV64);
  EXPECT_EQ(pe::machineName(wrappedRom.images[0].efi->machine), "RISC-V64");
  // Reports name the image as --image does.
  EXPECT_EQ(report::efiImageName(wrappedRom.images[0].efi->machine), "efi:riscv64");

  // A machine no EFI ROM carries is refused, naming it.
  pe[coffMachine] = 0x34;
  pe[coffMachine + 1] = 0x12;
  auto refused = pci::wrapEfiDriver(pe, options);
  ASSERT_FALSE(bool(refused));
  EXPECT_NE(llvm::toString(refused.takeError()).find("PE machine type 0x1234"), std::string::npos);
}

TEST(PciRomPack, CompressedImageRoundTrips) {
  Bytes bytes = debianRom("efi-e1000.rom");
  pci::Rom rom = parsedOrFail(bytes);
  ASSERT_EQ(rom.images.size(), 2u);
  auto pe = pci::extractPe(bytes, rom.images[1]);
  ASSERT_TRUE(bool(pe));
  pci::EfiWrapOptions options;
  options.vendor = 0x8086;
  options.device = 0x100e;
  auto wrapped = pci::wrapEfiDriver(*pe, options);
  ASSERT_TRUE(bool(wrapped)) << llvm::toString(wrapped.takeError());
  ASSERT_TRUE(wrapped->compressed) << "the EFI encoder gave nothing smaller";
  pci::Rom wrappedRom = parsedOrFail(wrapped->image);
  ASSERT_EQ(wrappedRom.images.size(), 1u);
  const pci::EfiDetails &efi = *wrappedRom.images[0].efi;
  EXPECT_TRUE(efi.isCompressed());
  EXPECT_EQ(efi.compressedSize, le32(wrapped->image, 0x38) + 8);
  EXPECT_EQ(efi.uncompressedSize, pe->size());
  auto extracted = pci::extractPe(wrapped->image, wrappedRom.images[0]);
  ASSERT_TRUE(bool(extracted)) << llvm::toString(extracted.takeError());
  EXPECT_TRUE(*extracted == *pe);
}

TEST(PciRom, RejectsHostileRomsNamingTheOffset) {
  for (const HostileRom &hostile : hostileRoms()) {
    SCOPED_TRACE(hostile.name);
    auto rom = pci::parse(hostile.bytes);
    ASSERT_FALSE(bool(rom));
    std::string message = llvm::toString(rom.takeError());
    EXPECT_NE(message.find(hostile.offsetInMessage), std::string::npos) << message;
    EXPECT_NE(message.find(hostile.wordsInMessage), std::string::npos) << message;
  }
}

TEST(PciRom, RejectsEmptyAndTinyFiles) {
  for (size_t size : {0, 1, 2, 27}) {
    Bytes bytes = syntheticImage(1, true);
    bytes.resize(size);
    auto rom = pci::parse(bytes);
    ASSERT_FALSE(bool(rom)) << size;
    EXPECT_NE(llvm::toString(rom.takeError()).find("offset 0x0"), std::string::npos);
  }
}

// Random damage to the headers must give an error or a result, never a
// read outside the buffer (run under ASan to make that loud).
TEST(PciRom, SurvivesRandomHeaderDamage) {
  Bytes original = debianRom("efi-e1000.rom");
  std::mt19937 random(1234);
  // ROM headers, and the PE headers llvm::object reads.
  const std::pair<size_t, size_t> hotspots[] = {{0, 0x60}, {kE1000LegacySize, 0x60}, {kE1000EfiPe, 0x400}};
  for (int round = 0; round < 3000; ++round) {
    Bytes bytes = original;
    int edits = 1 + round % 4;
    for (int e = 0; e < edits; ++e) {
      auto [base, span] = hotspots[random() % 3];
      bytes[base + random() % span] = uint8_t(random());
    }
    if (round % 5 == 0)
      bytes.resize(random() % bytes.size());
    auto rom = pci::parse(bytes);
    if (rom) {
      uint64_t end = 0;
      for (const pci::Image &image : rom->images)
        end = image.offset + image.length;
      EXPECT_LE(end, bytes.size());
    } else {
      llvm::consumeError(rom.takeError());
    }
  }
}

} // namespace
} // namespace romfit::testing
