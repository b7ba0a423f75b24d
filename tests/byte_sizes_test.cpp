// Sizes as people read them: one humanBytes for every command (report,
// top, garbage, dominators), exact below 1 KiB.
#include <gtest/gtest.h>

#include "support/byte_sizes.h"

namespace romfit {
namespace {

TEST(HumanBytes, BytesThenKibThenMib) {
  EXPECT_EQ(humanBytes(0), "0 B");
  EXPECT_EQ(humanBytes(1023), "1023 B");
  EXPECT_EQ(humanBytes(1024), "1.0 KiB");
  EXPECT_EQ(humanBytes(5000), "4.9 KiB");
  EXPECT_EQ(humanBytes(262144), "256.0 KiB");
  EXPECT_EQ(humanBytes(1024 * 1024 - 1), "1024.0 KiB");
  EXPECT_EQ(humanBytes(2 * 1024 * 1024), "2.00 MiB");
}

} // namespace
} // namespace romfit
