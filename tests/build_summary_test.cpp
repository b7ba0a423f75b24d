// romfit build's before/after table, made from a finished OUTDIR: here one
// laid out by hand (Debian's e1000 ROM standing in for both ROMs), so no
// make, gcc or ld runs.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>

#include "report/build_summary.h"
#include "rom/pci_rom.h"
#include "prune/prune_record.h"
#include "support/file_io.h"
#include "tests/test_support.h"

namespace romfit::report {
namespace {

const std::string kDebianE1000Rom = std::string(testing::kDebianRomDir) + "/efi-e1000.rom";

struct LaidOutBuild {
  std::string scratch;
  pipeline::BuildGraphInputs graph;
};

LaidOutBuild layOut(const std::string &name) {
  LaidOutBuild build;
  build.scratch = testing::makeScratchDir(name);
  build.graph.outDir = build.scratch;
  pipeline::RomBuild rom;
  rom.romId = "8086100e";
  for (const char *kind : {"legacy", "efi:x86_64"}) {
    auto parsed = pipeline::parseImageKind(kind);
    EXPECT_TRUE(bool(parsed)) << (parsed ? "" : llvm::toString(parsed.takeError()));
    if (parsed)
      rom.images.push_back({*parsed, {}});
  }
  build.graph.roms.push_back(rom);
  pipeline::BuildLayout layout = pipeline::layoutOf(build.graph);
  auto copy = [](const std::string &from, const std::string &to) {
    EXPECT_FALSE(bool(llvm::sys::fs::copy_file(from, to))) << to;
  };
  EXPECT_FALSE(bool(llvm::sys::fs::create_directories(layout.imageDir("8086100e", "efi:x86_64"))));
  copy(kDebianE1000Rom, layout.packedRom("8086100e"));
  copy(kDebianE1000Rom, layout.unprunedRom("8086100e"));
  auto write = [](const std::string &path, const std::string &text) {
    EXPECT_FALSE(bool(writeFileAtomically(path, text))) << path;
  };
  auto file = [&](pipeline::ImageFile which) {
    return layout.imageFile("8086100e", "efi:x86_64", which);
  };
  write(file(pipeline::ImageFile::UnprunedDriver), std::string(4096, 'u'));
  write(file(pipeline::ImageFile::PrunedDriver), std::string(1024, 'p'));
  prune::PruneRecord record;
  record.membersBefore = 361;
  record.membersAfter = 102;
  record.removedMembers = {{"tls.o", 15013}, {"dmesg.o", 8546}};
  write(file(pipeline::ImageFile::PruneRecord), prune::pruneRecordText(record));
  return build;
}

TEST(BuildSummary, ReadsEachImageFromTheLayout) {
  LaidOutBuild build = layOut("build-summary");
  // Sizes from the installed ROM itself, so a Debian update changes nothing here.
  auto bytes = readFileBytes(kDebianE1000Rom);
  ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
  auto rom = pci::parse(*bytes);
  ASSERT_TRUE(bool(rom)) << llvm::toString(rom.takeError());
  ASSERT_EQ(rom->images.size(), 2u);
  uint64_t legacyBytes = rom->images[0].length, efiBytes = rom->images[1].length;
  uint64_t romBytes = bytes->size();

  auto summary = summarizeBuiltRom(build.graph, build.graph.roms[0], 262144);
  ASSERT_TRUE(bool(summary)) << llvm::toString(summary.takeError());
  ASSERT_EQ(summary->images.size(), 2u);
  const BuiltImageSizes &legacy = summary->images[0], &efi = summary->images[1];
  EXPECT_EQ(legacy.membersBefore, -1);
  EXPECT_EQ(legacy.unpruned, legacyBytes);
  EXPECT_EQ(efi.membersBefore, 361);
  EXPECT_EQ(efi.membersAfter, 102);
  EXPECT_EQ(efi.unprunedRaw, 4096u);
  EXPECT_EQ(efi.prunedRaw, 1024u);
  EXPECT_EQ(efi.pruned, efiBytes);
  EXPECT_EQ(summary->after.size, romBytes);
  EXPECT_EQ(summary->after.headroom, 262144 - int64_t(romBytes));

  std::string table = builtRomTable(*summary);
  EXPECT_NE(table.find("8086100e: " + build.scratch + "/8086100e/packed.rom\n"), std::string::npos) << table;
  EXPECT_NE(table.find(fmt::format("  {:<12} {:>9} {:>12} {:>12} {:>12} {:>12}\n", "legacy", "-",
                                   "-", "-", withThousands(legacyBytes),
                                   withThousands(legacyBytes))),
            std::string::npos)
      << table;
  EXPECT_NE(table.find(fmt::format("  {:<12} {:>9} {:>12} {:>12} {:>12} {:>12}\n", "efi:x86_64",
                                   "361->102", "4,096", "1,024", withThousands(efiBytes),
                                   withThousands(efiBytes))),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("  efi:x86_64 rules removed 2 members, 23,559 B kept by ld in the "
                       "unpruned link (largest: tls.o 15,013, dmesg.o 8,546)\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("  efi:x86_64 layout: similarity (.text.* and .rodata.* ordered for "
                       "the 8 KiB window by layout.lds)\n"),
            std::string::npos)
      << table;
  EXPECT_EQ(table.find("legacy layout"), std::string::npos) << table;
  build.graph.layout = pipeline::SectionLayout::LinkOrder;
  auto linkOrder = summarizeBuiltRom(build.graph, build.graph.roms[0], 262144);
  ASSERT_TRUE(bool(linkOrder)) << llvm::toString(linkOrder.takeError());
  EXPECT_NE(builtRomTable(*linkOrder).find("  efi:x86_64 layout: link order (--layout link-order)\n"),
            std::string::npos);
  double share = 100.0 * double(romBytes) / 262144;
  EXPECT_NE(table.find(fmt::format("  budget 262,144 B, BAR {} B, headroom {} B ({:.1f}% of "
                                   "budget; unpruned {:.1f}%)\n",
                                   withThousands(nextPowerOfTwo(romBytes)),
                                   withThousands(262144 - romBytes), share, share)),
            std::string::npos)
      << table;
  llvm::sys::fs::remove_directories(build.scratch);
}

TEST(BuildSummary, AMissingPruneRecordIsNamed) {
  LaidOutBuild build = layOut("build-summary-missing");
  std::string record = pipeline::layoutOf(build.graph)
                           .imageFile("8086100e", "efi:x86_64", pipeline::ImageFile::PruneRecord);
  ASSERT_FALSE(bool(llvm::sys::fs::remove(record)));
  auto summary = summarizeBuiltRom(build.graph, build.graph.roms[0], 262144);
  ASSERT_FALSE(bool(summary));
  EXPECT_NE(llvm::toString(summary.takeError()).find(record), std::string::npos);
  llvm::sys::fs::remove_directories(build.scratch);
}

} // namespace
} // namespace romfit::report
