// What pack chains and what unpack writes, as library calls on Debian's
// e1000 ROM; the sizes come from the ROM itself.
#include <gtest/gtest.h>

#include "rom/rom_assembly.h"
#include "support/file_io.h"
#include "tests/test_support.h"

namespace romfit::pci {
namespace {

const std::string kDebianE1000Rom = std::string(testing::kDebianRomDir) + "/efi-e1000.rom";

TEST(RomAssembly, UnpackGivesEachImageAsARomAndEachEfiImagesPe) {
  auto bytes = readFileBytes(kDebianE1000Rom);
  ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
  auto rom = parse(*bytes);
  ASSERT_TRUE(bool(rom)) << llvm::toString(rom.takeError());
  auto files = unpackRom(kDebianE1000Rom, *bytes, *rom);
  ASSERT_TRUE(bool(files)) << llvm::toString(files.takeError());
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].name, "image0-legacy.rom");
  EXPECT_EQ((*files)[1].name, "image1-efi-x64.efirom");
  EXPECT_EQ((*files)[2].name, "image1-efi-x64.efi");
  EXPECT_EQ((*files)[0].bytes.size(), rom->images[0].length);
  // Each image file is a ROM of its own: one image, flagged last.
  for (size_t i = 0; i < 2; ++i) {
    auto alone = parse((*files)[i].bytes);
    ASSERT_TRUE(bool(alone)) << llvm::toString(alone.takeError());
    ASSERT_EQ(alone->images.size(), 1u);
    EXPECT_TRUE(alone->images[0].isLast());
  }
  auto pe = extractPe(*bytes, rom->images[1]);
  ASSERT_TRUE(bool(pe)) << llvm::toString(pe.takeError());
  EXPECT_EQ((*files)[2].bytes, *pe);
  EXPECT_EQ((*files)[1].what, "image 1 (X64 EFI)");
}

TEST(RomAssembly, PackInputsTakeRomImagesAsTheyAreAndWrapPes) {
  auto bytes = readFileBytes(kDebianE1000Rom);
  ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
  auto rom = parse(*bytes);
  ASSERT_TRUE(bool(rom)) << llvm::toString(rom.takeError());
  std::vector<PackInput> inputs;
  ASSERT_FALSE(bool(appendRomImages("/x/efi-e1000.rom", *bytes, inputs)));
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(inputs[0].source, "efi-e1000.rom");
  EXPECT_EQ(inputs[1].detail, "X64 EFI");
  EXPECT_EQ(inputs[1].image.size(), rom->images[1].length);

  auto pe = extractPe(*bytes, rom->images[1]);
  ASSERT_TRUE(bool(pe)) << llvm::toString(pe.takeError());
  EfiWrapOptions options;
  options.compress = false;
  llvm::Error refused = appendEfiInput("/x/driver.efi", *pe, options, /*idsKnown=*/false, inputs);
  ASSERT_TRUE(bool(refused));
  EXPECT_NE(llvm::toString(std::move(refused)).find("/x/driver.efi: wrapping an EFI driver needs "
                                                    "--vendor and --device"),
            std::string::npos);
  options.vendor = 0x8086;
  options.device = 0x100e;
  ASSERT_FALSE(bool(appendEfiInput("/x/driver.efi", *pe, options, /*idsKnown=*/true, inputs)));
  ASSERT_EQ(inputs.size(), 3u);
  auto wrapped = parseImageAt(inputs[2].image, 0);
  ASSERT_TRUE(bool(wrapped)) << llvm::toString(wrapped.takeError());
  EXPECT_EQ(wrapped->pcir.vendor, 0x8086);
  EXPECT_EQ(inputs[2].source, "driver.efi");
  EXPECT_NE(inputs[2].detail.find("uncompressed"), std::string::npos) << inputs[2].detail;
}

} // namespace
} // namespace romfit::pci
