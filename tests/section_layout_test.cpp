// The similarity layout from data alone: the greedy order on synthetic
// sections, the patterns that name one input section, and the copy of the
// linker script (which must move nothing but the two reordered statements).
#include <random>

#include <gtest/gtest.h>
#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringExtras.h>

#include "pipeline/section_layout.h"

namespace romfit::pipeline {
namespace {

using Bytes = std::vector<uint8_t>;

// Bytes no other call's bytes share a 6-byte string with, but by a chance
// of about n^2 / 2^48.
Bytes noise(size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  Bytes bytes(size);
  for (uint8_t &byte : bytes)
    byte = uint8_t(generator());
  return bytes;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes all;
  for (const Bytes &part : parts)
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

std::vector<LayoutSection> sectionsOf(const std::vector<Bytes> &contents) {
  std::vector<LayoutSection> sections;
  for (size_t index = 0; index < contents.size(); ++index)
    sections.push_back({".text.f" + std::to_string(index), "pruned.a(m.o)", contents[index]});
  return sections;
}

TEST(SimilarityOrder, ASectionMovesUpNextToTheOneItResembles) {
  Bytes shared = noise(200, 1);
  std::vector<Bytes> contents{concat({shared, noise(40, 2)}), noise(240, 3),
                              concat({noise(40, 4), shared}), noise(240, 5)};
  EXPECT_EQ(similarityOrder(sectionsOf(contents)), (std::vector<size_t>{0, 2, 1, 3}));
}

TEST(SimilarityOrder, SectionsThatShareNothingKeepLinkOrder) {
  std::vector<Bytes> contents;
  for (unsigned seed = 10; seed < 20; ++seed)
    contents.push_back(noise(100, seed));
  contents.push_back({1, 2, 3});  // shorter than one 6-byte string
  contents.push_back({});
  EXPECT_EQ(similarityOrder(sectionsOf(contents)),
            (std::vector<size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_TRUE(similarityOrder({}).empty());
}

// A and B share a1; C shares a2 with A only; D shares the start of b1 with
// B only, and less than C shares with A. While A is in the window C follows
// B; once the window holds B alone, D does.
TEST(SimilarityOrder, OnlyTheWindowCounts) {
  Bytes a1 = noise(20, 30), a2 = noise(20, 31), b1 = noise(20, 32);
  std::vector<Bytes> contents{concat({a1, a2}), concat({a1, b1}), concat({a2, noise(20, 33)}),
                              concat({Bytes(b1.begin(), b1.begin() + 10), noise(20, 34)})};
  EXPECT_EQ(similarityOrder(sectionsOf(contents), 8192), (std::vector<size_t>{0, 1, 2, 3}));
  EXPECT_EQ(similarityOrder(sectionsOf(contents), 16), (std::vector<size_t>{0, 1, 3, 2}));
}

TEST(SimilarityOrder, EverySectionIsPlacedOnceAndTheFirstStaysFirst) {
  // Sections cut from one repetitive stream, so most of them share strings.
  Bytes stream = concat({noise(3000, 40), noise(3000, 40), noise(3000, 41)});
  std::vector<Bytes> contents;
  std::mt19937 generator(42);
  for (size_t at = 0; at < stream.size();) {
    size_t size = std::min<size_t>(1 + generator() % 300, stream.size() - at);
    contents.emplace_back(stream.begin() + at, stream.begin() + at + size);
    at += size;
  }
  std::vector<size_t> order = similarityOrder(sectionsOf(contents), 1000);
  ASSERT_EQ(order.size(), contents.size());
  EXPECT_EQ(order.front(), 0u);
  std::vector<size_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (size_t index = 0; index < sorted.size(); ++index)
    EXPECT_EQ(sorted[index], index);
  EXPECT_NE(order, sorted) << "repeated halves should have drawn sections forward";
}

TEST(InputSectionPattern, NamesOneSectionOfOneInput) {
  EXPECT_EQ(inputSectionPattern("/out/8086100e/efi-x86_64/pruned.a(intel.o)", ".text.intel_probe"),
            "*pruned.a:intel.o(.text.intel_probe)");
  EXPECT_EQ(inputSectionPattern("/out/8086100e/efi-x86_64/stub.o", ".text.ipxe"),
            ":*/stub.o(.text.ipxe)");
  EXPECT_EQ(inputSectionPattern("bin-x86_64-efi/version.8086100e.efidrv.o", ".rodata.str1.1"),
            ":*/version.8086100e.efidrv.o(.rodata.str1.1)");
  EXPECT_EQ(inputSectionPattern("stub.o", ".text.ipxe"), ":stub.o(.text.ipxe)");
  EXPECT_EQ(inputSectionPattern("pruned.a(efi_pci.o)", ".text.efipci_discover_any.isra.0"),
            "*pruned.a:efi_pci.o(.text.efipci_discover_any.isra.0)");
}

TEST(InputSectionPattern, ANameAScriptCannotCarryIsLeftToTheWildcard) {
  EXPECT_EQ(inputSectionPattern("pruned.a(intel.o)", ".text.a*b"), std::nullopt);
  EXPECT_EQ(inputSectionPattern("pruned.a(intel.o)", ".text.[x]"), std::nullopt);
  EXPECT_EQ(inputSectionPattern("pruned.a(net device.o)", ".text.x"), std::nullopt);
  EXPECT_EQ(inputSectionPattern("/out/dir/my stub.o", ".text.x"), std::nullopt);
  EXPECT_EQ(inputSectionPattern("pruned.a(a:b.o)", ".text.x"), std::nullopt);
  EXPECT_EQ(inputSectionPattern("pruned.a(intel.o)", ""), std::nullopt);
}

// iPXE's scripts/efi.lds, abridged.
const char *const kScript = R"(/* -*- sh -*- */
SECTIONS {
    .text : {
	_text = .;
	*(.text)
	*(.text.*)
	_etext = .;
    }
    .rodata : {
	*(.rodata)
	*(.rodata.*)	/* constants */
    }
    .data : {
	*(.data)
	*(.data.*)
	KEEP(*(SORT(.tbl.*)))	/* Various tables.  See include/tables.h */
	KEEP(*(.provided))
    }
}
)";

std::vector<std::string> linesOf(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef, 0> lines;
  text.split(lines, '\n');
  return {lines.begin(), lines.end()};
}

TEST(ScriptWithSectionOrder, PatternsGoJustBeforeTheirStatementAndNothingElseChanges) {
  std::vector<StatementOrder> orders{
      {"*(.text.*)", {"*pruned.a:b.o(.text.g)", ":*/stub.o(.text.ipxe)"}},
      {"*(.rodata.*)", {"*pruned.a:a.o(.rodata.k)"}}};
  auto script = scriptWithSectionOrder(kScript, "/src/scripts/efi.lds", orders);
  ASSERT_TRUE(bool(script)) << llvm::toString(script.takeError());
  std::vector<std::string> lines = linesOf(*script);

  auto at = [&](llvm::StringRef line) {
    return size_t(std::find(lines.begin(), lines.end(), line.str()) - lines.begin());
  };
  size_t text = at("\t*(.text.*)"), rodata = at("\t*(.rodata.*)\t/* constants */");
  ASSERT_LT(text, lines.size()) << *script;
  ASSERT_LT(rodata, lines.size()) << *script;
  EXPECT_EQ(lines[text - 2], "\t*pruned.a:b.o(.text.g)");
  EXPECT_EQ(lines[text - 1], "\t:*/stub.o(.text.ipxe)");
  EXPECT_EQ(lines[rodata - 1], "\t*pruned.a:a.o(.rodata.k)");

  // Take away what the layout added (its comments and patterns): the
  // original script, line for line, tables and all.
  std::vector<std::string> kept;
  for (const std::string &line : lines) {
    llvm::StringRef trimmed = llvm::StringRef(line).trim();
    bool added = trimmed.startswith("/* romfit layout:") || trimmed.startswith("*pruned.a:") ||
                 trimmed.startswith(":*/");
    if (!added)
      kept.push_back(line);
  }
  std::vector<std::string> original = linesOf(kScript);
  ASSERT_GE(kept.size(), 3u);
  EXPECT_EQ(kept[0], "/* Generated by romfit layout from efi.lds: do not edit; the next build "
                     "rewrites it.");
  EXPECT_EQ(std::vector<std::string>(kept.begin() + 3, kept.end()), original);
}

TEST(ScriptWithSectionOrder, AStatementWithNothingToOrderNeedNotBeThere) {
  std::vector<StatementOrder> orders{{"*(.text.*)", {}}, {"*(.rodata.*)", {}}};
  auto script = scriptWithSectionOrder("SECTIONS { .text : { *(.text) } }", "x.lds", orders);
  ASSERT_TRUE(bool(script)) << llvm::toString(script.takeError());
  EXPECT_TRUE(llvm::StringRef(*script).endswith("\nSECTIONS { .text : { *(.text) } }"));
}

TEST(ScriptWithSectionOrder, TheStatementMustStandOnExactlyOneLine) {
  std::vector<StatementOrder> orders{{"*(.text.*)", {"*pruned.a:b.o(.text.g)"}}};
  auto missing = scriptWithSectionOrder("SECTIONS {\n .text : { *(.text) *(.text.*) }\n}\n",
                                        "/src/one.lds", orders);
  ASSERT_FALSE(bool(missing));
  EXPECT_EQ(llvm::toString(missing.takeError()),
            "/src/one.lds: the layout goes before the line '*(.text.*)', and the script has 0 "
            "lines that are only that statement (it needs exactly one)");
  auto twice = scriptWithSectionOrder("SECTIONS {\n .text : {\n *(.text.*)\n }\n .more : {\n "
                                      "*(.text.*)\n }\n}\n",
                                      "/src/two.lds", orders);
  ASSERT_FALSE(bool(twice));
  EXPECT_NE(llvm::toString(twice.takeError()).find("the script has 2 lines"), std::string::npos);
}

TEST(SectionLayoutName, ParsesWhatItPrints) {
  for (SectionLayout layout : {SectionLayout::LinkOrder, SectionLayout::Similarity}) {
    auto parsed = parseLayout(layoutName(layout));
    ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
    EXPECT_EQ(*parsed, layout);
  }
  auto unknown = parseLayout("by-name");
  ASSERT_FALSE(bool(unknown));
  EXPECT_EQ(llvm::toString(unknown.takeError()),
            "unknown layout 'by-name' (known: link-order, similarity)");
}

TEST(SectionLayout, SectionsLdMergesAreLeftToTheWildcard) {
  for (const char *merged : {".rodata.str1.1", ".rodata.cst8", ".rodata.efi_snp_driver_start.str1.1",
                             ".rodata.cst16"})
    EXPECT_TRUE(isMergedByLinker(merged)) << merged;
  for (const char *plain : {".rodata.digits.0", ".rodata.strings", ".text.strlen",
                            ".rodata.str", ".rodata.cst"})
    EXPECT_FALSE(isMergedByLinker(plain)) << plain;
}

} // namespace
} // namespace romfit::pipeline
