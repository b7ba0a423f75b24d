// ctest-labels: history
// ctest-one-process
// romfit history and bisect on a scripted git history of the minipxe fixture
// (tests/fixtures/make-minipxe-history): which commits the rule builds, that
// the skipped ones have the bytes a build of every commit measures, that a
// rerun and a longer range build only what is missing, the chart page in a
// browser, and bisect's answer and build count.
#include <cmath>
#include <regex>

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/JSON.h>

#include "history/history_record.h"
#include "tests/headless_chromium.h"
#include "tests/test_support.h"

namespace romfit {
namespace {

using history::CommitRecord;
using history::Outcome;

struct Repository {
  std::string path;
  std::vector<std::string> commits;  // oldest first
};

std::vector<std::string> buildArguments() {
  return {"--rom", "8086100e", "--image", "legacy", "--image", "efi:x86_64", "--config", "qemu"};
}

testing::CommandResult runHistory(const Repository &repo, const std::string &dir,
                                  std::vector<std::string> extra) {
  std::vector<std::string> arguments = {"history", "--ipxe", repo.path, "-o", dir};
  arguments.insert(arguments.end(), extra.begin(), extra.end());
  for (const std::string &argument : buildArguments())
    arguments.push_back(argument);
  return testing::runRomfit(arguments);
}

history::History readHistory(const std::string &dir) {
  auto history = history::readHistory(dir + "/history.json");
  if (!history) {
    ADD_FAILURE() << llvm::toString(history.takeError());
    return {};
  }
  return std::move(*history);
}

class HistoryOnFixture : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    scratch_ = new std::string(testing::makeScratchDir("history-fixture"));
    repo_ = new Repository{*scratch_ + "/repo", {}};
    auto made = testing::runProgram("bash", {ROMFIT_SOURCE_DIR "/tests/fixtures/make-minipxe-history",
                                             repo_->path});
    ASSERT_EQ(made.status, 0) << made.err;
    auto log = testing::runProgram("git", {"-C", repo_->path, "log", "--reverse", "--format=%H"});
    std::istringstream lines(log.out);
    for (std::string line; std::getline(lines, line);)
      repo_->commits.push_back(line);
    ASSERT_EQ(repo_->commits.size(), 6u);
    // Commits 2 and 3 first, then all six: the second run adds the others
    // and must not build those two again.
    dir_ = new std::string(*scratch_ + "/history");
    first_ = new testing::CommandResult(
        runHistory(*repo_, *dir_, {"--range", repo_->commits[0] + ".." + repo_->commits[2]}));
    second_ = new testing::CommandResult(runHistory(*repo_, *dir_, {"--last", "6"}));
  }
  static void TearDownTestSuite() {
    llvm::sys::fs::remove_directories(*scratch_);
  }
  static std::string *scratch_, *dir_;
  static Repository *repo_;
  static testing::CommandResult *first_, *second_;
};
std::string *HistoryOnFixture::scratch_, *HistoryOnFixture::dir_;
Repository *HistoryOnFixture::repo_;
testing::CommandResult *HistoryOnFixture::first_, *HistoryOnFixture::second_;

TEST_F(HistoryOnFixture, BuildsExactlyTheCommitsTheRuleRequires) {
  ASSERT_EQ(first_->status, 0) << first_->err;
  ASSERT_EQ(second_->status, 0) << second_->err;
  EXPECT_NE(first_->err.find("2 commits: 1 built, 1 skipped"), std::string::npos) << first_->err;
  EXPECT_NE(second_->err.find("6 commits: 3 built, 1 skipped as unable to change a ROM, 0 failed to "
                              "build, 2 already recorded"),
            std::string::npos)
      << second_->err;
  history::History history = readHistory(*dir_);
  std::map<std::string, const CommitRecord *> byCommit;
  for (const CommitRecord &record : history.records)
    byCommit[record.commit] = &record;
  ASSERT_EQ(byCommit.size(), 6u);
  const auto &c = repo_->commits;
  // 1 and 2 the first of their runs' ranges (2 adds a member); 3 only
  // realtek; 4 a config header; 5 only src/README.md; 6 changes the new member.
  std::vector<Outcome> expected = {Outcome::Built, Outcome::Built, Outcome::Skipped,
                                   Outcome::Built, Outcome::Skipped, Outcome::Built};
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(byCommit[c[i]]->outcome, expected[i]) << "commit " << i + 1 << ": " << byCommit[c[i]]->reason;
  EXPECT_NE(byCommit[c[1]]->reason.find("the first commit of the range"), std::string::npos);
  EXPECT_NE(byCommit[c[2]]->reason.find("drivers/net/realtek.c"), std::string::npos);
  EXPECT_EQ(byCommit[c[2]]->sameAs, c[1]);
  EXPECT_NE(byCommit[c[3]]->reason.find("build system: config/general.h"), std::string::npos);
  EXPECT_NE(byCommit[c[4]]->reason.find("README.md"), std::string::npos);
  EXPECT_EQ(byCommit[c[4]]->sameAs, c[3]);
  EXPECT_NE(byCommit[c[5]]->reason.find("core/noise.c, which a linked object is built from"),
            std::string::npos);
  // The first run's records come first, untouched: records are appended.
  EXPECT_EQ(history.records[0].commit, c[1]);
  EXPECT_EQ(history.records[1].commit, c[2]);
  EXPECT_EQ(history.records[2].commit, c[0]);
}

