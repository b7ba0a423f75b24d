#include <gtest/gtest.h>

#include "report/budget.h"

namespace romfit {
namespace {

uint64_t parsed(const char *text) {
  auto size = parseByteSize(text);
  EXPECT_TRUE(bool(size)) << text;
  return size ? *size : 0;
}

TEST(ByteSize, AcceptsTheSpellingsUsersWrite) {
  EXPECT_EQ(parsed("262144"), 262144u);
  EXPECT_EQ(parsed("256KiB"), 262144u);
  EXPECT_EQ(parsed("256K"), 262144u);
  EXPECT_EQ(parsed("0x40000"), 262144u);
  EXPECT_EQ(parsed("1MiB"), 1048576u);
}

TEST(ByteSize, RejectsWhatIsNotASize) {
  for (const char *text : {"", "KiB", "twelve", "12XB", "-1", "99999999999999999999"}) {
    auto size = parseByteSize(text);
    EXPECT_FALSE(bool(size)) << text;
    llvm::consumeError(size.takeError());
  }
}

TEST(Budget, BarSizeIsTheNextPowerOfTwo) {
  EXPECT_EQ(measureAgainstBudget(249856, kDefaultBudget).barSize, 262144u);
  EXPECT_EQ(measureAgainstBudget(262145, kDefaultBudget).barSize, 524288u);
  EXPECT_EQ(measureAgainstBudget(262144, kDefaultBudget).barSize, 262144u);
}

TEST(Budget, HeadroomGoesNegativeOverBudget) {
  auto line = measureAgainstBudget(394752, kDefaultBudget);
  EXPECT_EQ(line.headroom, 262144 - 394752);
  EXPECT_FALSE(line.fits());
  EXPECT_TRUE(measureAgainstBudget(262144, kDefaultBudget).fits());
}

TEST(Thousands, GroupsDigits) {
  EXPECT_EQ(withThousands(394752), "394,752");
  EXPECT_EQ(withThousands(999), "999");
  EXPECT_EQ(withThousands(1000), "1,000");
}

} // namespace
} // namespace romfit
