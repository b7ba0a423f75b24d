// romfit efirom and romfit catrom against the formats they write: EDK2
// EfiRom's layout (the expected bytes are assembled here, field by field,
// from the PCI Firmware and UEFI specifications' structures, not by romfit's
// code), iPXE's efirom and catrom.pl (Debian's efi-*.rom were made with
// them), and the links named after those tools.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>

#include "rom/pci_rom.h"
#include "support/file_io.h"
#include "tests/test_support.h"

namespace romfit::testing {
namespace {

using pci::Bytes;

void put16(Bytes &bytes, size_t at, uint16_t value) {
  bytes[at] = uint8_t(value);
  bytes[at + 1] = uint8_t(value >> 8);
}

struct Parts {
  Bytes legacy;  // Debian's legacy e1000 image, as a ROM file of its own
  Bytes pe;      // Debian's x86_64 e1000 driver
  std::string legacyPath, pePath, dir;
};

// Debian's efi-e1000.rom split into its legacy image and its PE.
Parts debianParts(const std::string &name) {
  Parts parts;
  parts.dir = makeScratchDir(name);
  std::string rom = std::string(kDebianRomDir) + "/efi-e1000.rom";
  auto unpacked = runRomfit({"unpack", rom, "-o", parts.dir});
  EXPECT_EQ(unpacked.status, 0) << unpacked.err;
  parts.legacyPath = parts.dir + "/image0-legacy.rom";
  parts.pePath = parts.dir + "/image1-efi-x64.efi";
  parts.legacy = *readFileBytes(parts.legacyPath);
  parts.pe = *readFileBytes(parts.pePath);
  return parts;
}

size_t roundUp512(size_t size) { return (size + 511) / 512 * 512; }

// EfiRom's -e image: EFI ROM header (0x1C), PCIR (PCI 3.0: 0x1C bytes;
// 2.3: 0x18) right behind it, the device list when there are two IDs or
// more, then 0xFF up to where the PE must start so it ends the image.
Bytes expectedEfiImage(const Bytes &pe, uint16_t vendor, std::vector<uint16_t> devices,
                       uint32_t classCode, uint16_t revision, bool pci23, bool last) {
  size_t pcirSize = pci23 ? 0x18 : 0x1C;
  size_t listSize = (!pci23 && devices.size() > 1) ? 2 * (devices.size() + 1) : 0;
  size_t headers = 0x1C + pcirSize + listSize;
  size_t size = roundUp512(headers + pe.size());
  size_t peAt = size - pe.size();
  Bytes image(size, 0xFF);
  std::fill(image.begin(), image.begin() + headers, 0);
  put16(image, 0, 0xAA55);
  put16(image, 2, uint16_t(size / 512));
  put16(image, 4, 0x0EF1);
  put16(image, 8, 11);       // EFI boot service driver
  put16(image, 0x0A, 0x8664);  // x64
  put16(image, 0x16, uint16_t(peAt));
  put16(image, 0x18, 0x1C);
  size_t p = 0x1C;
  std::copy_n("PCIR", 4, image.begin() + p);
  put16(image, p + 4, vendor);
  put16(image, p + 6, devices.front());
  put16(image, p + 8, listSize ? uint16_t(pcirSize) : 0);
  put16(image, p + 0x0A, uint16_t(pcirSize));
  image[p + 0x0C] = pci23 ? 0 : 3;
  image[p + 0x0D] = uint8_t(classCode);
  image[p + 0x0E] = uint8_t(classCode >> 8);
  image[p + 0x0F] = uint8_t(classCode >> 16);
  put16(image, p + 0x10, uint16_t(size / 512));
  put16(image, p + 0x12, revision);
  image[p + 0x14] = 3;
  image[p + 0x15] = last ? 0x80 : 0;
  for (size_t i = 0; listSize && i < devices.size(); ++i)
    put16(image, p + pcirSize + 2 * i, devices[i]);
  std::copy(pe.begin(), pe.end(), image.begin() + peAt);
  return image;
}

// EfiRom's -b image: the file with its PCIR image length and indicator
// set, its last byte the checksum of the file's bytes, then 0xFF padding.
Bytes expectedBinaryImage(const Bytes &file, bool last) {
  Bytes image = file;
  size_t pcir = image[0x18] | image[0x19] << 8;
  size_t size = roundUp512(file.size());
  put16(image, pcir + 0x10, uint16_t(size / 512));
  image[pcir + 0x15] = last ? 0x80 : 0;
  uint8_t sum = 0;
  for (size_t i = 0; i + 1 < image.size(); ++i)
    sum += image[i];
  image.back() = uint8_t(-sum);
  image.resize(size, 0xFF);
  return image;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes all;
  for (const Bytes &part : parts)
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

Bytes runEfirom(const Parts &parts, std::vector<std::string> arguments) {
  std::string out = parts.dir + "/out.rom";
  llvm::sys::fs::remove(out);
  arguments.insert(arguments.begin(), "efirom");
  arguments.insert(arguments.end(), {"-o", out});
  auto result = runRomfit(arguments);
  EXPECT_EQ(result.status, 0) << result.err;
  auto bytes = readFileBytes(out);
  return bytes ? *bytes : (llvm::consumeError(bytes.takeError()), Bytes{});
}

TEST(Efirom, Edk2FormStoresEachImageAsEfiRomLaysItOut) {
  Parts parts = debianParts("efirom-edk2");
  const Bytes &pe = parts.pe;
  const Bytes &legacy = parts.legacy;
  // QEMU's order of options, with -e: -l before -b reaches only the legacy
  // image (EfiRom's class code applies to the next file), so the EFI
  // image's class code is 0.
  EXPECT_EQ(runEfirom(parts, {"-f", "0x8086", "-i", "0x100e", "-l", "0x02", "-b",
                              parts.legacyPath, "-e", parts.pePath}),
            concat({expectedBinaryImage(legacy, false),
                    expectedEfiImage(pe, 0x8086, {0x100e}, 0, 0, false, true)}));
  // -l and -r after a file reach that file too, when it has none yet.
  EXPECT_EQ(runEfirom(parts, {"-f", "32902", "-i", "4110", "-e", parts.pePath, "-l",
                              "0x020000", "-r", "0x12"}),
            expectedEfiImage(pe, 0x8086, {0x100e}, 0x020000, 0x12, false, true));
  // Two device IDs: a PCI 3.0 device list after the PCIR.
  EXPECT_EQ(runEfirom(parts, {"-f", "0x8086", "-i", "0x100e", "0x100f", "0x1010", "-e",
                              parts.pePath}),
            expectedEfiImage(pe, 0x8086, {0x100e, 0x100f, 0x1010}, 0, 0, false, true));
  // -p: PCI 2.3 data structures; -n: no image marked last.
  EXPECT_EQ(runEfirom(parts, {"-p", "-f", "0x8086", "-i", "0x100e", "-n", "-e", parts.pePath}),
            expectedEfiImage(pe, 0x8086, {0x100e}, 0, 0, true, false));
  EXPECT_EQ(runEfirom(parts, {"-f", "0x8086", "-i", "0x100e", "-e", parts.pePath, "-b",
                              parts.legacyPath}),
            concat({expectedEfiImage(pe, 0x8086, {0x100e}, 0, 0, false, false),
                    expectedBinaryImage(legacy, true)}));
  // A legacy file whose size is not a multiple of 512: the checksum is the
  // file's, the padding follows.
  Bytes odd(legacy.begin(), legacy.begin() + 75000);
  ASSERT_FALSE(writeFileAtomically(parts.dir + "/odd.rom", odd));
  EXPECT_EQ(runEfirom(parts, {"-b", parts.dir + "/odd.rom"}), expectedBinaryImage(odd, true));
  llvm::sys::fs::remove_directories(parts.dir);
}

TEST(Efirom, Edk2FormCompressesWithRomfitsEncoderAfterTheHeaders) {
  Parts parts = debianParts("efirom-ec");
  Bytes rom = runEfirom(parts, {"-f", "0x8086", "-i", "0x100e", "-l", "0x02", "-b",
                                parts.legacyPath, "-ec", parts.pePath});
  auto parsed = pci::parse(rom);
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  ASSERT_EQ(parsed->images.size(), 2u);
  const pci::Image &efi = parsed->images[1];
  ASSERT_TRUE(efi.efi);
  EXPECT_TRUE(efi.efi->isCompressed());
  EXPECT_EQ(efi.efi->peOffset, 0x38u);  // the stream follows the headers
  auto decoded = pci::extractPe(rom, efi);
  ASSERT_TRUE(bool(decoded)) << llvm::toString(decoded.takeError());
  EXPECT_EQ(*decoded, parts.pe);
  EXPECT_LT(rom.size(), parts.legacy.size() + parts.pe.size());
  // EfiRom writes no checksum into an EFI image, which needs none: inspect
  // must not call that a fault.
  ASSERT_FALSE(writeFileAtomically(parts.dir + "/qemu.rom", rom));
  auto inspect = runRomfit({"inspect", parts.dir + "/qemu.rom"});
  EXPECT_EQ(inspect.out.find("BAD"), std::string::npos) << inspect.out;
  EXPECT_NE(inspect.out.find("checksum none (an EFI image needs none)"), std::string::npos)
      << inspect.out;
  llvm::sys::fs::remove_directories(parts.dir);
}

TEST(Efirom, DumpPrintsEachImagesHeaders) {
  Parts parts = debianParts("efirom-dump");
  runEfirom(parts, {"-f", "0x8086", "-i", "0x100e", "0x100f", "-b", parts.legacyPath, "-e",
                    parts.pePath});
  auto dump = runRomfit({"efirom", "-d", parts.dir + "/out.rom"});
  ASSERT_EQ(dump.status, 0) << dump.err;
  size_t second = dump.out.find(fmt::format("Image 2 -- Offset 0x{:X}\n", parts.legacy.size()));
  ASSERT_NE(second, std::string::npos) << dump.out;
  std::string efi = dump.out.substr(second);
  for (const char *line :
       {"    Vendor ID               0x8086\n", "    Device list contents\n      0x100E\n      0x100F\n",
        "    Indicator               0x80   (last image)\n",
        "    Code type               0x03   (EFI image)\n",
        "    Compression Type       0x0000 (not compressed)\n",
        "    Machine type           0x8664 (X64)\n",
        "    Subsystem              0x000B (EFI boot service driver)\n"})
    EXPECT_NE(efi.find(line), std::string::npos) << line << "\n" << dump.out;
  EXPECT_NE(dump.out.find("    Indicator               0x00\n    Code type               0x00\n"),
            std::string::npos)
      << dump.out;
  llvm::sys::fs::remove_directories(parts.dir);
}

TEST(Efirom, IpxeFormAndCatromRebuildDebiansRom) {
  // Debian's efi-e1000.rom is iPXE's efirom output for the PE, chained
  // after the legacy image by catrom.pl: both steps give it back.
  Parts parts = debianParts("efirom-ipxe");
  std::string efirom = parts.dir + "/x64.efirom", whole = parts.dir + "/whole.rom";
  auto wrapped = runRomfit({"efirom", "-v", "8086", "-d", "100e", parts.pePath, efirom});
  ASSERT_EQ(wrapped.status, 0) << wrapped.err;
  auto chained = runRomfit({"catrom", parts.legacyPath, efirom, "-o", whole});
  ASSERT_EQ(chained.status, 0) << chained.err;
  Bytes debian = *readFileBytes(std::string(kDebianRomDir) + "/efi-e1000.rom");
  EXPECT_TRUE(*readFileBytes(whole) == debian);
  // catrom without -o writes the ROM to standard output.
  auto toStdout = runRomfit({"catrom", parts.legacyPath, efirom});
  EXPECT_EQ(toStdout.status, 0);
  EXPECT_TRUE(Bytes(toStdout.out.begin(), toStdout.out.end()) == debian);
  // --compress, and --vendor=/--device= spellings.
  auto compressed = runRomfit({"efirom", "--vendor=8086", "--device=100e", "-c", parts.pePath,
                               efirom});
  ASSERT_EQ(compressed.status, 0) << compressed.err;
  auto parsed = pci::parse(*readFileBytes(efirom));
  ASSERT_TRUE(bool(parsed));
  EXPECT_TRUE(parsed->images[0].efi->isCompressed());
  EXPECT_TRUE(parsed->images[0].checksumOk);  // iPXE's form keeps its checksum
  llvm::sys::fs::remove_directories(parts.dir);
}

TEST(Efirom, LinksNamedAfterTheToolsTakeTheirForms) {
  Parts parts = debianParts("efirom-links");
  for (const char *name : {"EfiRom", "efirom", "catrom.pl"})
    ASSERT_FALSE(llvm::sys::fs::create_link(ROMFIT_BINARY, parts.dir + "/" + name));
  std::string edk2 = parts.dir + "/edk2.rom", ipxe = parts.dir + "/ipxe.efirom";
  auto viaEdk2 = runProgram(parts.dir + "/EfiRom", {"-f", "0x8086", "-i", "0x100e", "-e",
                                                   parts.pePath, "-o", edk2});
  ASSERT_EQ(viaEdk2.status, 0) << viaEdk2.err;
  EXPECT_EQ(*readFileBytes(edk2), expectedEfiImage(parts.pe, 0x8086, {0x100e}, 0, 0, false, true));
  // "-d 100e" is a device for efirom, a dump for EfiRom.
  auto viaIpxe = runProgram(parts.dir + "/efirom", {"-v", "8086", "-d", "100e", parts.pePath, ipxe});
  ASSERT_EQ(viaIpxe.status, 0) << viaIpxe.err;
  Bytes debian = *readFileBytes(std::string(kDebianRomDir) + "/efi-e1000.rom");
  auto cat = runProgram(parts.dir + "/catrom.pl", {parts.legacyPath, ipxe});
  EXPECT_EQ(cat.status, 0) << cat.err;
  EXPECT_TRUE(Bytes(cat.out.begin(), cat.out.end()) == debian);
  llvm::sys::fs::remove_directories(parts.dir);
}

TEST(Efirom, BadInputIsNamedAndLeavesNoOutput) {
  Parts parts = debianParts("efirom-bad");
  std::string out = parts.dir + "/bad.rom";
  struct Case {
    std::vector<std::string> arguments;
    const char *message;
  };
  std::vector<Case> cases = {
      {{"-f", "0x8086", "-i", "0x100e", "-x", "-e", parts.pePath}, "unknown option '-x'"},
      {{"-f", "0x8086", "-i", "0x100e", "-e", parts.dir + "/missing.efi"}, "missing.efi"},
      {{"-f", "0x8086", "-i", "0x100e", "-b", parts.pePath}, "not a ROM image"},
      {{"-f", "0x8086", "-i", "0x100e", "-e", parts.legacyPath}, "not a PE"},
      {{"-p", "-f", "0x8086", "-i", "0x100e", "0x100f", "-e", parts.pePath}, "needs PCI 3.0"},
      {{"-f", "0x8086", "-i", "0x10000", "-e", parts.pePath}, "-i 0x10000"},
      {{"-f", "0x18086", "-i", "0x100e", "-e", parts.pePath}, "out of range"},
      {{"-i", "0x100e", "-e", parts.pePath}, "give -f VENDOR"},
      {{"-f", "0x8086", "-e", parts.pePath}, "give -i DEVICE"},
      {{"-f", "0x8086", parts.pePath, "-i", "0x100e"}, "comes before any -b, -e or -ec"},
  };
  for (Case &bad : cases) {
    bad.arguments.insert(bad.arguments.begin(), "efirom");
    bad.arguments.insert(bad.arguments.end(), {"-o", out});
    auto result = runRomfit(bad.arguments);
    EXPECT_EQ(result.status, 2) << bad.message;
    EXPECT_NE(result.err.find(bad.message), std::string::npos) << result.err;
    EXPECT_FALSE(fileExists(out)) << bad.message;
  }
  auto ipxe = runRomfit({"efirom", "-v", "80x6", "-d", "100e", parts.pePath, out});
  EXPECT_EQ(ipxe.status, 2);
  EXPECT_FALSE(fileExists(out));
  auto cat = runRomfit({"catrom", parts.legacyPath, parts.pePath, "-o", out});
  EXPECT_EQ(cat.status, 2);
  EXPECT_NE(cat.err.find("image1-efi-x64.efi"), std::string::npos) << cat.err;
  EXPECT_FALSE(fileExists(out));
  llvm::sys::fs::remove_directories(parts.dir);
}

} // namespace
} // namespace romfit::testing
