// The report model on its own and on Debian's real ROMs: shares that add up
// to the byte, compressed costs that follow the data, the link map reader,
// and check's exit codes and messages.
#include <random>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/JSON.h>

#include "compress/efi_compress.h"
#include "compress/efi_decode_trace.h"
#include "support/file_io.h"
#include "report/byte_costs.h"
#include "analysis/link_map.h"
#include "report/report_format.h"
#include "report/rom_attribution.h"
#include "tests/test_support.h"

namespace romfit {
namespace {

using report::SizeNode;

// "" when every row adds up, else checkReconciles' message.
std::string reconcileProblem(const SizeNode &tree) {
  llvm::Error error = report::checkReconciles(tree);
  return error ? llvm::toString(std::move(error)) : "";
}

TEST(Apportion, SharesAddUpToTheTotalForAnyWeights) {
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<double> weights(1 + random() % 40);
    for (double &weight : weights)
      weight = (random() % 5 == 0) ? 0.0 : double(random() % 100000) / 7.0;
    uint64_t total = random() % 100000;
    std::vector<uint64_t> shares = report::apportion(total, weights);
    uint64_t sum = 0;
    for (uint64_t share : shares)
      sum += share;
    EXPECT_EQ(sum, total);
  }
  EXPECT_EQ(report::apportion(10, {1.0, 1.0, 2.0}), (std::vector<uint64_t>{3, 2, 5}));
  EXPECT_EQ(report::apportion(3, {0.0, 0.0, 0.0}), (std::vector<uint64_t>{1, 1, 1}));
}

TEST(SizeTree, ApportionedRowsShareWhatThePlainRowsLeave) {
  SizeNode image = report::plainRow("image", report::RowKind::Image, 100);
  image.add(report::plainRow("header", report::RowKind::Overhead, 20));
  image.add(report::compressedRow("a", report::RowKind::Section, 500, 300.0));
  SizeNode &b = image.add(report::compressedRow("b", report::RowKind::Section, 0, 0));
  b.add(report::compressedRow("b1", report::RowKind::Symbol, 50, 100.0));
  b.add(report::compressedRow("b2", report::RowKind::Symbol, 50, 100.0));
  report::finalizeTree(image);
  ASSERT_EQ(reconcileProblem(image), "");
  EXPECT_EQ(image.raw, 620u);
  EXPECT_EQ(image.children[1].stored, 48u);  // 300 of 500 bits' share of 80 bytes
  EXPECT_EQ(image.children[2].stored, 32u);
  EXPECT_EQ(image.children[2].children[0].stored + image.children[2].children[1].stored, 32u);

  image.children[0].stored = 21;  // a row that lies about its size
  EXPECT_NE(reconcileProblem(image).find("'image' does not reconcile"), std::string::npos);
}

// The bits the EFI stream spends follow the data: random bytes cost about
// their size, zeros almost nothing, and all bits add up to the stream.
TEST(ByteCosts, RandomBytesCostTheirSizeAndZerosAlmostNothing) {
  std::mt19937 random(11);
  std::vector<uint8_t> data(16384, 0);
  for (size_t i = 0; i < 8192; ++i)
    data[i] = uint8_t(random());
  for (efi::EfiLevel level : {efi::EfiLevel::Fast, efi::EfiLevel::Optimal}) {
    std::vector<uint8_t> stream = efi::compress(data, level);
    efi::DecodeTrace trace;
    auto decoded = efi::decompressTraced(stream, trace);
    ASSERT_TRUE(bool(decoded)) << llvm::toString(decoded.takeError());
    ASSERT_EQ(*decoded, data);
    EXPECT_EQ(trace.bodyBits, (stream.size() - efi::kHeaderSize) * 8);
    EXPECT_LE(trace.tokenBits() + trace.blockHeaderBits, trace.bodyBits);
    EXPECT_GT(trace.tokenBits() + trace.blockHeaderBits + 8, trace.bodyBits);  // < 1 byte of padding

    report::ByteCosts costs = report::ByteCosts::fromTrace(trace, data.size());
    double randomBytes = costs.bits(0, 8192) / 8;
    double zeroBytes = costs.bits(8192, 16384) / 8;
    EXPECT_NEAR(randomBytes, 8192, 8192 * 0.03);
    EXPECT_LT(zeroBytes, 64);

    SizeNode image = report::plainRow("image", report::RowKind::Image, stream.size());
    image.add(report::plainRow("stream header", report::RowKind::Overhead, efi::kHeaderSize));
    image.add(report::compressedRow("framing", report::RowKind::Overhead, 0,
                                    double(trace.bodyBits - trace.tokenBits())));
    image.add(costs.row("random", report::RowKind::Symbol, 0, 8192));
    image.add(costs.row("zeros", report::RowKind::Symbol, 8192, 16384));
    report::finalizeTree(image);
    EXPECT_EQ(reconcileProblem(image), "");
    uint64_t sum = 0;
    for (const SizeNode &row : image.children)
      sum += row.stored;
    EXPECT_EQ(sum, stream.size());
  }
}

TEST(LinkMap, ReadsInputSectionsWithWrappedNamesAndSkipsFillAndSymbols) {
  const char *text = R"(Archive member included to satisfy reference by file (symbol)

out/pruned.a(intel.o)         (obj_intel)

Linker script and memory map

                0x0000000000001000                _page_align = 0x1000

.text           0x0000000000001000      0x160
                0x0000000000001000                _text = .
 *(.text)
 .text.ipxe     0x0000000000001000        0x5 out/stub.o
                0x0000000000001000                ipxe
 .text.a_rather_long_function_name
                0x0000000000001005       0xa4 out/pruned.a(intel.o)
 *fill*         0x00000000000010a9        0x7 
 .text.empty    0x00000000000010b0        0x0 out/pruned.a(intel.o)
 .text.b        0x00000000000010b0       0xb0 out/my dir/pruned.a(net device.o)

.bss            0x0000000000002000       0x10
 COMMON         0x0000000000002000       0x10 out/pruned.a(intel.o)
/DISCARD/
 *(.note.*)
)";
  auto map = analysis::parseLinkMap(text, "test.map");
  ASSERT_TRUE(bool(map)) << llvm::toString(map.takeError());
  ASSERT_EQ(map->inputSections.size(), 4u);
  EXPECT_EQ(map->inputSections[0].member, "stub.o");
  EXPECT_EQ(map->inputSections[1].name, ".text.a_rather_long_function_name");
  EXPECT_EQ(map->inputSections[1].address, 0x1005u);
  EXPECT_EQ(map->inputSections[1].size, 0xa4u);
  EXPECT_EQ(map->inputSections[1].member, "intel.o");
  EXPECT_EQ(map->inputSections[2].member, "net device.o");
  EXPECT_EQ(map->inputSections[3].outputSection, ".bss");

