// ctest-labels: slow
// ctest-one-process
// Compiles and links a fixture with gcc and ld (a second or two per build),
// hence the label: `ctest -L unit` leaves it out, the full suite runs it.
// `romfit members` against ld's own map of the fixture link.
#include <fstream>

#include "tests/analysis_fixture.h"

namespace romfit::testing {
namespace {

class MembersTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { link = new FixtureLink(buildFixture("members")); }
  static void TearDownTestSuite() { delete link; }
  void SetUp() override { ASSERT_TRUE(link->built) << link->failure; }
  static FixtureLink *link;
};
FixtureLink *MembersTest::link = nullptr;

TEST_F(MembersTest, EqualsTheMapsArchiveMemberListExactly) {
  std::string expected = mapMemberList(link->map);
  ASSERT_FALSE(expected.empty()) << link->map;
  CommandResult result = romfitOnLink(*link, "members");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, expected);
}

TEST_F(MembersTest, JsonNamesEachMemberReferenceAndSymbol) {
  CommandResult result = romfitOnLink(*link, "members", {"--json"});
  ASSERT_EQ(result.status, 0) << result.err;
  llvm::json::Value json = parseJson(result.out);
  const llvm::json::Object *object = json.getAsObject();
  ASSERT_TRUE(object);
  const llvm::json::Array *members = object->getArray("members");
  ASSERT_TRUE(members);
  // One JSON entry per map entry, in the same order and with the same reason.
  std::vector<std::string> mapLines = splitLines(mapMemberList(link->map));
  std::vector<std::string> entries;
  for (size_t i = 0; i < mapLines.size(); ++i) {
    std::string line = mapLines[i];
    if (line.size() < 30 && i + 1 < mapLines.size())  // long name: reason on the next line
      line += mapLines[++i];
    entries.push_back(line);
  }
  ASSERT_EQ(members->size(), entries.size());
  EXPECT_EQ(*object->getInteger("count"), int64_t(entries.size()));
  for (size_t i = 0; i < entries.size(); ++i) {
    const llvm::json::Object *member = (*members)[i].getAsObject();
    ASSERT_TRUE(member);
    std::string name = member->getString("member")->str();
    std::string symbol = member->getString("symbol")->str();
    EXPECT_EQ(entries[i].rfind(name, 0), 0u) << entries[i];
    EXPECT_NE(entries[i].find("(" + symbol + ")"), std::string::npos) << entries[i];
    if (auto from = member->getString("referencedBy")) {
      EXPECT_NE(entries[i].find(from->str() + " ("), std::string::npos) << entries[i];
    }
  }
}

TEST_F(MembersTest, FollowsGnuLdArchiveRules) {
  std::string map = mapMemberList(link->map);
  CommandResult result = romfitOnLink(*link, "members");
  // The fixture's traps, each confirmed by ld's map above: an undefined
  // weak reference extracts nothing, an unreferenced member stays out, and
  // a common symbol extracts the member with the real definition.
  for (const std::string &text : {map, result.out}) {
    EXPECT_EQ(text.find("optional.o"), std::string::npos);
    EXPECT_EQ(text.find("unused.o"), std::string::npos);
    EXPECT_NE(text.find("blib.a(counters.o)"), std::string::npos);
    EXPECT_NE(text.find("blib.a(config.o) (obj_snp)"), std::string::npos);
  }
}

TEST_F(MembersTest, WritesLongMemberNamesOnALineOfTheirOwnLikeTheMap) {
  // iPXE's archive lives in bin-*/, so every member name is long enough
  // that ld's map puts the reason on the next line.
  FixtureLink binLayout;
  {
    binLayout.directory = makeScratchDir("linkgraph-nested");
    CommandResult build = runProgram(
        "env", {"BIN=bin-x86_64-fixture", "sh",
                std::string(ROMFIT_SOURCE_DIR) + "/tests/fixtures/linkgraph/build.sh",
                binLayout.directory});
    ASSERT_EQ(build.status, 0) << build.err;
    binLayout.linkCommand = splitLines(readText(binLayout.directory + "/link.args"));
    std::vector<std::string> ld{"-C", binLayout.directory};
    ld.insert(ld.end(), binLayout.linkCommand.begin(), binLayout.linkCommand.end());
    CommandResult linked = runProgram("env", ld);
    ASSERT_EQ(linked.status, 0) << linked.err;
  }
  std::string expected = mapMemberList(readText(binLayout.directory + "/image.map"));
  ASSERT_NE(expected.find("bin-x86_64-fixture/blib.a(netdrv.o)\n"), std::string::npos) << expected;
  CommandResult result = romfitOnLink(binLayout, "members");
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, expected);
}

TEST_F(MembersTest, NamesTheCommandLineObjectAsAReason) {
  // version.o refers to product_name, which only product.o defines.
  std::string expected = mapMemberList(link->map);
  ASSERT_NE(expected.find("version.o (product_name)"), std::string::npos) << expected;
  CommandResult result = romfitOnLink(*link, "members");
  EXPECT_NE(result.out.find("version.o (product_name)"), std::string::npos) << result.out;
}

TEST(MembersCommon, ANewCommonSymbolTriggersAnotherPass) {
  // cdef.o precedes user.o in the archive and defines C, which user.o only
  // declares common.  Extracting user.o adds no undefined symbol, yet ld
  // makes another pass (BFD lists new commons as undefined) and extracts
  // cdef.o for the real definition.
  std::string directory = makeScratchDir("linkgraph-common");
  std::ofstream(directory + "/cdef.c") << "int C = 3;\nint cdef_fn(void) { return C; }\n";
  std::ofstream(directory + "/user.c")
      << "int C;\nchar obj_user[0] __attribute__((section(\".provided\")));\n"
         "int user_fn(void) { return C; }\n";
  for (const char *name : {"cdef", "user"})
    ASSERT_EQ(runProgram("gcc", {"-c", "-O2", "-fcommon", directory + "/" + name + ".c", "-o",
                                 directory + "/" + name + ".o"})
                  .status,
              0);
  ASSERT_EQ(runProgram("ar", {"rcs", directory + "/lib.a", directory + "/cdef.o",
                              directory + "/user.o"})
                .status,
            0);
  std::vector<std::string> link{"ld", "-m", "elf_x86_64", "-u", "obj_user", "-e", "user_fn",
                                "lib.a", "-o", "out", "-Map", "out.map"};
  std::vector<std::string> ld{"-C", directory};
  ld.insert(ld.end(), link.begin(), link.end());
  ASSERT_EQ(runProgram("env", ld).status, 0);
  std::string expected = mapMemberList(readText(directory + "/out.map"));
  ASSERT_NE(expected.find("lib.a(cdef.o)"), std::string::npos) << expected;
  std::vector<std::string> arguments{"members", "-C", directory, "--"};
  arguments.insert(arguments.end(), link.begin(), link.end());
  CommandResult result = runRomfit(arguments);
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, expected);
  llvm::sys::fs::remove_directories(directory);
}

TEST_F(MembersTest, AcceptsTheCommandPastedAsOneArgument) {
  std::string line;
  for (const std::string &word : link->linkCommand)
    line += (line.empty() ? "" : " ") + word;
  CommandResult result = runRomfit({"members", "-C", link->directory, "--", line});
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, mapMemberList(link->map));
}

} // namespace
} // namespace romfit::testing