TEST_F(HistoryOnFixture, SkippedCommitsHaveTheBytesEveryCommitBuiltMeasures) {
  // The brute force builds what the rule skipped, in a DIR of its own that
  // holds the built commits' records, so it builds exactly the skipped ones.
  std::string every = *scratch_ + "/every";
  history::History skipping = readHistory(*dir_), seeded;
  seeded.buildRequest = skipping.buildRequest;
  for (const CommitRecord &record : skipping.records)
    if (record.outcome == Outcome::Built)
      seeded.records.push_back(record);
  ASSERT_EQ(seeded.records.size(), 4u);
  ASSERT_TRUE(llvm::sys::fs::create_directories(every) == std::error_code());
  ASSERT_FALSE(bool(history::writeHistory(every + "/history.json", seeded)));
  auto run = runHistory(*repo_, every, {"--last", "6", "--every"});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.err.find("6 commits: 2 built, 0 skipped as unable to change a ROM, 0 failed to "
                         "build, 4 already recorded"),
            std::string::npos)
      << run.err;
  history::History brute = readHistory(every);
  ASSERT_EQ(brute.records.size(), 6u);
  for (size_t skipped : {2, 4}) {
    const CommitRecord *built = brute.find(repo_->commits[skipped]);
    ASSERT_NE(built, nullptr);
    EXPECT_EQ(built->outcome, Outcome::Built);
    EXPECT_EQ(skipping.find(built->commit)->outcome, Outcome::Skipped);
    EXPECT_EQ(skipping.find(built->commit)->roms, built->roms)
        << built->commit << " (" << built->subject << ")";
  }
  // And the history is not trivially flat: the EFI driver grew twice.
  const auto &rom = [&](size_t i) { return brute.find(repo_->commits[i])->roms.at("8086100e"); };
  EXPECT_GT(rom(1).images.at("efi:x86_64").bytes, rom(0).images.at("efi:x86_64").bytes);
  EXPECT_GT(rom(5).images.at("efi:x86_64").bytes, rom(4).images.at("efi:x86_64").bytes);
  EXPECT_GT(rom(1).images.at("efi:x86_64").members.at("noise.o"), 1000u);
}

TEST_F(HistoryOnFixture, ARerunBuildsNothingAndKeepsEveryRecord) {
  std::string before = testing::readText(*dir_ + "/history.json");
  auto rerun = runHistory(*repo_, *dir_, {"--last", "6"});
  ASSERT_EQ(rerun.status, 0) << rerun.err;
  EXPECT_NE(rerun.err.find("0 built, 0 skipped as unable to change a ROM, 0 failed to build, 6 already"),
            std::string::npos)
      << rerun.err;
  EXPECT_EQ(testing::readText(*dir_ + "/history.json"), before);
  // Another request in the same DIR would mix two ROMs' records.
  auto other = testing::runRomfit({"history", "--ipxe", repo_->path, "-o", *dir_, "--last", "6",
                                   "--rom", "8086100e", "--image", "efi:x86_64", "--config", "qemu"});
  EXPECT_EQ(other.status, 2);
  EXPECT_NE(other.err.find("history.json records builds of"), std::string::npos) << other.err;
  EXPECT_EQ(testing::readText(*dir_ + "/history.json"), before);
}