  auto notMap = analysis::parseLinkMap("hello\n", "x.map");
  ASSERT_FALSE(bool(notMap));
  EXPECT_NE(llvm::toString(notMap.takeError()).find("x.map: not a GNU ld link map"),
            std::string::npos);
}

// The statement that placed each input section: what romfit layout may
// reorder (*(.text.*)) and what it must not (the linker tables).
TEST(LinkMap, NamesTheStatementThatPlacedEachSection) {
  const char *text = R"(Memory Configuration

Linker script and memory map

.text           0x0000000000001000      0x160
 *(.text)
 .text          0x0000000000001000       0x10 out/stub.o
 :*/stub.o(.text.ipxe)
 .text.ipxe     0x0000000000001010        0x5 out/stub.o
 *(.text.*)
 .text.intel_probe
                0x0000000000001015       0xa4 out/pruned.a(intel.o)

.data           0x0000000000002000       0x20
 *(SORT_BY_NAME(.tbl.*))
 .tbl.net_drivers.01
                0x0000000000002000       0x10 out/pruned.a(ipv6.o)
                0x0000000000002000                ipv6_driver
 .tbl.net_drivers.01
                0x0000000000002010       0x10 out/pruned.a(lldp.o)

.bss            0x0000000000003000       0x10
 COMMON         0x0000000000003000       0x10 out/pruned.a(intel.o)
)";
  auto map = analysis::parseLinkMap(text, "test.map");
  ASSERT_TRUE(bool(map)) << llvm::toString(map.takeError());
  std::vector<std::string> statements;
  for (const analysis::MappedInputSection &section : map->inputSections)
    statements.push_back(section.statement);
  EXPECT_EQ(statements, (std::vector<std::string>{"*(.text)", ":*/stub.o(.text.ipxe)",
                                                  "*(.text.*)", "*(SORT_BY_NAME(.tbl.*))",
                                                  "*(SORT_BY_NAME(.tbl.*))", ""}));
}

