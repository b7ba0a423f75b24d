// ctest-labels: boot
// The boot proof for what romfit writes: Debian's efi-e1000.rom repacked with
// romfit's EFI compressor must still boot under SeaBIOS (legacy image) and
// OVMF, where only a correctly decompressed EFI driver can move DHCP packets.
#include <gtest/gtest.h>
#include <set>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/JSON.h>

#include "tests/test_support.h"

namespace romfit {
namespace {

TEST(RepackBoot, CompressedE1000RomBootsUnderSeaBiosAndOvmf) {
  std::string dir = testing::makeScratchDir("repack-boot");
  std::string repacked = dir + "/efi-e1000.rom";
  auto pack = testing::runRomfit(
      {"repack", std::string(testing::kDebianRomDir) + "/efi-e1000.rom", "-o", repacked});
  ASSERT_EQ(pack.status, 0) << pack.err;

  auto verify = testing::runRomfit({"verify", "--boot", repacked, "--nic", "e1000", "--json"});
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  auto report = llvm::json::parse(verify.out);
  ASSERT_TRUE(bool(report)) << llvm::toString(report.takeError()) << verify.out;
  const llvm::json::Array *firmwares = report->getAsObject()->getArray("firmwares");
  ASSERT_TRUE(firmwares && firmwares->size() == 2) << verify.out;
  std::set<std::string> seen;
  for (const llvm::json::Value &firmware : *firmwares) {
    EXPECT_EQ(firmware.getAsObject()->getBoolean("passed"), llvm::Optional<bool>(true)) << verify.out;
    for (const llvm::json::Value &expected : *firmware.getAsObject()->getArray("expected"))
      if (expected.getAsObject()->getBoolean("seen").getValueOr(false))
        seen.insert(expected.getAsObject()->getString("line")->str());
  }
  for (const char *line : {"net0: 10.0.2.15", ">>Start PXE over IPv4.",
                           "Station IP address is 10.0.2.15"})
    EXPECT_TRUE(seen.count(line)) << "missing: " << line << "\n" << verify.out;
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
} // namespace romfit
