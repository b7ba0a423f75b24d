#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>

#include "report/budget.h"
#include "support/file_io.h"
#include "rom/pci_rom.h"
#include "rom/pci_rom_repack.h"
#include "tests/test_support.h"

namespace romfit {
namespace {

using testing::runRomfit;

const std::string kE1000 = std::string(testing::kDebianRomDir) + "/efi-e1000.rom";

TEST(Repack, CompressesEveryDebianEfiRomAndKeepsEachPe) {
  auto roms = testing::debianEfiRoms();
  ASSERT_EQ(roms.size(), 8u);
  for (const std::string &path : roms) {
    auto original = readFileBytes(path);
    ASSERT_TRUE(bool(original)) << path;
    auto repacked = pci::repack(*original, /*compress=*/true);
    ASSERT_TRUE(bool(repacked)) << path << ": " << llvm::toString(repacked.takeError());
    EXPECT_LT(repacked->rom.size(), original->size()) << path;

    auto before = pci::parse(*original);
    auto after = pci::parse(repacked->rom);
    ASSERT_TRUE(before && after) << path;
    ASSERT_EQ(before->images.size(), after->images.size()) << path;
    for (size_t i = 0; i < before->images.size(); ++i) {
      const pci::Image &old = before->images[i], &now = after->images[i];
      EXPECT_EQ(old.pcir.vendor, now.pcir.vendor);
      EXPECT_EQ(old.pcir.device, now.pcir.device);
      EXPECT_TRUE(now.checksumOk || now.efi) << path << " image " << i;
      EXPECT_EQ(now.isLast(), i + 1 == after->images.size());
      if (!old.efi) {
        EXPECT_EQ(old.length, now.length);
        continue;
      }
      ASSERT_TRUE(now.efi && now.efi->isCompressed()) << path;
      auto oldPe = pci::extractPe(*original, old);
      auto newPe = pci::extractPe(repacked->rom, now);
      ASSERT_TRUE(oldPe && newPe) << path;
      EXPECT_TRUE(*oldPe == *newPe) << path;
    }
  }
}

TEST(RepackCommand, E1000FitsTheReferenceEncodersSizeAndPrintsTheTable) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  std::string dir = testing::makeScratchDir("repack");
  std::string output = dir + "/efi-e1000.rom";
  auto result = runRomfit({"repack", kE1000, "-o", output});
  ASSERT_EQ(result.status, 0) << result.err;
  auto bytes = readFileBytes(output);
  ASSERT_TRUE(bool(bytes));
  // EDK2's reference encoder gives 176,640 B for the same PE.
  EXPECT_LE(bytes->size(), 176640u);
  EXPECT_NE(result.out.find("249,856"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find(withThousands(bytes->size())), std::string::npos) << result.out;
  llvm::sys::fs::remove_directories(dir);
}

TEST(RepackCommand, OverBudgetExitsOneAndWritesNothing) {
  std::string dir = testing::makeScratchDir("repack-over");
  std::string output = dir + "/too-big.rom";
  auto result = runRomfit({"repack", kE1000, "-o", output, "--budget", "100000"});
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find("over the 100,000 B budget"), std::string::npos) << result.err;
  EXPECT_FALSE(testing::fileExists(output));
  llvm::sys::fs::remove_directories(dir);
}

TEST(RepackCommand, BadInputExitsTwoNamingTheFile) {
  std::string dir = testing::makeScratchDir("repack-bad");
  std::string truncated = dir + "/truncated.rom";
  auto original = readFileBytes(kE1000);
  ASSERT_TRUE(bool(original));
  ASSERT_FALSE(bool(writeFileAtomically(truncated, llvm::ArrayRef(*original).take_front(100000))));
  auto result = runRomfit({"repack", truncated, "-o", dir + "/out.rom"});
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("truncated.rom"), std::string::npos) << result.err;
  EXPECT_FALSE(testing::fileExists(dir + "/out.rom"));
  auto missing = runRomfit({"repack", dir + "/missing.rom", "-o", dir + "/out.rom"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("missing.rom"), std::string::npos) << missing.err;
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
} // namespace romfit

namespace romfit {
namespace {

TEST(RepackCommand, OptimalLevelIsTheDefaultAndBeatsFast) {
  std::string dir = testing::makeScratchDir("repack-level");
  auto optimal = testing::runRomfit({"repack", kE1000, "-o", dir + "/optimal.rom"});
  auto fast = testing::runRomfit({"repack", kE1000, "-o", dir + "/fast.rom", "--level", "fast"});
  ASSERT_EQ(optimal.status, 0) << optimal.err;
  ASSERT_EQ(fast.status, 0) << fast.err;
  auto optimalBytes = readFileBytes(dir + "/optimal.rom");
  auto fastBytes = readFileBytes(dir + "/fast.rom");
  ASSERT_TRUE(optimalBytes && fastBytes);
  EXPECT_LT(optimalBytes->size(), fastBytes->size());
  // Both carry the same PE.
  auto a = pci::parse(*optimalBytes), b = pci::parse(*fastBytes);
  ASSERT_TRUE(a && b);
  auto peA = pci::extractPe(*optimalBytes, a->images[1]);
  auto peB = pci::extractPe(*fastBytes, b->images[1]);
  ASSERT_TRUE(peA && peB);
  EXPECT_TRUE(*peA == *peB);
  auto bad = testing::runRomfit({"repack", kE1000, "-o", dir + "/x.rom", "--level", "best"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--level takes fast or optimal"), std::string::npos) << bad.err;
  EXPECT_FALSE(testing::fileExists(dir + "/x.rom"));
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
} // namespace romfit