// Every one of Debian's ROMs, every level: rows add up to the file.
TEST(RomReport, DebiansRomsReconcileToTheByteAtEveryLevel) {
  std::vector<std::string> roms = testing::debianRoms();
  ASSERT_EQ(roms.size(), 16u) << "scripts/setup installs ipxe-qemu";
  for (const std::string &path : roms) {
    auto attributed = report::attributeRom(path);
    ASSERT_TRUE(bool(attributed)) << path << ": " << llvm::toString(attributed.takeError());
    uint64_t fileSize = 0;
    llvm::sys::fs::file_size(path, fileSize);
    EXPECT_EQ(attributed->tree.stored, fileSize) << path;
    EXPECT_EQ(reconcileProblem(attributed->tree), "") << path;
    bool hasEfi = llvm::StringRef(path).contains("/efi-");
    EXPECT_EQ(attributed->tree.children.size(), hasEfi ? 2u : 1u) << path;
    for (const SizeNode &image : attributed->tree.children) {
      if (image.name.rfind("efi:", 0) != 0)
        continue;
      std::set<std::string> rows;
      for (const SizeNode &row : image.children)
        rows.insert(row.name);
      EXPECT_TRUE(rows.count(".text") && rows.count("PE headers")) << path;
    }
    // Without build files the report says it stops at sections.
    bool said = false;
    for (const std::string &note : attributed->notes)
      said |= note.find("attributed down to PE sections only") != std::string::npos;
    EXPECT_EQ(said, hasEfi) << path;
  }
}

TEST(RomReport, JsonCsvAndMarkdownCarryTheSameTotals) {
  std::string path = std::string(testing::kDebianRomDir) + "/efi-virtio.rom";
  auto attributed = report::attributeRom(path);
  ASSERT_TRUE(bool(attributed)) << llvm::toString(attributed.takeError());
  std::vector<report::RomReport> reports;
  reports.push_back(std::move(*attributed));
  llvm::json::Value json = report::reportJson(reports, report::kDepthAll);
  auto reparsed = llvm::json::parse(report::jsonText(std::move(json)));
  ASSERT_TRUE(bool(reparsed));
  const llvm::json::Object &document = *reparsed->getAsObject();
  EXPECT_EQ(document.getString("schema"), llvm::StringRef("romfit-report"));
  EXPECT_EQ(document.getInteger("version").getValueOr(0), report::kSchemaVersion);
  const llvm::json::Object &rom = *document.getArray("roms")->front().getAsObject();
  EXPECT_EQ(rom.getObject("root")->getInteger("compressed").getValueOr(0),
            int64_t(reports[0].fileSize));

  // CSV: the image rows' compressed bytes add up to the file.
  std::string csv = report::reportCsv(reports, 1);
  int64_t imageBytes = 0;
  llvm::SmallVector<llvm::StringRef, 8> lines;
  llvm::StringRef(csv).split(lines, '\n', -1, false);
  for (llvm::StringRef line : llvm::makeArrayRef(lines).drop_front()) {
    llvm::SmallVector<llvm::StringRef, 9> fields;
    line.split(fields, ',');
    ASSERT_EQ(fields.size(), 9u) << line.str();
    int64_t compressed = 0;
    ASSERT_FALSE(fields[7].getAsInteger(10, compressed));
    if (!fields[1].empty())
      imageBytes += compressed;
  }
  EXPECT_EQ(imageBytes, int64_t(reports[0].fileSize));
  std::string markdown = report::reportMarkdown(reports, 2);
  EXPECT_NE(markdown.find("| Row | Kind |"), std::string::npos);
  EXPECT_NE(markdown.find(withThousands(reports[0].fileSize)), std::string::npos);
}

// Colour only on a terminal, and never with NO_COLOR: script(1) gives
// romfit a terminal; the test's own pipe is not one.
TEST(ReportTable, ColourOnlyOnATerminalWithoutNoColor) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  std::string rom = std::string(testing::kDebianRomDir) + "/efi-e1000.rom";
  std::string command = std::string(ROMFIT_BINARY) + " report --depth 1 " + rom;
  auto piped = testing::runRomfit({"report", "--depth", "1", rom});
  EXPECT_EQ(piped.out.find("\x1b["), std::string::npos) << piped.out;
  auto onTerminal = testing::runProgram("env", {"-u", "NO_COLOR", "script", "-qc", command, "/dev/null"});
  EXPECT_NE(onTerminal.out.find("\x1b["), std::string::npos) << onTerminal.out << onTerminal.err;
  auto noColor = testing::runProgram("env", {"NO_COLOR=1", "script", "-qc", command, "/dev/null"});
  EXPECT_NE(noColor.out.find("fits"), std::string::npos) << noColor.out << noColor.err;
  EXPECT_EQ(noColor.out.find("\x1b["), std::string::npos) << noColor.out;

  auto exact = testing::runRomfit({"report", "--depth", "1", "--bytes", rom});
  EXPECT_NE(exact.out.find("249,856"), std::string::npos) << exact.out;
  EXPECT_NE(piped.out.find("244.0 KiB"), std::string::npos) << piped.out;
}

// romfit check: the exit codes and messages CI relies on.
class CheckCommand : public ::testing::Test {
protected:
  std::string rom(const char *name) { return std::string(testing::kDebianRomDir) + "/" + name; }
};

