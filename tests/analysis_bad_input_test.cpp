// ctest-labels: slow
// ctest-one-process
// Compiles and links a fixture with gcc and ld (a second or two per build),
// hence the label: `ctest -L unit` leaves it out, the full suite runs it.
// Bad input: every failure exits 2 with a message naming the culprit.
#include <fstream>

#include "tests/analysis_fixture.h"

namespace romfit::testing {
namespace {

class BadInputTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() { link = new FixtureLink(buildFixture("bad")); }
  static void TearDownTestSuite() { delete link; }
  void SetUp() override { ASSERT_TRUE(link->built) << link->failure; }
  static FixtureLink *link;

  // The fixture's command with one argument replaced (or appended).
  static std::vector<std::string> commandWith(const std::string &from, const std::string &to) {
    std::vector<std::string> command = link->linkCommand;
    bool replaced = false;
    for (std::string &argument : command)
      if (argument == from) {
        argument = to;
        replaced = true;
      }
    if (!replaced)
      command.insert(command.begin() + 1, to);
    return command;
  }
  static CommandResult members(const std::vector<std::string> &command) {
    std::vector<std::string> arguments{"members", "-C", link->directory, "--"};
    arguments.insert(arguments.end(), command.begin(), command.end());
    return runRomfit(arguments);
  }
  static void writeBytes(const std::string &path, const std::string &bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
};
FixtureLink *BadInputTest::link = nullptr;

void expectInputError(const CommandResult &result, const std::string &named) {
  EXPECT_EQ(result.status, 2) << result.out;
  EXPECT_NE(result.err.find(named), std::string::npos) << result.err;
}

TEST_F(BadInputTest, CorruptMemberNamesArchiveAndMember) {
  std::string archive = readText(link->directory + "/blib.a");
  size_t header = archive.find("netdrv.o/");
  ASSERT_NE(header, std::string::npos);
  size_t data = header + 60;  // one ar member header
  ASSERT_EQ(archive.substr(data, 4), "\x7f" "ELF");
  for (size_t i = data + 32; i < data + 64; ++i)  // section header offset and counts
    archive[i] = '\xff';
  writeBytes(link->directory + "/corrupt.a", archive);
  expectInputError(members(commandWith("blib.a", "corrupt.a")), "corrupt.a(netdrv.o)");
}

TEST_F(BadInputTest, TruncatedArchiveNamesTheFile) {
  std::string archive = readText(link->directory + "/blib.a");
  writeBytes(link->directory + "/truncated.a", archive.substr(0, archive.size() / 2));
  expectInputError(members(commandWith("blib.a", "truncated.a")), "truncated.a");
}

TEST_F(BadInputTest, NotAnObjectNamesTheFile) {
  writeBytes(link->directory + "/text.o", "just some text\n");
  expectInputError(members(commandWith("version.o", "text.o")), "text.o");
}

TEST_F(BadInputTest, UnknownEmulationNamesIt) {
  expectInputError(members(commandWith("elf_x86_64", "elf_pdp11")), "elf_pdp11");
}

TEST_F(BadInputTest, WrongMachineForEmulationNamesTheObject) {
  expectInputError(members(commandWith("elf_x86_64", "elf_i386")), "version.o");
}

TEST_F(BadInputTest, UnknownLdOptionNamesIt) {
  expectInputError(members(commandWith("--no-such-thing", "--frobnicate")), "--frobnicate");
}

TEST_F(BadInputTest, UnsupportedLdOptionNamesIt) {
  expectInputError(members(commandWith("--whole-archive", "--whole-archive")), "--whole-archive");
}

TEST_F(BadInputTest, MissingFileNamesIt) {
  expectInputError(members(commandWith("version.o", "missing.o")), "missing.o");
}

TEST_F(BadInputTest, MissingScriptNamesIt) {
  std::vector<std::string> command = link->linkCommand;
  for (size_t i = 0; i + 1 < command.size(); ++i)
    if (command[i] == "-T")
      command[i + 1] = link->directory + "/missing.lds";
  expectInputError(members(command), "missing.lds");
}

TEST_F(BadInputTest, MissingLinkCommandIsAUsageError) {
  CommandResult result = runRomfit({"members"});
  EXPECT_EQ(result.status, 2);
}

TEST_F(BadInputTest, UnknownTargetOfWhyNamesIt) {
  CommandResult result = romfitOnLink(*link, "why", {"no_such_thing"});
  expectInputError(result, "no_such_thing");
}

} // namespace
} // namespace romfit::testing
