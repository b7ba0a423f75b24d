// ctest-labels: slow
// ctest-one-process
// Runs make and gcc on the minipxe fixture (seconds per build), hence the
// label: `ctest -L unit` leaves it out, the full suite runs it.
// report and diff on ROMs romfit build made from the minipxe fixture: the
// build keeps the linked ELF and map, so rows go down to members and
// symbols, and still add up to the file at every level.
#include <set>

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Support/JSON.h>

#include "support/file_io.h"
#include "tests/build_fixture.h"

namespace romfit {
namespace {

class ReportOnBuild : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    scratch = new std::string(testing::makeScratchDir("report-build"));
    tree = new std::string(testing::copyMinipxe(*scratch));
    out = new std::string(*scratch + "/out");
    auto build = testing::runRomfit(testing::minipxeBuild(*tree, *out));
    built = build.status == 0;
    if (!built)
      ADD_FAILURE() << build.out << build.err;
  }
  static void TearDownTestSuite() {
    llvm::sys::fs::remove_directories(*scratch);
    delete scratch;
    delete tree;
    delete out;
  }
  void SetUp() override { ASSERT_TRUE(built); }

  static llvm::json::Value runJson(const std::vector<std::string> &arguments) {
    auto result = testing::runRomfit(arguments);
    EXPECT_EQ(result.status, 0) << result.err;
    auto json = llvm::json::parse(result.out);
    if (!json) {
      ADD_FAILURE() << llvm::toString(json.takeError()) << result.out;
      return nullptr;
    }
    return std::move(*json);
  }

  static std::string *scratch, *tree, *out;
  static bool built;
};
std::string *ReportOnBuild::scratch, *ReportOnBuild::tree, *ReportOnBuild::out;
bool ReportOnBuild::built = false;

struct Totals {
  int64_t raw = 0, compressed = 0;
};

// Checks that every row's children add up to it; returns the row's kinds
// seen below it, so a test can say symbols were reached.
void expectReconciles(const llvm::json::Object &row, const std::string &path,
                      std::set<std::string> &kinds) {
  kinds.insert(row.getString("kind").getValueOr("").str());
  const llvm::json::Array *children = row.getArray("children");
  if (!children)
    return;
  Totals sum;
  for (const llvm::json::Value &child : *children) {
    const llvm::json::Object &object = *child.getAsObject();
    sum.raw += object.getInteger("raw").getValueOr(-1);
    sum.compressed += object.getInteger("compressed").getValueOr(-1);
    expectReconciles(object, path + "/" + object.getString("name").getValueOr("").str(), kinds);
  }
  EXPECT_EQ(sum.raw, row.getInteger("raw").getValueOr(-1)) << path;
  EXPECT_EQ(sum.compressed, row.getInteger("compressed").getValueOr(-1)) << path;
}

TEST_F(ReportOnBuild, BothRomsReconcileDownToSymbols) {
  for (const char *name : {"8086100e.unverified.rom", "8086100e.unpruned.rom"}) {
    std::string rom = *out + "/" + name;
    llvm::json::Value json = runJson({"report", "--format", "json", rom});
    const llvm::json::Object *document = json.getAsObject();
    ASSERT_TRUE(document);
    const llvm::json::Object &entry = *document->getArray("roms")->front().getAsObject();
    const llvm::json::Object &root = *entry.getObject("root");
    uint64_t fileSize = 0;
    llvm::sys::fs::file_size(rom, fileSize);
    EXPECT_EQ(root.getInteger("compressed").getValueOr(-1), int64_t(fileSize)) << name;
    std::set<std::string> kinds;
    expectReconciles(root, name, kinds);
    EXPECT_TRUE(kinds.count("member") && kinds.count("symbol")) << name;
    // The build kept every image's ELF and map, the legacy one included.
    for (const llvm::json::Value &note : *entry.getArray("notes"))
      ADD_FAILURE() << name << ": " << note.getAsString()->str();
    EXPECT_TRUE(testing::fileExists(*out + "/8086100e/legacy/linked.map"));
  }
}

