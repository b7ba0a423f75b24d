// ctest-labels: slow
// ctest-one-process
// Runs make, gcc and ld on the minipxe fixture (seconds per build), hence the
// label: `ctest -L unit` leaves it out, the full suite runs it.
// The similarity layout on real links: the fixture built with the default
// layout and with --layout link-order. The laid-out drivers compress no
// worse, link exactly the same input sections, and differ only in the order
// of what `*(.text.*)` and `*(.rodata.*)` placed: the linker tables and every
// other statement's sections, and the table entries' symbols, keep their order.
// romfit layout refuses a map and ELF file of different links, and a script
// without the line the layout goes before.
#include <map>
#include <tuple>

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>

#include "compress/efi_compress.h"
#include "analysis/link_map.h"
#include "analysis/linked_elf.h"
#include "pipeline/section_layout.h"
#include "support/file_io.h"
#include "tests/build_fixture.h"

namespace romfit {
namespace {

const char *const kImages[] = {"efi-x86_64", "efi-i386"};

class LayoutOnBuild : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    scratch = new std::string(testing::makeScratchDir("layout-build"));
    std::string tree = testing::copyMinipxe(*scratch);
    built = !tree.empty();
    for (const char *layout : {"similarity", "link-order"}) {
      std::string out = *scratch + "/" + layout;
      auto build = testing::runRomfit({"build", "--ipxe", tree, "--config", "qemu", "--rom",
                                       "8086100e", "--image", "efi:x86_64", "--image", "efi:i386",
                                       "--layout", layout, "--no-verify", "-o", out});
      if (build.status != 0) {
        ADD_FAILURE() << build.out << build.err;
        built = false;
      }
    }
  }
  static void TearDownTestSuite() {
    llvm::sys::fs::remove_directories(*scratch);
    delete scratch;
  }
  void SetUp() override { ASSERT_TRUE(built); }

  static std::string file(const std::string &layout, const std::string &image,
                          const std::string &name) {
    return *scratch + "/" + layout + "/8086100e/" + image + "/" + name;
  }

  static analysis::LinkMap map(const std::string &path) {
    auto parsed = analysis::readLinkMap(path);
    if (!parsed) {
      ADD_FAILURE() << llvm::toString(parsed.takeError());
      return {};
    }
    return std::move(*parsed);
  }

  static std::string *scratch;
  static bool built;
};
std::string *LayoutOnBuild::scratch;
bool LayoutOnBuild::built = false;

bool reordered(const analysis::MappedInputSection &section) {
  for (llvm::StringRef statement : pipeline::kReorderedStatements)
    if (section.statement == statement)
      return true;
  // The laid-out link's map echoes each pattern the layout wrote as its statement.
  return section.statement == pipeline::inputSectionPattern(section.file, section.name);
}

using Placement = std::tuple<std::string, std::string, std::string>;  // output, section, member

Placement placementOf(const analysis::MappedInputSection &section) {
  return {section.outputSection, section.name, section.member};
}

TEST_F(LayoutOnBuild, TheLaidOutDriverCompressesNoWorse) {
  for (const char *image : kImages) {
    std::map<std::string, size_t> compressed;
    for (const char *layout : {"similarity", "link-order"}) {
      auto driver = readFileBytes(file(layout, image, "pruned.efidrv"));
      ASSERT_TRUE(bool(driver)) << llvm::toString(driver.takeError());
      compressed[layout] = efi::compress(*driver, efi::EfiLevel::Optimal).size();
    }
    EXPECT_LE(compressed["similarity"], compressed["link-order"]) << image;
    RecordProperty(std::string(image) + "_similarity", int(compressed["similarity"]));
    RecordProperty(std::string(image) + "_link_order", int(compressed["link-order"]));
  }
}

TEST_F(LayoutOnBuild, BothLinksHoldTheSameInputSections) {
  for (const char *image : kImages) {
    std::vector<Placement> placements[2];
    int index = 0;
    for (const char *layout : {"similarity", "link-order"}) {
      for (const analysis::MappedInputSection &section :
           map(file(layout, image, "pruned.map")).inputSections)
        placements[index].push_back(placementOf(section));
      std::sort(placements[index].begin(), placements[index].end());
      ++index;
    }
    EXPECT_GT(placements[0].size(), 50u) << image;
    EXPECT_EQ(placements[0], placements[1]) << image;
  }
}

// Everything but the two reordered statements' sections, in map order: the
// linker tables (KEEP(*(SORT(.tbl.*)))), .data, .bss, *(.text).
TEST_F(LayoutOnBuild, NothingElseMoves) {
  for (const char *image : kImages) {
    std::vector<std::tuple<std::string, std::string, std::string, std::string>> others[2];
    int index = 0;
    size_t tables = 0;
    for (const char *layout : {"similarity", "link-order"}) {
      for (const analysis::MappedInputSection &section :
           map(file(layout, image, "pruned.map")).inputSections) {
        if (reordered(section))
          continue;
        others[index].push_back(
            {section.outputSection, section.statement, section.name, section.member});
        tables += llvm::StringRef(section.name).startswith(".tbl.");
      }
      ++index;
    }
    EXPECT_GT(tables, 0u) << image << ": the fixture's links have linker tables";
    EXPECT_EQ(others[0], others[1]) << image;
  }
}

