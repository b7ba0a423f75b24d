// OUTDIR's layout: the names build.ninja, romfit build and the report share.
#include <set>

#include <gtest/gtest.h>

#include "pipeline/build_layout.h"

namespace romfit::pipeline {
namespace {

TEST(BuildLayout, EveryPathOfOutdir) {
  BuildLayout layout("/out");
  EXPECT_EQ(layout.buildNinja(), "/out/build.ninja");
  EXPECT_EQ(layout.provenRom("8086100e"), "/out/8086100e.rom");
  EXPECT_EQ(layout.unprunedRom("8086100e"), "/out/8086100e.unpruned.rom");
  EXPECT_EQ(layout.unverifiedRom("8086100e"), "/out/8086100e.unverified.rom");
  EXPECT_EQ(layout.packedRom("8086100e"), "/out/8086100e/packed.rom");
  EXPECT_EQ(layout.proofRecord(), "/out/proofs.json");
  EXPECT_EQ(layout.failedRom("8086100e"), "/out/8086100e.failed.rom");
  EXPECT_EQ(layout.imageDir("8086100e", "efi:x86_64"), "/out/8086100e/efi-x86_64");
  EXPECT_EQ(layout.imageFile("8086100e", "efi:i386", ImageFile::PruneRecord),
            "/out/8086100e/efi-i386/prune.json");
  EXPECT_EQ(layout.imageFile("8086100e", "legacy", ImageFile::LinkedMap),
            "/out/8086100e/legacy/linked.map");
  EXPECT_EQ(layout.imageFile("8086100e", "efi:x86_64", ImageFile::LinkOrderMap),
            "/out/8086100e/efi-x86_64/pruned.link-order.map");
  EXPECT_EQ(layout.imageFile("8086100e", "efi:x86_64", ImageFile::LayoutScript),
            "/out/8086100e/efi-x86_64/layout.lds");
}

// build.ninja names OUTDIR's files relative to it.
TEST(BuildLayout, WithoutAnOutdirPathsAreRelative) {
  BuildLayout relative;
  EXPECT_EQ(relative.packedRom("10ec8139"), "10ec8139/packed.rom");
  EXPECT_EQ(relative.provenRom("10ec8139"), "10ec8139.rom");
  EXPECT_EQ(relative.imageFile("10ec8139", "efi:arm64", ImageFile::PrunedDriver),
            "10ec8139/efi-arm64/pruned.efidrv");
}

TEST(BuildLayout, AnyOfARomsNamesLeadsBackToItsLayout) {
  for (const char *rom : {"/o/8086100e.rom", "/o/8086100e.unpruned.rom", "/o/8086100e.failed.rom",
                          "/o/8086100e.unverified.rom", "/o/8086100e/packed.rom"}) {
    BuildLayout::RomInLayout found = BuildLayout::locateRom(rom);
    EXPECT_EQ(found.outDir, "/o") << rom;
    EXPECT_EQ(found.romId, "8086100e") << rom;
  }
  BuildLayout::RomInLayout bare = BuildLayout::locateRom("8086100e.rom");
  EXPECT_EQ(BuildLayout(bare.outDir).imageDir(bare.romId, "legacy"), "8086100e/legacy");
}

TEST(BuildLayout, EachImageFileHasItsOwnName) {
  std::set<std::string> names;
  for (ImageFile file :
       {ImageFile::PruneRecord, ImageFile::StubSource, ImageFile::StubObject,
        ImageFile::PrunedArchive, ImageFile::PrunedElf, ImageFile::PrunedMap,
        ImageFile::PrunedDriver, ImageFile::LinkOrderElf, ImageFile::LinkOrderMap,
        ImageFile::LayoutScript, ImageFile::UnprunedElf, ImageFile::UnprunedMap,
        ImageFile::UnprunedDriver, ImageFile::LinkedElf, ImageFile::LinkedMap})
    EXPECT_TRUE(names.insert(imageFileName(file).str()).second) << imageFileName(file).str();
}

} // namespace
} // namespace romfit::pipeline
