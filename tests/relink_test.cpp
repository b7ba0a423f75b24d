// ctest-labels: slow
// Compiles and links a fixture with gcc and ld (a second or two per build),
// hence the label: `ctest -L unit` leaves it out, the full suite runs it.
#include <fstream>

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>

#include "support/file_io.h"
#include "prune/relink.h"
#include "tests/test_support.h"

namespace romfit::prune {

using support::Argv;
using support::joinCommand;
namespace {

using testing::runProgram;

class RelinkTest : public ::testing::Test {
protected:
  void SetUp() override { dir = testing::makeScratchDir("relink"); }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string compile(const std::string &name, const std::string &source) {
    std::ofstream(dir + "/" + name + ".c") << source;
    auto result = runProgram("gcc", {"-c", "-O2", dir + "/" + name + ".c", "-o", dir + "/" + name + ".o"});
    EXPECT_EQ(result.status, 0) << result.err;
    return dir + "/" + name + ".o";
  }
  std::string dir;
};

TEST_F(RelinkTest, PrunedArchiveHoldsExactlyTheChosenMembersAndIsDeterministic) {
  std::string a = compile("alpha", "int alpha(void) { return 1; }\n");
  std::string b = compile("beta", "int beta(void) { return 2; }\n");
  auto alpha = readFile(a), beta = readFile(b);
  ASSERT_TRUE(alpha && beta);
  std::vector<ArchiveEntry> members{{"beta.o", (*beta)->getMemBufferRef()},
                                    {"alpha.o", (*alpha)->getMemBufferRef()}};
  auto first = writePrunedArchive(members);
  auto second = writePrunedArchive(members);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
  ASSERT_FALSE(bool(writeFileAtomically(dir + "/pruned.a", *first)));

  // GNU ar is the independent reader.
  auto listing = runProgram("ar", {"t", dir + "/pruned.a"});
  ASSERT_EQ(listing.status, 0) << listing.err;
  EXPECT_EQ(listing.out, "beta.o\nalpha.o\n");
  // ld extracts from it through its symbol table.
  std::string main = compile("main", "int alpha(void); int _start(void) { return alpha(); }\n");
  auto link = runProgram("ld", {"-static", "-e", "_start", main, dir + "/pruned.a", "-o",
                                dir + "/linked", "-Map", dir + "/linked.map"});
  EXPECT_EQ(link.status, 0) << link.err;
  std::string map = testing::readText(dir + "/linked.map");
  EXPECT_NE(map.find("pruned.a(alpha.o)"), std::string::npos) << map;
  EXPECT_EQ(map.find("pruned.a(beta.o)"), std::string::npos) << map;
}

TEST_F(RelinkTest, StubDefinesFunctionsAndAbsentSymbolsThatLdResolves) {
  StubPlan plan;
  plan.functions.push_back({"ipxe", -1});
  plan.absentSymbols = {"obj_shell", "obj_script"};
  std::string source = generateStubSource(plan);
  EXPECT_NE(source.find("__attribute__((weak)) long ipxe(void) { return -1; }"), std::string::npos)
      << source;
  std::string stub = compile("stub", source);
  // A caller of ipxe() that also REQUIREs the dropped objects, as config.c does.
  std::string caller = compile("caller",
      "__asm__(\".section .tbl.req,\\\"a\\\",@progbits\\n\\t.byte 0\\n"
      "\\t.reloc .-1, R_X86_64_NONE, obj_shell\\n\\t.reloc .-1, R_X86_64_NONE, obj_script\\n\\t.previous\");\n"
      "long ipxe(void); long _start(void) { return ipxe(); }\n");
  auto link = runProgram("ld", {"-static", "-e", "_start", caller, stub, "-o", dir + "/linked"});
  EXPECT_EQ(link.status, 0) << link.err;
  auto without = runProgram("ld", {"-static", "-e", "_start", caller, "-o", dir + "/unlinked"});
  EXPECT_NE(without.status, 0) << "the caller must need the stub, or this test proves nothing";

  // A real definition pulled in by other code wins over the weak stub.
  std::string real = compile("real", "long ipxe(void) { return 42; } char obj_shell[0];\n");
  auto both = runProgram("ld", {"-static", "-e", "_start", caller, stub, real, "-o", dir + "/both"});
  EXPECT_EQ(both.status, 0) << both.err;
}

TEST(StubCompile, ReusesTheTreesFlagsUnderAnotherObjectName) {
  Argv version{"gcc", "-m64", "-DOBJECT=version", "-include", "include/compiler.h",
               "-DVERSION=\"1.0\"", "-c", "core/version.c", "-o", "bin/version.x.o"};
  auto stub = stubCompileCommand(version, "out/stub.c", "out/stub.o");
  ASSERT_TRUE(bool(stub));
  EXPECT_EQ(*stub, (Argv{"gcc", "-m64", "-DOBJECT=romfit_stub", "-include", "include/compiler.h",
                         "-c", "out/stub.c", "-o", "out/stub.o"}));
  auto bad = stubCompileCommand({"gcc", "-E", "x.c"}, "s.c", "s.o");
  ASSERT_FALSE(bool(bad));
  EXPECT_NE(llvm::toString(bad.takeError()).find("-c SOURCE -o OBJECT"), std::string::npos);
}

TEST(PrunedLink, ReplacesTheArchiveAndMovesTheOutputs) {
  Argv link{"ld", "-m", "elf_x86_64", "-e", "_start", "bin/version.o", "bin/blib.a",
            "-o", "bin/x.tmp", "-Map", "bin/x.tmp.map"};
  auto pruned = prunedLinkCommand(link, "bin/blib.a", {"out/stub.o", "out/pruned.a"},
                                  "out/x.elf", "out/x.map");
  ASSERT_TRUE(bool(pruned));
  EXPECT_EQ(*pruned, (Argv{"ld", "-m", "elf_x86_64", "-e", "_start", "bin/version.o",
                           "out/stub.o", "out/pruned.a", "-o", "out/x.elf", "-Map", "out/x.map"}));
  auto missing = prunedLinkCommand(link, "bin/other.a", {}, "o", "m");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("bin/other.a"), std::string::npos);
}

} // namespace
} // namespace romfit::prune
