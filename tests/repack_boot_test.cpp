// ctest-labels: boot
// The boot proof for what romfit writes: Debian's efi-e1000.rom repacked with
// romfit's EFI compressor must still boot under SeaBIOS (legacy image) and
// OVMF, where only a correctly decompressed EFI driver can move DHCP packets.
#include <gtest/gtest.h>
#include <map>
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

  // The full network boot, through the command as a script reads it.
  auto verify = testing::runRomfit({"verify", "--boot", repacked, "--nic", "e1000", "--json"});
  EXPECT_EQ(verify.status, 0) << verify.out << verify.err;
  auto report = llvm::json::parse(verify.out);
  ASSERT_TRUE(bool(report)) << llvm::toString(report.takeError()) << verify.out;
  EXPECT_EQ(report->getAsObject()->getString("depth").getValueOr(""), "full") << verify.out;
  const llvm::json::Array *images = report->getAsObject()->getArray("images");
  ASSERT_TRUE(images && images->size() == 2) << verify.out;
  std::map<std::string, std::string> programs;
  for (const llvm::json::Value &image : *images) {
    const llvm::json::Object &entry = *image.getAsObject();
    EXPECT_EQ(entry.getString("status").getValueOr(""), "passed") << verify.out;
    programs[entry.getString("kind")->str()] = entry.getString("boot_program")->str();
    for (const llvm::json::Value &expected : *entry.getArray("expected"))
      EXPECT_EQ(expected.getAsObject()->getBoolean("seen"), llvm::Optional<bool>(true))
          << verify.out;
  }
  EXPECT_EQ(programs["legacy"], "undionly.kpxe");
  EXPECT_EQ(programs["efi:x86_64"], "snponly.efi");
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
} // namespace romfit
