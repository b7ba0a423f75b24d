// ctest-labels: slow
// ctest-one-process
// Compiles and links a fixture with gcc and ld (a second or two per build),
// hence the label: `ctest -L unit` leaves it out, the full suite runs it.
// The linker view against what ld keeps, and the reachable view's garbage
// against ld links of fixture variants in which a reference really is gone.
#include "tests/analysis_fixture.h"

namespace romfit::testing {
namespace {

struct Links {
  FixtureLink full, withoutLoadFileCall, withoutRequireSnp;
};

class LivenessTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    links = new Links{buildFixture("full"),
                      buildFixture("cut", "-DFIXTURE_CUT_LOAD_FILE"),
                      buildFixture("norequire", "-DFIXTURE_NO_REQUIRE_SNP")};
  }
  static void TearDownTestSuite() { delete links; }
  void SetUp() override {
    ASSERT_TRUE(links->full.built) << links->full.failure;
    ASSERT_TRUE(links->withoutLoadFileCall.built) << links->withoutLoadFileCall.failure;
    ASSERT_TRUE(links->withoutRequireSnp.built) << links->withoutRequireSnp.failure;
  }
  static Links *links;
};
Links *LivenessTest::links = nullptr;

std::map<std::string, uint64_t> keptByRomfit(const FixtureLink &link) {
  CommandResult result = romfitOnLink(link, "top", {"--by", "section", "--limit", "0", "--json"});
  EXPECT_EQ(result.status, 0) << result.err;
  std::map<std::string, uint64_t> kept;
  llvm::json::Value json = parseJson(result.out);
  if (const llvm::json::Object *object = json.getAsObject())
    for (const llvm::json::Value &row : *object->getArray("rows")) {
      const llvm::json::Object *fields = row.getAsObject();
      uint64_t size = *fields->getInteger("size");
      if (size > 0)
        kept[fields->getString("name")->str()] = size;
    }
  return kept;
}

// Members a garbage report says are dead, and the bytes it says the cuts free.
struct Garbage {
  std::set<std::string> entirelyDead;
  std::set<std::string> freedEntirely;
  uint64_t deadBytes = 0, freedBytes = 0;
};

Garbage garbageOf(const FixtureLink &link, std::vector<std::string> options) {
  options.push_back("--json");
  CommandResult result = romfitOnLink(link, "garbage", options);
  EXPECT_EQ(result.status, 0) << result.err;
  Garbage garbage;
  llvm::json::Value json = parseJson(result.out);
  const llvm::json::Object *object = json.getAsObject();
  if (!object)
    return garbage;
  garbage.deadBytes = *object->getInteger("deadBytes");
  for (const llvm::json::Value &member : *object->getArray("members"))
    if (*member.getAsObject()->getBoolean("entirelyDead"))
      garbage.entirelyDead.insert(member.getAsObject()->getString("member")->str());
  if (const llvm::json::Array *freed = object->getArray("freed")) {
    garbage.freedBytes = *object->getInteger("freedBytes");
    for (const llvm::json::Value &member : *freed)
      if (*member.getAsObject()->getBoolean("entirelyDead"))
        garbage.freedEntirely.insert(member.getAsObject()->getString("member")->str());
  }
  return garbage;
}

std::set<std::string> membersOf(const std::string &map) {
  std::set<std::string> members;
  for (const std::string &line : splitLines(mapMemberList(map)))
    if (!line.empty() && line[0] != ' ')
      members.insert(line.substr(0, line.find(' ')));
  return members;
}

TEST_F(LivenessTest, LinkerViewKeepsExactlyWhatLdKeeps) {
  std::map<std::string, uint64_t> expected = mapKeptSections(links->full.map);
  ASSERT_GT(expected.size(), 20u);
  EXPECT_EQ(keptByRomfit(links->full), expected);
  for (const auto &[section, size] : keptByRomfit(links->full))
    EXPECT_EQ(removedByLd(links->full.removedSections).count(section), 0u) << section;
}

TEST_F(LivenessTest, LinkerViewMatchesLdOnEveryVariant) {
  for (const FixtureLink *link : {&links->withoutLoadFileCall, &links->withoutRequireSnp})
    EXPECT_EQ(keptByRomfit(*link), mapKeptSections(link->map));
}

TEST_F(LivenessTest, I386LinkMatchesLdToo) {
  // ELF32 with REL relocations and R_386_NONE, as bin-i386-efi links.
  FixtureLink link = buildFixture("i386", "", "i386");
  if (!link.built && link.failure.find("-m32") != std::string::npos)
    GTEST_SKIP() << "no 32-bit gcc: " << link.failure;
  ASSERT_TRUE(link.built) << link.failure;
  CommandResult members = romfitOnLink(link, "members");
  ASSERT_EQ(members.status, 0) << members.err;
  EXPECT_EQ(members.out, mapMemberList(link.map));
  EXPECT_EQ(keptByRomfit(link), mapKeptSections(link.map));
  EXPECT_EQ(garbageOf(link, {}).deadBytes, 1u);
}

