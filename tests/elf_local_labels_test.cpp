// ctest-labels: slow
// Compiles an object with gcc (hence the label), then renames one of its
// symbols in place: GNU as's names for numeric local labels (".L2" "\x02"
// "1", kept in RISC-V objects for relaxation) and its fake label ("L0"
// "\x01", kept in LoongArch objects) are read, while other names
// with control bytes are still refused.
#include <gtest/gtest.h>

#include <fstream>

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>

#include "analysis/elf_object.h"
#include "analysis/emulation.h"
#include "support/file_io.h"
#include "tests/test_support.h"

namespace romfit::testing {
namespace {

llvm::Expected<analysis::ElfObject> readRenamed(const Bytes &object, llvm::StringRef from,
                                                 llvm::StringRef to, Bytes &storage) {
  storage = object;
  std::string needle = from.str() + '\0';
  auto at = std::search(storage.begin(), storage.end(), needle.begin(), needle.end());
  EXPECT_NE(at, storage.end());
  std::copy(to.begin(), to.end(), at);
  auto emulation = analysis::findEmulation("elf_x86_64");
  if (!emulation)
    return emulation.takeError();
  return analysis::readElfObject(
      llvm::MemoryBufferRef(llvm::StringRef(reinterpret_cast<const char *>(storage.data()),
                                            storage.size()),
                            "renamed.o"),
      *emulation);
}

TEST(ElfLocalLabels, AssemblerLocalLabelNamesAreReadOthersWithControlBytesAreNot) {
  std::string directory = makeScratchDir("elf-local-labels");
  std::ofstream(directory + "/l.c") << "int zL2q1(void) { return 1; }\n"
                                      "int zq1(void) { return 2; }\n";
  ASSERT_EQ(runProgram("gcc", {"-c", "-O2", directory + "/l.c", "-o", directory + "/l.o"}).status,
            0);
  auto object = readFileBytes(directory + "/l.o");
  ASSERT_TRUE(bool(object)) << llvm::toString(object.takeError());
  Bytes storage;

  auto label = readRenamed(*object, "zL2q1", llvm::StringRef(".L2\x02" "1", 5), storage);
  ASSERT_TRUE(bool(label)) << llvm::toString(label.takeError());
  EXPECT_TRUE(llvm::any_of(label->symbols, [](const analysis::ElfSymbol &symbol) {
    return symbol.name == llvm::StringRef(".L2\x02" "1", 5);
  }));

  // GNU as's fake label for LoongArch: "L0\x01", with no leading dot.
  auto fake = readRenamed(*object, "zq1", llvm::StringRef("L0\x01", 3), storage);
  ASSERT_TRUE(bool(fake)) << llvm::toString(fake.takeError());

  auto escape = readRenamed(*object, "zL2q1", llvm::StringRef("zL2\x1b" "1", 5), storage);
  ASSERT_FALSE(bool(escape));
  EXPECT_NE(llvm::toString(escape.takeError()).find("is not text"), std::string::npos);
  auto notLabel = readRenamed(*object, "zL2q1", llvm::StringRef("zL2\x02" "1", 5), storage);
  EXPECT_FALSE(bool(notLabel));
  llvm::consumeError(notLabel.takeError());
  llvm::sys::fs::remove_directories(directory);
}

} // namespace
} // namespace romfit::testing
