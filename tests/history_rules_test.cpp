// romfit history's pieces without a build: make's dependency files, ld's
// map inputs, the rule that decides which commits need a build, the
// history.json records, the symbol records and the movers.
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/FormatVariadic.h>

#include "history/commit_symbols.h"
#include "history/history_record.h"
#include "history/link_dependencies.h"
#include "history/movers.h"
#include "tests/test_support.h"

namespace romfit::history {
namespace {

TEST(DependencyFiles, ReadsIpxesShapeAndGccsShapeAndLeavesOutTheToolchain) {
  std::map<std::string, std::set<std::string>> byStem;
  addDependencyFileText("intel_DEPS += drivers/net/intel.c include/compiler.h \\\n"
                        " include/ipxe/pci.h\n\ninclude/compiler.h:\n\ninclude/ipxe/pci.h:\n",
                        byStem);
  addDependencyFileText("bin-x86_64-efi/efi_snp.o: interface/efi/efi_snp.c \\\n"
                        "  /usr/lib/gcc/x86_64-linux-gnu/12/include/stdarg.h ./include/ipxe/efi.h\n",
                        byStem);
  EXPECT_EQ(byStem["intel"],
            (std::set<std::string>{"drivers/net/intel.c", "include/compiler.h", "include/ipxe/pci.h"}));
  EXPECT_EQ(byStem["efi_snp"],
            (std::set<std::string>{"interface/efi/efi_snp.c", "include/ipxe/efi.h"}));
  EXPECT_EQ(byStem.count("include/compiler.h"), 0u);
}

TEST(DependencyFiles, TheLinkedInputsOfAMapAreItsMembersAndItsObjectsNotItsArchives) {
  std::string dir = testing::makeScratchDir("history-map");
  std::ofstream(dir + "/link.map")
      << "Archive member included to satisfy reference by file (symbol)\n\n"
         "bin/blib.a(config.o)\n                              (obj_config)\n"
         "bin/blib.a(intel.o)  bin/blib.a(config.o) (obj_intel)\n\n"
         "Discarded input sections\n\n .text 0x0 0x0 bin/blib.a(x.o)\n\n"
         "Linker script and memory map\n\nLOAD bin/version.8086100e.rom.o\nLOAD bin/blib.a\n";
  auto inputs = linkedInputsOfMap(dir + "/link.map");
  ASSERT_TRUE(bool(inputs)) << llvm::toString(inputs.takeError());
  EXPECT_EQ(*inputs, (std::set<std::string>{"bin/blib.a(config.o)", "bin/blib.a(intel.o)",
                                            "bin/version.8086100e.rom.o"}));
  std::ofstream(dir + "/other.txt") << "hello\n";
  auto refused = linkedInputsOfMap(dir + "/other.txt");
  ASSERT_FALSE(bool(refused));
  EXPECT_NE(llvm::toString(refused.takeError()).find("other.txt"), std::string::npos);
}

TEST(BuildSystemFiles, AreMakefilesLinkerScriptsConfigAndTools) {
  for (const char *file : {"Makefile", "Makefile.housekeeping", "arch/x86/Makefile.efi",
                           "scripts/efi.lds", "arch/x86/scripts/pcbios.lds", "config/general.h",
                           "config/local/qemu/general.h", "util/elf2efi.c", "util/Option/ROM.pm"})
    EXPECT_TRUE(isBuildSystemFile(file)) << file;
  for (const char *file : {"drivers/net/intel.c", "include/ipxe/efi/efi.h", "README.md", "core/main.c"})
    EXPECT_FALSE(isBuildSystemFile(file)) << file;
}

struct Decide {
  LinkDependencies dependencies{{"drivers/net/intel.c", "include/ipxe/pci.h"}, {}};
  std::map<std::string, std::string> texts;
  BuildDecision operator()(std::vector<ChangedFile> changes) const {
    return decideFromChanges(changes, "src/", dependencies, {"8086100e"},
                             [&](const std::string &path) -> llvm::Expected<std::string> {
                               auto found = texts.find(path);
                               return found == texts.end() ? std::string() : found->second;
                             });
  }
};

TEST(BuildRule, ACommitThatTouchesNothingTheLinksUseIsNotBuilt) {
  Decide decide;
  BuildDecision neutral = decide({{'M', "src/drivers/net/realtek.c", ""}, {'M', "README", ""}});
  EXPECT_FALSE(neutral.build);
  EXPECT_NE(neutral.reason.find("drivers/net/realtek.c"), std::string::npos) << neutral.reason;
  EXPECT_NE(neutral.reason.find("outside the source tree"), std::string::npos) << neutral.reason;
  EXPECT_FALSE(decide({{'M', "contrib/rom-o-matic/x.php", ""}}).build);
}

TEST(BuildRule, ADependencyTheBuildSystemANewFileOrAPciRomLineForcesABuild) {
  Decide decide;
  BuildDecision header = decide({{'M', "src/include/ipxe/pci.h", ""}});
  EXPECT_TRUE(header.build);
  EXPECT_NE(header.reason.find("include/ipxe/pci.h"), std::string::npos);
  EXPECT_TRUE(decide({{'M', "src/Makefile.housekeeping", ""}}).build);
  EXPECT_TRUE(decide({{'M', "src/arch/x86/scripts/efi.lds", ""}}).build);
  EXPECT_TRUE(decide({{'A', "src/drivers/net/new.c", ""}}).build);
  EXPECT_TRUE(decide({{'D', "src/core/old.c", ""}}).build);
  EXPECT_TRUE(decide({{'R', "src/core/b.c", "src/core/a.c"}}).build);
  decide.texts["src/drivers/net/e1000e.c"] = "PCI_ROM ( 0x8086, 0x100E, \"82540em\", \"x\", 0 ),";
  BuildDecision claimed = decide({{'M', "src/drivers/net/e1000e.c", ""}});
  EXPECT_TRUE(claimed.build);
  EXPECT_NE(claimed.reason.find("PCI_ROM"), std::string::npos);
  decide.texts["src/drivers/net/e1000e.c"] = "PCI_ROM ( 0x8086, 0x100e1, ... )";
  EXPECT_FALSE(decide({{'M', "src/drivers/net/e1000e.c", ""}}).build);
}

TEST(BuildRule, UnknownDependenciesBuildEveryCommit) {
  Decide decide;
  decide.dependencies.undescribed = {"bin/mystery.o"};
  BuildDecision decision = decide({{'M', "README", ""}});
  EXPECT_TRUE(decision.build);
  EXPECT_NE(decision.reason.find("bin/mystery.o"), std::string::npos);
}

CommitRecord record(const std::string &commit, uint64_t efi, std::map<std::string, uint64_t> members,
                    Outcome outcome = Outcome::Built) {
  CommitRecord r;
  r.commit = commit;
  r.subject = "subject of " + commit;
  r.outcome = outcome;
  if (outcome == Outcome::Skipped)
    r.sameAs = "a";
  if (outcome != Outcome::Failed) {
    RomBytes &rom = r.roms["8086100e"];
    rom.images["efi:x86_64"] = {efi, std::move(members)};
    rom.images["legacy"] = {1000, {}};
    rom.bytes = efi + 1000;
  }
  return r;
}

TEST(HistoryRecords, RoundTripAndABadRecordIsNamed) {
  std::string dir = testing::makeScratchDir("history-json");
  History history;
  history.buildRequest = "--rom 8086100e --no-verify";
  history.records = {record("a", 4096, {{"intel.o", 1000}}), record("b", 4096, {{"intel.o", 1000}}, Outcome::Skipped),
                     record("c", 0, {}, Outcome::Failed)};
  history.records[2].reason = "make failed";
  ASSERT_FALSE(bool(writeHistory(dir + "/history.json", history)));
  auto read = readHistory(dir + "/history.json");
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  ASSERT_EQ(read->records.size(), 3u);
  EXPECT_EQ(read->buildRequest, history.buildRequest);
  EXPECT_EQ(read->records[0].roms, history.records[0].roms);
  EXPECT_EQ(read->records[1].sameAs, "a");
  EXPECT_EQ(read->records[2].outcome, Outcome::Failed);
  EXPECT_EQ(read->records[2].reason, "make failed");

  std::ofstream(dir + "/bad.json") << R"({"version": 1, "build": "", "commits": [{"commit": "a", "outcome": "skipped"}]})";
  auto bad = readHistory(dir + "/bad.json");
  ASSERT_FALSE(bool(bad));
  std::string message = llvm::toString(bad.takeError());
  EXPECT_NE(message.find("bad.json: record 0"), std::string::npos) << message;
  EXPECT_FALSE(testing::fileExists(dir + "/missing.json"));
  auto missing = readHistory(dir + "/missing.json");
  ASSERT_TRUE(bool(missing));
  EXPECT_TRUE(missing->records.empty());
}

TEST(Movers, LargestChangeFirstWithTopMembersAndFailedBuildsPassedOver) {
  std::vector<CommitRecord> records = {
      record("a", 4096, {{"intel.o", 1000}, {"dhcp.o", 500}}),
      record("b", 4608, {{"intel.o", 1100}, {"dhcp.o", 500}, {"tftp.o", 300}}),
      record("c", 0, {}, Outcome::Failed),
      record("d", 3584, {{"intel.o", 1100}}),
  };
  std::vector<const CommitRecord *> ordered;
  for (const CommitRecord &r : records)
    ordered.push_back(&r);
  std::vector<Mover> movers = findMovers(ordered);
  ASSERT_EQ(movers.size(), 2u);
  EXPECT_EQ(movers[0].commit, "d");  // -1,024 against b, the build before the failed one
  EXPECT_EQ(movers[0].delta(), -1024);
  EXPECT_EQ(movers[0].members[0].member, "dhcp.o");
  EXPECT_EQ(movers[1].commit, "b");
  EXPECT_EQ(movers[1].delta(), 512);
  ASSERT_EQ(movers[1].members.size(), 2u);
  EXPECT_EQ(movers[1].members[0].member, "tftp.o");
  EXPECT_EQ(movers[1].members[0].delta, 300);
  std::string markdown = moversMarkdown(movers, 1);
  EXPECT_NE(markdown.find("| `d` |"), std::string::npos) << markdown;
  EXPECT_EQ(markdown.find("| `b` |"), std::string::npos) << markdown;
  EXPECT_NE(moversText(movers, 0).find("tftp.o +300"), std::string::npos);
}

TEST(CommitSymbolRecords, RoundTripAndABadRowIsNamed) {
  std::string dir = testing::makeScratchDir("history-symbols");
  CommitSymbols symbols;
  symbols["8086100e"]["efi:x86_64"] = {{{"intel.o", "intel_probe"}, 310}, {{"intel.o", "intel_remove"}, 40}};
  symbols["8086100e"]["efi:x86_64 unpruned"] = {{{"tls.o", "tls_send"}, 1200}};
  std::string path = commitSymbolsPath(dir, "a");
  EXPECT_EQ(path, dir + "/symbols/a.json");
  ASSERT_TRUE(llvm::sys::fs::create_directories(dir + "/symbols") == std::error_code());
  ASSERT_FALSE(bool(writeCommitSymbols(path, symbols)));
  auto read = readCommitSymbols(path);
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(*read, symbols);

  std::ofstream(dir + "/bad.json")
      << R"({"version": 1, "roms": {"8086100e": {"legacy": [["intel.o", "intel_probe", 3], ["intel.o", 7]]}}})";
  auto bad = readCommitSymbols(dir + "/bad.json");
  ASSERT_FALSE(bool(bad));
  std::string message = llvm::toString(bad.takeError());
  EXPECT_NE(message.find("bad.json: ROM '8086100e' image 'legacy' row 1"), std::string::npos) << message;
  llvm::sys::fs::remove_directories(dir);
}

TEST(Movers, SymbolsComeFromTheBuiltCommitsAndAreSaidMissingWhereNotRecorded) {
  std::vector<CommitRecord> records = {
      record("a", 4096, {{"intel.o", 1000}}),
      record("b", 4096, {{"intel.o", 1000}}, Outcome::Skipped),  // has a's bytes
      record("c", 4608, {{"intel.o", 1400}}),
      record("d", 5120, {{"intel.o", 1900}}),
  };
  std::vector<const CommitRecord *> ordered;
  for (const CommitRecord &r : records)
    ordered.push_back(&r);
  SymbolsByCommit symbols;
  symbols["a"]["8086100e"]["efi:x86_64"] = {{{"intel.o", "intel_probe"}, 600},
                                            {{"intel.o", "intel_poll"}, 400}};
  symbols["c"]["8086100e"]["efi:x86_64"] = {{{"intel.o", "intel_probe"}, 610},
                                            {{"intel.o", "intel_poll"}, 700},
                                            {{"intel.o", "intel_tune"}, 90}};
  // d's symbols were not recorded (a history older than the symbol records).
  std::vector<Mover> movers = findMovers(ordered, symbols);
  ASSERT_EQ(movers.size(), 2u);
  const Mover &c = movers[0].commit == "c" ? movers[0] : movers[1];
  const Mover &d = movers[0].commit == "d" ? movers[0] : movers[1];
  ASSERT_TRUE(c.symbolsRecorded);
  ASSERT_EQ(c.symbols.size(), 3u);
  EXPECT_EQ(c.symbols[0].symbol, "intel_poll");  // against b, that is a's symbols
  EXPECT_EQ(c.symbols[0].delta, 300);
  EXPECT_EQ(c.symbols[1].symbol, "intel_tune");
  EXPECT_EQ(c.symbols[2].delta, 10);
  EXPECT_FALSE(d.symbolsRecorded);
  std::string text = moversText(movers, 0);
  EXPECT_NE(text.find("intel_poll (intel.o) +300"), std::string::npos) << text;
  EXPECT_NE(text.find("(symbols not recorded for this step)"), std::string::npos) << text;
  std::string json = llvm::formatv("{0}", moversJson(movers)).str();
  EXPECT_NE(json.find(R"("symbols":null)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"({"delta":300,"member":"intel.o","symbol":"intel_poll"})"), std::string::npos)
      << json;
  EXPECT_NE(moversMarkdown(movers, 0).find("intel_tune (intel.o) +90"), std::string::npos);
}

TEST(Movers, AnUnprunedImageThatIsItsPrunedOneIsNotAMoverTwice) {
  std::vector<CommitRecord> records = {record("a", 4096, {{"intel.o", 1000}}),
                                       record("b", 4096, {{"intel.o", 1000}})};
  for (CommitRecord &r : records) {
    RomBytes &rom = r.roms["8086100e"];
    rom.unprunedImages["legacy"] = rom.images["legacy"];
    rom.unprunedImages["efi:x86_64"] = {16384, {{"intel.o", 1000}, {"tls.o", 9000}}};
  }
  // b: the legacy image grows, in the pruned ROM and the unpruned one alike;
  // the unpruned EFI driver grows too.
  for (RomBytes *rom : {&records[1].roms["8086100e"]}) {
    rom->images["legacy"] = {1512, {{"undi.o", 512}}};
    rom->unprunedImages["legacy"] = rom->images["legacy"];
    rom->unprunedImages["efi:x86_64"] = {16896, {{"intel.o", 1000}, {"tls.o", 9500}}};
  }
  std::vector<const CommitRecord *> ordered = {&records[0], &records[1]};
  std::vector<Mover> movers = findMovers(ordered);
  std::set<std::string> images;
  for (const Mover &mover : movers)
    images.insert(mover.image);
  EXPECT_EQ(images, (std::set<std::string>{"legacy", "efi:x86_64 unpruned"}));
}

} // namespace
} // namespace romfit::history