// A driver file is reported as a ROM would hold it: romfit's own stream.
TEST_F(ReportOnBuild, AnEfiDriverIsReportedAsItsCompressedStreamDownToSymbols) {
  std::string driver = *out + "/8086100e/efi-x86_64/pruned.efidrv";
  llvm::json::Value json = runJson({"report", "--format", "json", driver});
  const llvm::json::Object &entry =
      *json.getAsObject()->getArray("roms")->front().getAsObject();
  const llvm::json::Object &root = *entry.getObject("root");
  std::set<std::string> kinds;
  expectReconciles(root, driver, kinds);
  EXPECT_TRUE(kinds.count("symbol"));
  const llvm::json::Object &image = *root.getArray("children")->front().getAsObject();
  EXPECT_EQ(image.getString("name"), llvm::StringRef("efi:x86_64"));
  uint64_t driverSize = 0;
  llvm::sys::fs::file_size(driver, driverSize);
  EXPECT_EQ(image.getInteger("raw").getValueOr(0), int64_t(driverSize));
  EXPECT_LT(root.getInteger("compressed").getValueOr(0), int64_t(driverSize));
}

const llvm::json::Object *childNamed(const llvm::json::Object &row, llvm::StringRef name) {
  if (const llvm::json::Array *children = row.getArray("children"))
    for (const llvm::json::Value &child : *children)
      if (child.getAsObject()->getString("name") == name)
        return child.getAsObject();
  return nullptr;
}

// The legacy image as iPXE lays it out: a copied prefix costs its bytes;
// the packed payload's stream is shared by what each byte cost to encode.
TEST_F(ReportOnBuild, TheLegacyImageIsAttributedThroughItsZinfoRecords) {
  std::string rom = *tree + "/bin/8086100e.rom";
  llvm::json::Value json = runJson({"report", "--format", "json", rom});
  const llvm::json::Object &entry =
      *json.getAsObject()->getArray("roms")->front().getAsObject();
  const llvm::json::Object &root = *entry.getObject("root");
  std::set<std::string> kinds;
  expectReconciles(root, rom, kinds);
  const llvm::json::Object *legacy = childNamed(root, "legacy");
  ASSERT_TRUE(legacy);
  const llvm::json::Object *prefix = childNamed(*legacy, ".prefix");
  const llvm::json::Object *payload = childNamed(*legacy, ".payload");
  ASSERT_TRUE(prefix && payload) << "sections of the linked ELF";
  EXPECT_EQ(prefix->getInteger("raw"), prefix->getInteger("compressed")) << "COPY keeps bytes";
  const llvm::json::Object *tables = childNamed(*payload, "legacy_tables.o");
  ASSERT_TRUE(tables);
  const llvm::json::Object *noise = childNamed(*tables, "legacy_noise");
  const llvm::json::Object *zeros = childNamed(*tables, "legacy_zeros");
  ASSERT_TRUE(noise && zeros);
  EXPECT_EQ(noise->getInteger("raw").getValueOr(0), 2048);
  EXPECT_EQ(zeros->getInteger("raw").getValueOr(0), 2048);
  EXPECT_GT(noise->getInteger("compressed").getValueOr(0), 1800);
  EXPECT_LT(zeros->getInteger("compressed").getValueOr(9999), 100);
  for (const llvm::json::Value &note : *entry.getArray("notes"))
    EXPECT_EQ(note.getAsString()->find("legacy"), llvm::StringRef::npos) << note.getAsString()->str();
}