// The table entries are symbols in .data; their order is the tables' meaning.
TEST_F(LayoutOnBuild, TableEntrySymbolsKeepTheirOrder) {
  for (const char *image : kImages) {
    std::vector<std::string> symbols[2];
    int index = 0;
    for (const char *layout : {"similarity", "link-order"}) {
      auto elf = analysis::readLinkedElf(file(layout, image, "pruned.elf"));
      ASSERT_TRUE(bool(elf)) << llvm::toString(elf.takeError());
      const analysis::LinkedSection *data = elf->find(".data");
      ASSERT_NE(data, nullptr) << image;
      for (const analysis::LinkedSymbol &symbol : data->symbols)
        symbols[index].push_back(symbol.name);
      ++index;
    }
    EXPECT_NE(std::find(symbols[0].begin(), symbols[0].end(), "efi_snp_driver"), symbols[0].end())
        << image << ": a table entry the fixture keeps";
    EXPECT_EQ(symbols[0], symbols[1]) << image;
  }
}

// ld took the layout as written: each section the script names sits under
// its own pattern, in the script's order, and that order is not link order.
TEST_F(LayoutOnBuild, TheRelinkFollowsTheScript) {
  for (const char *image : kImages) {
    std::string script = testing::readText(file("similarity", image, "layout.lds"));
    std::vector<std::string> written;
    llvm::SmallVector<llvm::StringRef, 0> lines;
    llvm::StringRef(script).split(lines, '\n');
    for (llvm::StringRef line : lines) {
      line = line.trim();
      if (line.startswith("*pruned.a:") || line.startswith(":*/"))
        written.push_back(line.str());
    }
    std::vector<std::string> linked, linkOrder;
    for (const analysis::MappedInputSection &section :
         map(file("similarity", image, "pruned.map")).inputSections)
      if (section.statement == pipeline::inputSectionPattern(section.file, section.name))
        linked.push_back(section.statement);
    for (const analysis::MappedInputSection &section :
         map(file("similarity", image, "pruned.link-order.map")).inputSections)
      if (reordered(section) && !pipeline::isMergedByLinker(section.name))
        if (auto pattern = pipeline::inputSectionPattern(section.file, section.name))
          linkOrder.push_back(*pattern);
    EXPECT_GT(written.size(), 50u) << image;
    EXPECT_EQ(linked, written) << image;
    // The patterns list the first link's sections, moved.
    std::vector<std::string> sortedWritten = written, sortedLinkOrder = linkOrder;
    std::sort(sortedWritten.begin(), sortedWritten.end());
    std::sort(sortedLinkOrder.begin(), sortedLinkOrder.end());
    EXPECT_EQ(sortedWritten, sortedLinkOrder) << image;
    EXPECT_NE(written, linkOrder) << image;
  }
}

// romfit layout run by hand on files that do not belong together: the error
// names them, and nothing is written.
TEST_F(LayoutOnBuild, InputsThatDoNotFitTogetherAreRefused) {
  std::string out = *scratch + "/refused.lds";
  auto mixed = testing::runRomfit(
      {"layout", "--elf", file("similarity", "efi-i386", "pruned.link-order.elf"), "--map",
       file("similarity", "efi-x86_64", "pruned.link-order.map"), "--script",
       *scratch + "/minipxe/scripts/efi.lds", "-o", out});
  EXPECT_EQ(mixed.status, 2) << mixed.out << mixed.err;
  EXPECT_NE(mixed.err.find("are the map and the ELF file from the same link?"), std::string::npos)
      << mixed.err;

  std::string script = *scratch + "/no-wildcard.lds";
  ASSERT_FALSE(writeFileAtomically(script, llvm::StringRef("SECTIONS {\n .text : { *(.text*) }\n}\n")));
  auto unplaceable = testing::runRomfit(
      {"layout", "--elf", file("similarity", "efi-x86_64", "pruned.link-order.elf"), "--map",
       file("similarity", "efi-x86_64", "pruned.link-order.map"), "--script", script, "-o", out});
  EXPECT_EQ(unplaceable.status, 2) << unplaceable.out << unplaceable.err;
  EXPECT_NE(unplaceable.err.find(script + ": the layout goes before the line '*(.text.*)', and "
                                          "the script has 0 lines"),
            std::string::npos)
      << unplaceable.err;
  EXPECT_FALSE(testing::fileExists(out));
}

} // namespace
} // namespace romfit