TEST_F(LivenessTest, WithoutCutsOnlyTheRequireAnchorIsDead) {
  // Everything the fixture links can run from the entry: SNP's LoadFile is
  // installed by a net driver, and the boot stack hangs off it.  Only
  // config.o's one-byte .tbl.requiring_symbols anchor is never iterated.
  Garbage garbage = garbageOf(links->full, {});
  EXPECT_EQ(garbage.deadBytes, 1u);
  // ld links platform_weak.o though the strong platform_hook elsewhere
  // wins, so its init_fns entry runs: nothing references the object, and
  // the view must still count it as linked.
  EXPECT_FALSE(garbage.entirelyDead.count("blib.a(platform_weak.o)"));
  CommandResult why =
      romfitOnLink(links->full, "why", {"platform_weak_init", "--view", "reachable"});
  EXPECT_EQ(why.status, 0) << why.out << why.err;
}

TEST_F(LivenessTest, CutFreesWhatLdDropsWhenTheCallIsGone) {
  // The oracle: ld's link of the same tree where snp_load_file does not
  // call boot_main.  Every member ld no longer extracts must be freed, with
  // at least the bytes ld no longer keeps.
  std::set<std::string> before = membersOf(links->full.map);
  std::set<std::string> after = membersOf(links->withoutLoadFileCall.map);
  std::set<std::string> dropped;
  for (const std::string &member : before)
    if (!after.count(member))
      dropped.insert(member);
  ASSERT_FALSE(dropped.empty());

  uint64_t droppedBytes = 0;
  std::map<std::string, uint64_t> keptAfter = mapKeptSections(links->withoutLoadFileCall.map);
  for (const auto &[section, size] : mapKeptSections(links->full.map))
    if (!keptAfter.count(section))
      droppedBytes += size;

  Garbage garbage = garbageOf(links->full, {"--cut", "snp_load_file->boot_main"});
  for (const std::string &member : dropped)
    EXPECT_TRUE(garbage.freedEntirely.count(member)) << member;
  EXPECT_GE(garbage.freedBytes, droppedBytes);
  // Beyond ld: echo_cmd.o stays linked (config requires it) and ld keeps
  // its command table entry, but nothing iterates the commands table once
  // the shell is gone; nor the statistics table only a command iterates.
  CommandResult why = romfitOnLink(links->full, "why",
                                   {"echo_command", "--view", "reachable", "--cut",
                                    "snp_load_file->boot_main"});
  EXPECT_EQ(why.status, 1) << why.out << why.err;
  uint64_t shellOnlyBytes = 0;
  for (const auto &[section, size] : mapKeptSections(links->withoutLoadFileCall.map))
    if (runsOnlyThroughTheShell(section))
      shellOnlyBytes += size;
  EXPECT_GT(shellOnlyBytes, 0u);
  EXPECT_EQ(garbage.freedBytes, droppedBytes + shellOnlyBytes);
}

TEST_F(LivenessTest, CuttingASymbolRemovesEveryReferenceToIt) {
  Garbage byEdge = garbageOf(links->full, {"--cut", "snp_load_file->boot_main"});
  Garbage bySymbol = garbageOf(links->full, {"--cut", "boot_main"});
  EXPECT_EQ(byEdge.freedBytes, bySymbol.freedBytes);
  EXPECT_EQ(byEdge.freedEntirely, bySymbol.freedEntirely);
}

TEST_F(LivenessTest, RequireAsIntentFreesWhatLdDropsWithoutTheRequire) {
  std::set<std::string> before = membersOf(links->full.map);
  std::set<std::string> after = membersOf(links->withoutRequireSnp.map);
  Garbage garbage = garbageOf(links->full, {"--require-edges", "intent"});
  std::set<std::string> dropped;
  for (const std::string &member : before)
    if (!after.count(member))
      dropped.insert(member);
  ASSERT_TRUE(dropped.count("blib.a(snp.o)"));
  for (const std::string &member : dropped)
    EXPECT_TRUE(garbage.entirelyDead.count(member)) << member;
}

TEST_F(LivenessTest, UnknownCutTargetIsAnInputError) {
  CommandResult result = romfitOnLink(links->full, "garbage", {"--cut", "no_such_symbol"});
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.err.find("no_such_symbol"), std::string::npos) << result.err;
}

} // namespace
} // namespace romfit::testing