// The ELF beside a ROM describes it only when it is the ROM's own link:
// with the linked .payload changed (its PACK stream in the ROM unchanged, its
// CRC still good), the decoded stream no longer gives the link's bytes back,
// and the legacy image is attributed as a whole, saying why.
TEST_F(ReportOnBuild, ALinkWhosePackedBytesDifferDoesNotDescribeTheLegacyImage) {
  std::string dir = *scratch + "/other-link";
  ASSERT_FALSE(llvm::sys::fs::create_directories(dir));
  std::string rom = dir + "/8086100e.rom";
  for (const char *suffix : {"", ".tmp.map"})
    ASSERT_FALSE(llvm::sys::fs::copy_file(*tree + "/bin/8086100e.rom" + suffix, rom + suffix));
  auto elfBytes = readFileBytes(*tree + "/bin/8086100e.rom.tmp");
  ASSERT_TRUE(bool(elfBytes));
  std::vector<uint8_t> elf = std::move(*elfBytes);
  auto object = llvm::object::ObjectFile::createObjectFile(llvm::MemoryBufferRef(
      llvm::StringRef(reinterpret_cast<const char *>(elf.data()), elf.size()), "elf"));
  ASSERT_TRUE(bool(object)) << llvm::toString(object.takeError());
  size_t payloadAt = 0, payloadSize = 0;
  for (const llvm::object::SectionRef &section : (*object)->sections()) {
    auto name = section.getName();
    auto contents = section.getContents();
    if (name && contents && *name == ".payload") {
      payloadAt = size_t(contents->data() - reinterpret_cast<const char *>(elf.data()));
      payloadSize = contents->size();
    }
    if (!name)
      llvm::consumeError(name.takeError());
    if (!contents)
      llvm::consumeError(contents.takeError());
  }
  object->reset();
  ASSERT_GT(payloadSize, 0u) << "the fixture's legacy link has a .payload";
  for (size_t i = 0; i < payloadSize; ++i)
    elf[payloadAt + i] ^= 0x5a;
  ASSERT_FALSE(bool(writeFileAtomically(rom + ".tmp", elf)));

  llvm::json::Value json = runJson({"report", "--format", "json", rom});
  const llvm::json::Object &entry =
      *json.getAsObject()->getArray("roms")->front().getAsObject();
  std::string notes;
  for (const llvm::json::Value &note : *entry.getArray("notes"))
    notes += note.getAsString()->str() + "\n";
  EXPECT_NE(notes.find("packed bytes match the image's PACK streams"), std::string::npos) << notes;
  const llvm::json::Object *legacy = childNamed(*entry.getObject("root"), "legacy");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(childNamed(*legacy, ".payload"), nullptr) << "attributed as a whole";
}

// Same inputs, same report, byte for byte, in every format.
TEST_F(ReportOnBuild, ReportsAreTheSameEveryRun) {
  for (const char *format : {"json", "csv", "markdown", "html", "table"}) {
    auto first = testing::runRomfit({"report", "--format", format, *out});
    auto second = testing::runRomfit({"report", "--format", format, *out});
    ASSERT_EQ(first.status, 0) << first.err;
    EXPECT_EQ(first.out, second.out) << format;
  }
}

TEST_F(ReportOnBuild, ADirectoryReportsItsPrunedRoms) {
  auto result = testing::runRomfit({"report", "--depth", "3", "--bytes", *out});
  ASSERT_EQ(result.status, 0) << result.err;
  // --no-verify: the ROM is reported under the name that says so.
  EXPECT_NE(result.out.find("8086100e.unverified.rom: "), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("unpruned"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("intel.o"), std::string::npos) << result.out;
}

// ld's maps are the oracle: what the unpruned link had and the pruned one
// has not is exactly what the cut removed.
TEST_F(ReportOnBuild, DiffOfUnprunedAndPrunedListsExactlyTheRemovedMembers) {
  std::string dir = *out + "/8086100e/efi-x86_64";
  std::set<std::string> removedByCut;
  std::set<std::string> kept = testing::membersInMap(dir + "/pruned.map");
  for (const std::string &member : testing::membersInMap(dir + "/unpruned.map"))
    if (!kept.count(member))
      removedByCut.insert(member);
  ASSERT_FALSE(removedByCut.empty());

  llvm::json::Value json = runJson(
      {"diff", "--format", "json", *out + "/8086100e.unpruned.rom", *out + "/8086100e.unverified.rom"});
  const llvm::json::Object &pair =
      *json.getAsObject()->getArray("pairs")->front().getAsObject();
  std::set<std::string> removedInDiff;
  for (const llvm::json::Value &change : *pair.getArray("changes")) {
    const llvm::json::Object &object = *change.getAsObject();
    const llvm::json::Array &path = *object.getArray("path");
    if (object.getString("level") == llvm::StringRef("member") &&
        object.getString("status") == llvm::StringRef("removed") &&
        path[0].getAsString() == llvm::StringRef("efi:x86_64"))
      removedInDiff.insert(path[1].getAsString()->str());
  }
  EXPECT_EQ(removedInDiff, removedByCut);
  const llvm::json::Object &summary = *pair.getObject("summary");
  EXPECT_EQ(summary.getString("level"), llvm::StringRef("symbol"));
  EXPECT_GT(summary.getInteger("removed").getValueOr(0), 0);
  EXPECT_LT(summary.getInteger("total").getValueOr(0), 0);

  auto table = testing::runRomfit(
      {"diff", *out + "/8086100e.unpruned.rom", *out + "/8086100e.unverified.rom"});
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_NE(table.out.find("add/remove: "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("headroom"), std::string::npos) << table.out;
}

} // namespace
} // namespace romfit