TEST_F(HistoryOnFixture, MoversNameTheCommitsAndTheMembersAndSymbolsThatMovedThem) {
  std::string json = testing::readText(*dir_ + "/movers.json");
  auto parsed = llvm::json::parse(json);
  ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  const llvm::json::Array *movers = parsed->getAsObject()->getArray("movers");
  ASSERT_NE(movers, nullptr);
  std::set<std::string> commits;
  for (const llvm::json::Value &value : *movers) {
    const llvm::json::Object &mover = *value.getAsObject();
    commits.insert(mover.getString("commit")->str());
    const llvm::json::Object &top = *(*mover.getArray("members"))[0].getAsObject();
    EXPECT_EQ(*top.getString("member"), "noise.o");
    EXPECT_GT(*mover.getInteger("delta"), 0);
    // Each step adds 2,048 bytes of table: the symbol behind it, by name.
    const llvm::json::Array *symbols = mover.getArray("symbols");
    ASSERT_TRUE(symbols && !symbols->empty()) << json;
    const llvm::json::Object &topSymbol = *(*symbols)[0].getAsObject();
    EXPECT_EQ(*topSymbol.getString("symbol"), "noise_table") << json;
    EXPECT_EQ(*topSymbol.getString("member"), "noise.o") << json;
    EXPECT_EQ(*topSymbol.getInteger("delta"), 2048) << json;
  }
  EXPECT_EQ(commits, (std::set<std::string>{repo_->commits[1], repo_->commits[5]}));
  EXPECT_NE(second_->out.find("noise.o +"), std::string::npos) << second_->out;
  EXPECT_NE(testing::readText(*dir_ + "/movers.md").find("| `" + repo_->commits[1].substr(0, 12) + "` |"),
            std::string::npos);
}

TEST_F(HistoryOnFixture, TheChartPageRendersEveryStepWithItsCommit) {
  if (!llvm::sys::findProgramByName("chromium")) {
    ASSERT_TRUE(std::getenv("CI") == nullptr) << "chromium is not installed: run scripts/setup";
    GTEST_SKIP() << "chromium is not installed";
  }
  auto dump = testing::runChromium({"--dump-dom", testing::fileUrl(*dir_ + "/history.html")});
  ASSERT_EQ(dump.status, 0) << dump.err;
  std::smatch points;
  ASSERT_TRUE(std::regex_search(dump.out, points, std::regex("data-points=\"([0-9]+)\"")))
      << "the page's script did not run";
  std::smatch series;
  ASSERT_TRUE(std::regex_search(dump.out, series, std::regex("data-series=\"([0-9]+)\"")));
  // Every series has a point at each of the 6 commits.
  EXPECT_EQ(std::stoi(points[1]), 6 * std::stoi(series[1]));
  EXPECT_GE(std::stoi(series[1]), 4);  // ROM and unpruned ROM, legacy and efi:x86_64 at least
  EXPECT_NE(dump.out.find("class=\"budget\""), std::string::npos);
  EXPECT_NE(dump.out.find("data-bytes=\"262144\""), std::string::npos);
  // The step at commit 2 carries its commit and its top member change.
  std::string step = "data-commit=\"" + repo_->commits[1] + "\"><title>" + repo_->commits[1].substr(0, 12);
  size_t at = dump.out.find("class=\"point step\" data-series=\"8086100e efi:x86_64\" " + step);
  ASSERT_NE(at, std::string::npos) << dump.out.substr(0, 4000);
  EXPECT_NE(dump.out.substr(at, 600).find("noise.o +"), std::string::npos);
}

TEST_F(HistoryOnFixture, BisectFindsTheCommitThatCrossesTheLine) {
  const auto &c = repo_->commits;
  auto bisect = [&](const std::string &dir, std::vector<std::string> line) {
    std::vector<std::string> arguments = {"bisect", "--ipxe", repo_->path, "--good", c[0], "--bad", c[5],
                                          "-o", dir};
    arguments.insert(arguments.end(), line.begin(), line.end());
    for (const std::string &argument : buildArguments())
      arguments.push_back(argument);
    return testing::runRomfit(arguments);
  };
  // A fresh DIR: it builds, at most ceil(log2 5) + 2 = 5 times.
  auto fresh = bisect(*scratch_ + "/bisect", {"--of", "efi:x86_64 unpruned", "--grew", "3KiB"});
  ASSERT_EQ(fresh.status, 0) << fresh.err;
  EXPECT_NE(fresh.out.find("crossed the line at: " + c[5]), std::string::npos) << fresh.out;
  std::smatch builds;
  ASSERT_TRUE(std::regex_search(fresh.out, builds, std::regex("([0-9]+) builds for 5 commits \\(at most 5")))
      << fresh.out;
  EXPECT_LE(std::stoi(builds[1]), 5);
  EXPECT_GE(std::stoi(builds[1]), 2);
  // The history's DIR: every commit is recorded, so nothing is built.
  auto recorded = bisect(*dir_, {"--of", "efi:x86_64", "--grew", "1"});
  ASSERT_EQ(recorded.status, 0) << recorded.err;
  EXPECT_NE(recorded.out.find("crossed the line at: " + c[1]), std::string::npos) << recorded.out;
  EXPECT_NE(recorded.out.find("noise.o +"), std::string::npos);
  EXPECT_NE(recorded.out.find("0 builds for 5 commits"), std::string::npos) << recorded.out;
  // A line the bad commit does not cross is an error, not an answer.
  auto never = bisect(*dir_, {"--over", "1MiB"});
  EXPECT_EQ(never.status, 2);
  EXPECT_NE(never.err.find("is not past the line"), std::string::npos) << never.err;
}