TEST_F(CheckCommand, FitsExitsZero) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  auto result = testing::runRomfit({"check", "--budget", "256KiB", rom("efi-e1000.rom")});
  EXPECT_EQ(result.status, 0) << result.err;
  EXPECT_NE(result.out.find("PASS " + rom("efi-e1000.rom") + ": fits: 249,856 B of 262,144 B"),
            std::string::npos)
      << result.out;
}

TEST_F(CheckCommand, OverBudgetExitsOneNamingTheExcessAndTheLargestRows) {
  auto result = testing::runRomfit({"check", "--budget", "200KiB", rom("efi-e1000.rom"),
                                    rom("pxe-e1000.rom")});
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.out.find("FAIL " + rom("efi-e1000.rom") + ": over budget by 45,056 B"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("largest: efi:x86_64/.text"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("PASS " + rom("pxe-e1000.rom")), std::string::npos) << result.out;
}

TEST_F(CheckCommand, GrowthBeyondTheAllowanceExitsOneNamingWhatGrew) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  auto result = testing::runRomfit({"check", "--baseline", rom("pxe-e1000.rom"), "--max-growth",
                                    "1KiB", rom("efi-e1000.rom")});
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.out.find("grew by 174,592 B since " + rom("pxe-e1000.rom") +
                            ", more than the 1,024 B allowed"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("grew most: efi:x86_64"), std::string::npos) << result.out;

  auto allowed = testing::runRomfit({"check", "--baseline", rom("pxe-e1000.rom"), "--max-growth",
                                     "200KiB", rom("efi-e1000.rom")});
  EXPECT_EQ(allowed.status, 0) << allowed.out << allowed.err;
}

TEST_F(CheckCommand, UnreadableOrCorruptRomExitsTwoNamingIt) {
  std::string scratch = testing::makeScratchDir("check-bad");
  std::string truncated = scratch + "/truncated.rom";
  auto bytes = readFileBytes(rom("efi-e1000.rom"));
  ASSERT_TRUE(bool(bytes));
  bytes->resize(1000);
  ASSERT_FALSE(bool(writeFileAtomically(truncated, *bytes)));
  for (const std::string &path : {scratch + "/missing.rom", truncated}) {
    auto result = testing::runRomfit({"check", path});
    EXPECT_EQ(result.status, 2) << path;
    EXPECT_NE(result.err.find(path), std::string::npos) << result.err;
  }
  auto usage = testing::runRomfit({"check", "--max-growth", "1KiB", rom("efi-e1000.rom")});
  EXPECT_EQ(usage.status, 2);
  EXPECT_NE(usage.err.find("--max-growth needs --baseline"), std::string::npos) << usage.err;
}

TEST_F(CheckCommand, GithubFormatAnnotatesAndAppendsAJobSummary) {
  std::string scratch = testing::makeScratchDir("check-github");
  std::string summary = scratch + "/summary.md";
  ASSERT_FALSE(bool(writeFileAtomically(summary, llvm::StringRef("earlier step\n"))));
  setenv("GITHUB_STEP_SUMMARY", summary.c_str(), 1);
  auto result = testing::runRomfit({"check", "--format", "github", "--budget", "200KiB",
                                    rom("efi-e1000.rom"), rom("pxe-e1000.rom")});
  unsetenv("GITHUB_STEP_SUMMARY");
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.out.find("::error file=" + rom("efi-e1000.rom") + ",title=ROM size check failed::"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("::notice file=" + rom("pxe-e1000.rom")), std::string::npos);
  std::string written = testing::readText(summary);
  EXPECT_EQ(written.rfind("earlier step\n", 0), 0u) << "appended, not overwritten";
  EXPECT_NE(written.find("| ROM | Size | Headroom | Growth | Result |"), std::string::npos);
  EXPECT_NE(written.find("**FAIL**"), std::string::npos) << written;
}

TEST_F(CheckCommand, JsonSaysWhatFailedAndWhy) {
  auto result = testing::runRomfit({"check", "--format", "json", "--budget", "200KiB",
                                    rom("efi-e1000.rom")});
  EXPECT_EQ(result.status, 1);
  auto json = llvm::json::parse(result.out);
  ASSERT_TRUE(bool(json)) << result.out;
  const llvm::json::Object &document = *json->getAsObject();
  EXPECT_EQ(document.getString("command"), llvm::StringRef("check"));
  EXPECT_EQ(document.getBoolean("passed").getValueOr(true), false);
  const llvm::json::Object &first = *document.getArray("roms")->front().getAsObject();
  EXPECT_EQ(first.getObject("budget")->getInteger("headroom").getValueOr(0), -45056);
  EXPECT_FALSE(first.getArray("top_contributors")->empty());
}

} // namespace
} // namespace romfit
