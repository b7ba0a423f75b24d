// The per-architecture configuration overlay: the drivers of firmwares with
// no network stack of their own keep iPXE's own boot path under CONFIG=qemu,
// and nothing else changes.
#include <gtest/gtest.h>

#include <llvm/Support/FileSystem.h>

#include "pipeline/config_overlay.h"
#include "support/file_io.h"
#include "tests/test_support.h"

namespace romfit::pipeline {
namespace {

std::vector<ImageKind> kinds(std::vector<std::string> names) {
  std::vector<ImageKind> parsed;
  for (const std::string &name : names)
    parsed.push_back(cantFail(parseImageKind(name)));
  return parsed;
}

TEST(ConfigOverlay, UndoesTheDowngradeOnlyForTheNamedArchitectures) {
  std::string text = ownBootPathOverlay(kinds({"efi:riscv64", "efi:loong64"}));
  EXPECT_NE(text.find("#if defined(__riscv) || defined(__loongarch__)\n#undef EFI_DOWNGRADE_UX\n"
                      "#endif\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("__x86_64__"), std::string::npos) << text;
  EXPECT_EQ(ownBootPathOverlay(kinds({"legacy"})), "");
  EXPECT_EQ(ownBootPathOverlay({}), "");
}

TEST(ConfigOverlay, WrittenOnceIntoIpxesLocalConfigAndLeftAloneWhenUnchanged) {
  std::string tree = testing::makeScratchDir("config-overlay");
  ASSERT_FALSE(llvm::sys::fs::create_directories(tree + "/config/local/qemu"));
  std::string path = overlayPath(tree, "qemu");
  EXPECT_EQ(path, tree + "/config/local/qemu/general.h");
  // iPXE's make creates the file empty.
  ASSERT_FALSE(bool(writeFileAtomically(path, llvm::StringRef(""))));
  ASSERT_FALSE(bool(writeOwnBootPathOverlay(tree, "qemu", kinds({"efi:riscv64"}))));
  EXPECT_EQ(testing::readText(path), ownBootPathOverlay(kinds({"efi:riscv64"})));

  // Unchanged: not written again (a write replaces the file, a new inode),
  // so make sees nothing new.
  llvm::sys::fs::UniqueID before, after;
  ASSERT_FALSE(llvm::sys::fs::getUniqueID(path, before));
  ASSERT_FALSE(bool(writeOwnBootPathOverlay(tree, "qemu", kinds({"efi:riscv64"}))));
  ASSERT_FALSE(llvm::sys::fs::getUniqueID(path, after));
  EXPECT_EQ(before, after);

  // An overlay of romfit's for other architectures is replaced.
  ASSERT_FALSE(bool(writeOwnBootPathOverlay(tree, "qemu", kinds({"efi:riscv64", "efi:loong64"}))));
  EXPECT_NE(testing::readText(path).find("__loongarch__"), std::string::npos);

  // iPXE's default configuration keeps its boot path: no overlay at all.
  ASSERT_FALSE(bool(writeOwnBootPathOverlay(tree, "", kinds({"efi:loong64"}))));
  EXPECT_FALSE(testing::fileExists(tree + "/config/local/general.h"));
  llvm::sys::fs::remove_directories(tree);
}

TEST(ConfigOverlay, AUsersOwnLocalConfigIsNeverOverwritten) {
  std::string tree = testing::makeScratchDir("config-overlay-user");
  ASSERT_FALSE(llvm::sys::fs::create_directories(tree + "/config/local/qemu"));
  std::string path = overlayPath(tree, "qemu");
  ASSERT_FALSE(bool(writeFileAtomically(path, llvm::StringRef("#define DOWNLOAD_PROTO_HTTPS\n"))));
  llvm::Error error = writeOwnBootPathOverlay(tree, "qemu", kinds({"efi:riscv64"}));
  ASSERT_TRUE(bool(error));
  std::string message = llvm::toString(std::move(error));
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("#undef EFI_DOWNGRADE_UX"), std::string::npos) << message;
  EXPECT_EQ(testing::readText(path), "#define DOWNLOAD_PROTO_HTTPS\n");
  llvm::sys::fs::remove_directories(tree);
}

TEST(ConfigOverlay, ATreeWithoutIpxesLocalConfigGetsNone) {
  std::string tree = testing::makeScratchDir("config-overlay-none");
  ASSERT_FALSE(bool(writeOwnBootPathOverlay(tree, "qemu", kinds({"efi:riscv64"}))));
  EXPECT_FALSE(testing::fileExists(tree + "/config/local/qemu/general.h"));
  llvm::sys::fs::remove_directories(tree);
}

} // namespace
} // namespace romfit::pipeline