TEST_F(HistoryOnFixture, TheLongViewLocatesEachStepBetweenTagsExactly) {
  const auto &c = repo_->commits;
  std::string dir = *scratch_ + "/tags";
  auto run = runHistory(*repo_, dir, {"--tags", "--locate", "1KiB"});
  ASSERT_EQ(run.status, 0) << run.err;
  // The samples: v1.0.0 (commit 1), v1.1.0 (commit 4) and HEAD (commit 6).
  EXPECT_NE(run.err.find("3 commits: 3 built"), std::string::npos) << run.err;
  // Each sample-to-sample move of the pruned driver, bisected to its commit.
  EXPECT_NE(run.out.find("steps of at least 1,024 B between samples, located:"), std::string::npos)
      << run.out;
  auto located = llvm::json::parse(testing::readText(dir + "/located.json"));
  ASSERT_TRUE(bool(located)) << llvm::toString(located.takeError());
  std::map<std::string, std::string> firstBySample;
  for (const llvm::json::Value &step : *located->getAsObject()->getArray("located")) {
    const llvm::json::Object &object = *step.getAsObject();
    EXPECT_EQ(*object.getString("image"), "efi:x86_64");
    firstBySample[object.getString("sample")->str()] = object.getString("first")->str();
  }
  EXPECT_EQ(firstBySample, (std::map<std::string, std::string>{{c[3], c[1]}, {c[5], c[5]}}));
  // Between v1.0.0 and v1.1.0 the midpoint is commit 2, built; between
  // v1.1.0 and HEAD it is commit 5, carried unbuilt (only README.md changed
  // since commit 4); commit 3 is never needed.
  history::History records = readHistory(dir);
  ASSERT_NE(records.find(c[1]), nullptr);
  EXPECT_EQ(records.find(c[1])->outcome, Outcome::Built);
  EXPECT_EQ(records.find(c[2]), nullptr);
  ASSERT_NE(records.find(c[4]), nullptr);
  EXPECT_EQ(records.find(c[4])->outcome, Outcome::Skipped);
}

TEST(HistoryArguments, BadRequestsAreNamedAndWriteNothing) {
  std::string scratch = testing::makeScratchDir("history-bad");
  auto notRepo = testing::runRomfit({"history", "--ipxe", scratch, "--last", "3", "--rom", "8086100e",
                                     "-o", scratch + "/out"});
  EXPECT_EQ(notRepo.status, 2);
  EXPECT_NE(notRepo.err.find("is not a git repository"), std::string::npos) << notRepo.err;
  EXPECT_FALSE(testing::fileExists(scratch + "/out/history.json"));
  auto both = testing::runRomfit({"history", "--ipxe", scratch, "--last", "3", "--range", "a..b",
                                  "--rom", "8086100e", "-o", scratch + "/out"});
  EXPECT_EQ(both.status, 2);
  EXPECT_NE(both.err.find("--range A..B, --last N or --tags"), std::string::npos) << both.err;
  auto badRom = testing::runRomfit({"history", "--ipxe", scratch, "--last", "3", "--rom", "80861",
                                    "-o", scratch + "/out"});
  EXPECT_EQ(badRom.status, 2);
  EXPECT_NE(badRom.err.find("80861"), std::string::npos) << badRom.err;
  auto bisectTwo = testing::runRomfit({"bisect", "--ipxe", scratch, "--good", "a", "--bad", "b", "--over",
                                       "1", "--rom", "8086100e", "--rom", "808610d3", "-o", scratch + "/b"});
  EXPECT_EQ(bisectTwo.status, 2);
  EXPECT_NE(bisectTwo.err.find("one ROM"), std::string::npos) << bisectTwo.err;
  llvm::sys::fs::remove_directories(scratch);
}

} // namespace
} // namespace romfit
