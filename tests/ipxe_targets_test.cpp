#include <gtest/gtest.h>

#include "pipeline/ipxe_targets.h"
#include "tests/test_support.h"

namespace romfit::pipeline {
namespace {

TEST(ImageKinds, NameIpxesTargetsAndConverters) {
  auto x64 = parseImageKind("efi:x86_64");
  ASSERT_TRUE(bool(x64));
  EXPECT_EQ(x64->target("8086100E"), "bin-x86_64-efi/8086100e.efidrv");
  EXPECT_EQ(x64->archive(), "bin-x86_64-efi/blib.a");
  EXPECT_EQ(x64->versionObject("8086100e"), "bin-x86_64-efi/version.8086100e.efidrv.o");
  EXPECT_EQ(x64->elf2efi, "util/elf2efi64");
  auto i386 = parseImageKind("efi:i386");
  ASSERT_TRUE(bool(i386));
  EXPECT_EQ(i386->elf2efi, "util/elf2efi32");
  auto legacy = parseImageKind("legacy");
  ASSERT_TRUE(bool(legacy));
  EXPECT_FALSE(legacy->efi);
  EXPECT_EQ(legacy->target("8086100e"), "bin/8086100e.rom");
  auto arm = parseImageKind("efi:arm64");
  ASSERT_TRUE(bool(arm));
  EXPECT_TRUE(arm->needsCross);
  EXPECT_EQ(arm->arch, "arm64");
  EXPECT_FALSE(x64->needsCross);
  EXPECT_FALSE(legacy->needsCross);

  auto unknown = parseImageKind("efi:mips");
  ASSERT_FALSE(bool(unknown));
  std::string message = llvm::toString(unknown.takeError());
  EXPECT_NE(message.find("efi:mips"), std::string::npos);
  EXPECT_NE(message.find("efi:riscv64"), std::string::npos) << "the known kinds are listed";
}

// iPXE's bin-riscv64-efi: cross-compiled, converted by the 64-bit elf2efi
// (which writes machine 0x5064 for an EM_RISCV ELF).
TEST(ImageKinds, Riscv64IsACrossBuiltEfiImage) {
  auto riscv = parseImageKind("efi:riscv64");
  ASSERT_TRUE(bool(riscv)) << llvm::toString(riscv.takeError());
  EXPECT_TRUE(riscv->efi);
  EXPECT_TRUE(riscv->needsCross);
  EXPECT_EQ(riscv->arch, "riscv64");
  EXPECT_EQ(riscv->crossExample, "riscv64-linux-gnu-");
  EXPECT_EQ(riscv->target("8086100e"), "bin-riscv64-efi/8086100e.efidrv");
  EXPECT_EQ(riscv->archive(), "bin-riscv64-efi/blib.a");
  EXPECT_EQ(riscv->elf2efi, "util/elf2efi64");
  EXPECT_EQ(crossArchitectures(), (std::vector<std::string>{"arm64", "riscv64", "loong64"}));
}

// iPXE's bin-loong64-efi: cross-compiled (Debian 12 has no compiler for it;
// the Debian 13 root's serves), converted by the 64-bit elf2efi.
TEST(ImageKinds, Loong64IsACrossBuiltEfiImage) {
  auto loong = parseImageKind("efi:loong64");
  ASSERT_TRUE(bool(loong)) << llvm::toString(loong.takeError());
  EXPECT_TRUE(loong->efi);
  EXPECT_TRUE(loong->needsCross);
  EXPECT_EQ(loong->crossExample, "loongarch64-linux-gnu-");
  EXPECT_EQ(loong->target("8086100e"), "bin-loong64-efi/8086100e.efidrv");
  EXPECT_EQ(loong->elf2efi, "util/elf2efi64");
}

TEST(ImageKinds, DefaultIsQemusThree) {
  std::vector<std::string> names;
  for (const ImageKind &kind : defaultImageKinds())
    names.push_back(kind.name);
  EXPECT_EQ(names, (std::vector<std::string>{"legacy", "efi:i386", "efi:x86_64"}));
}

TEST(QemuNics, EachOfQemusRomIdsHasItsDevice) {
  EXPECT_EQ(qemuNicRomIds().size(), 8u);
  EXPECT_EQ(qemuNicModel("8086100e"), "e1000");
  EXPECT_EQ(qemuNicModel("1AF41000"), "virtio-net-pci");
  EXPECT_EQ(qemuNicModel("12345678"), "");
  for (const std::string &id : qemuNicRomIds())
    EXPECT_FALSE(qemuNicModel(id).empty()) << id;
}

TEST(RomIds, EightHexDigits) {
  EXPECT_FALSE(bool(checkRomId("8086100e")));
  for (const char *bad : {"8086", "8086100g", "8086100e0", ""}) {
    llvm::Error error = checkRomId(bad);
    ASSERT_TRUE(bool(error)) << bad;
    EXPECT_NE(llvm::toString(std::move(error)).find("not a ROM ID"), std::string::npos);
  }
}

TEST(IpxeTree, FindsTheFixtureTreeAndRejectsOthers) {
  auto found = findIpxeSourceDir(ROMFIT_SOURCE_DIR "/tests/fixtures/minipxe");
  ASSERT_TRUE(bool(found)) << llvm::toString(found.takeError());
  EXPECT_EQ(*found, ROMFIT_SOURCE_DIR "/tests/fixtures/minipxe");

  auto notIpxe = findIpxeSourceDir(ROMFIT_SOURCE_DIR "/compress");
  ASSERT_FALSE(bool(notIpxe));
  EXPECT_NE(llvm::toString(notIpxe.takeError()).find("not an iPXE source tree"), std::string::npos);

  auto missing = findIpxeSourceDir("/nonexistent/ipxe");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("/nonexistent/ipxe: no such directory"),
            std::string::npos);
}

} // namespace
} // namespace romfit::pipeline
