// build.ninja from data alone: synthetic inputs, no make and no disk.
#include <gtest/gtest.h>

#include "pipeline/build_graph.h"

namespace romfit::pipeline {

using support::Argv;
using support::joinCommand;
namespace {

BuildGraphInputs sampleInputs(bool legacyLinkKept) {
  BuildGraphInputs inputs;
  inputs.romfit = "/usr/bin/romfit";
  inputs.sourceDir = "/src/ipxe/src";
  inputs.outDir = "/out";
  inputs.rulesPath = "auto";
  inputs.ruleFiles = {"/share/rules/efi-downgrade-ux.rules", "/share/rules/efi-full-ux.rules"};
  RomBuild rom;
  rom.romId = "8086100e";
  auto legacy = parseImageKind("legacy");
  if (!legacy) {
    ADD_FAILURE() << llvm::toString(legacy.takeError());
    return inputs;
  }
  auto efi = parseImageKind("efi:x86_64");
  if (!efi) {
    ADD_FAILURE() << llvm::toString(efi.takeError());
    return inputs;
  }
  ImageBuild legacyImage{*legacy, {}, legacyLinkKept};
  LinkRecipe recipe;
  recipe.target = "bin-x86_64-efi/8086100e.efidrv";
  recipe.versionCompile = {"gcc", "-DVERSION=1", "-c", "core/version.c", "-o",
                           "bin-x86_64-efi/version.8086100e.efidrv.o"};
  recipe.link = {"ld", "-m", "elf_x86_64", "-T", "scripts/efi.lds",
                 "bin-x86_64-efi/version.8086100e.efidrv.o", "bin-x86_64-efi/blib.a", "-o",
                 "bin-x86_64-efi/8086100e.efidrv.tmp", "-Map",
                 "bin-x86_64-efi/8086100e.efidrv.tmp.map"};
  recipe.convert = {"./util/elf2efi64", "--subsystem=11", "bin-x86_64-efi/8086100e.efidrv.tmp",
                    "bin-x86_64-efi/8086100e.efidrv"};
  ImageBuild efiImage{*efi, recipe, false};
  rom.images = {legacyImage, efiImage};
  inputs.roms.push_back(rom);
  return inputs;
}

bool hasLine(const std::string &text, const std::string &line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(BuildGraph, EveryStepOfAnEfiImageAndThePacks) {
  auto graph = generateBuildGraph(sampleInputs(false));
  ASSERT_TRUE(bool(graph)) << llvm::toString(graph.takeError());
  const std::string &text = *graph;
  // prune: its outputs, and every file the choice reads (the rule sets too).
  EXPECT_TRUE(hasLine(text, "build 8086100e/efi-x86_64/stub.c 8086100e/efi-x86_64/pruned.a "
                            "8086100e/efi-x86_64/prune.json: run "
                            "/src/ipxe/src/bin-x86_64-efi/version.8086100e.efidrv.o "
                            "/src/ipxe/src/bin-x86_64-efi/blib.a /src/ipxe/src/scripts/efi.lds "
                            "/share/rules/efi-downgrade-ux.rules /share/rules/efi-full-ux.rules "
                            "| /usr/bin/romfit"))
      << text;
  EXPECT_NE(text.find("/usr/bin/romfit prune --rules auto --out-dir 8086100e/efi-x86_64 -C "
                      "/src/ipxe/src -- ld -m elf_x86_64"),
            std::string::npos)
      << text;
  EXPECT_TRUE(hasLine(text, "build 8086100e/efi-x86_64/stub.o: run 8086100e/efi-x86_64/stub.c"))
      << text;
  EXPECT_NE(text.find("build 8086100e/efi-x86_64/pruned.elf 8086100e/efi-x86_64/pruned.map: run "
                      "/src/ipxe/src/bin-x86_64-efi/version.8086100e.efidrv.o "
                      "8086100e/efi-x86_64/stub.o 8086100e/efi-x86_64/pruned.a"),
            std::string::npos)
      << text;
  // The converter as make names it ("./util/..."), under the source tree;
  // ninja canonicalises the "./".
  EXPECT_TRUE(hasLine(text, "build 8086100e/efi-x86_64/pruned.efidrv: run "
                            "8086100e/efi-x86_64/pruned.elf | /src/ipxe/src/./util/elf2efi64"))
      << text;
  // pack writes the pruned ROM inside the ROM's directory: its proven name,
  // 8086100e.rom, is romfit build's to give once the proof passes.
  EXPECT_TRUE(hasLine(text, "build 8086100e/packed.rom: run /src/ipxe/src/bin/8086100e.rom "
                            "8086100e/efi-x86_64/pruned.efidrv | /usr/bin/romfit"))
      << text;
  EXPECT_TRUE(hasLine(text, "build 8086100e.unpruned.rom: run /src/ipxe/src/bin/8086100e.rom "
                            "8086100e/efi-x86_64/unpruned.efidrv | /usr/bin/romfit"))
      << text;
  EXPECT_NE(text.find("pack -o 8086100e/packed.rom --no-budget-gate --level optimal --legacy "
                      "/src/ipxe/src/bin/8086100e.rom --efi 8086100e/efi-x86_64/pruned.efidrv"),
            std::string::npos)
      << text;
  EXPECT_TRUE(hasLine(text, "default 8086100e/packed.rom 8086100e.unpruned.rom")) << text;
  // Nothing names OUTDIR: two output directories get the same build.ninja.
  EXPECT_EQ(text.find("/out"), std::string::npos) << text;
}

// Under the similarity layout (the default) the pruned link runs in link
// order, romfit layout reads it, and the relink with its script makes
// pruned.elf; the unpruned link keeps the tree's script.
// The drivers of firmwares without a network stack are pruned under a rule
// set of their own; the other images keep --rules auto.
TEST(BuildGraph, AnImageWithARuleSetOfItsOwnIsPrunedUnderIt) {
  BuildGraphInputs inputs = sampleInputs(false);
  inputs.rulesByImage["efi:x86_64"] = "/share/rules/efi-netboot.rules";
  auto graph = generateBuildGraph(inputs);
  ASSERT_TRUE(bool(graph)) << llvm::toString(graph.takeError());
  EXPECT_NE(graph->find("prune --rules /share/rules/efi-netboot.rules --out-dir "
                        "8086100e/efi-x86_64"),
            std::string::npos)
      << *graph;
  EXPECT_EQ(graph->find("prune --rules auto"), std::string::npos) << *graph;
  auto plain = generateBuildGraph(sampleInputs(false));
  ASSERT_TRUE(bool(plain)) << llvm::toString(plain.takeError());
  EXPECT_NE(plain->find("prune --rules auto --out-dir 8086100e/efi-x86_64"), std::string::npos)
      << *plain;
}

TEST(BuildGraph, TheSimilarityLayoutRelinksWithTheScriptRomfitLayoutWrites) {
  auto graph = generateBuildGraph(sampleInputs(false));
  ASSERT_TRUE(bool(graph)) << llvm::toString(graph.takeError());
  const std::string &text = *graph;
  EXPECT_TRUE(hasLine(text, "build 8086100e/efi-x86_64/pruned.link-order.elf "
                            "8086100e/efi-x86_64/pruned.link-order.map: run "
                            "/src/ipxe/src/bin-x86_64-efi/version.8086100e.efidrv.o "
                            "8086100e/efi-x86_64/stub.o 8086100e/efi-x86_64/pruned.a "
                            "/src/ipxe/src/scripts/efi.lds"))
      << text;
  EXPECT_TRUE(hasLine(text, "build 8086100e/efi-x86_64/layout.lds: run "
                            "8086100e/efi-x86_64/pruned.link-order.elf "
                            "8086100e/efi-x86_64/pruned.link-order.map "
                            "/src/ipxe/src/scripts/efi.lds | /usr/bin/romfit"))
      << text;
  EXPECT_NE(text.find("/usr/bin/romfit layout --elf 8086100e/efi-x86_64/pruned.link-order.elf "
                      "--map 8086100e/efi-x86_64/pruned.link-order.map --script "
                      "/src/ipxe/src/scripts/efi.lds -o 8086100e/efi-x86_64/layout.lds"),
            std::string::npos)
      << text;
  EXPECT_TRUE(hasLine(text, "build 8086100e/efi-x86_64/pruned.elf 8086100e/efi-x86_64/pruned.map: "
                            "run /src/ipxe/src/bin-x86_64-efi/version.8086100e.efidrv.o "
                            "8086100e/efi-x86_64/stub.o 8086100e/efi-x86_64/pruned.a "
                            "8086100e/efi-x86_64/layout.lds"))
      << text;
  EXPECT_NE(text.find("ld -m elf_x86_64 -T \"$$builddir\"/8086100e/efi-x86_64/layout.lds "
                      "bin-x86_64-efi/version.8086100e.efidrv.o \"$$builddir\"/8086100e/efi-x86_64/"
                      "stub.o \"$$builddir\"/8086100e/efi-x86_64/pruned.a -o "
                      "\"$$builddir\"/8086100e/efi-x86_64/pruned.elf"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("ld -m elf_x86_64 -T scripts/efi.lds bin-x86_64-efi/version.8086100e.efidrv.o "
                      "bin-x86_64-efi/blib.a -o \"$$builddir\"/8086100e/efi-x86_64/unpruned.elf"),
            std::string::npos)
      << text;
}

TEST(BuildGraph, TheLinkOrderLayoutLinksThePrunedDriverOnce) {
  BuildGraphInputs inputs = sampleInputs(false);
  inputs.layout = SectionLayout::LinkOrder;
  auto graph = generateBuildGraph(inputs);
  ASSERT_TRUE(bool(graph)) << llvm::toString(graph.takeError());
  EXPECT_EQ(graph->find("layout"), std::string::npos) << *graph;
  EXPECT_EQ(graph->find("link-order"), std::string::npos) << *graph;
  EXPECT_TRUE(hasLine(*graph, "build 8086100e/efi-x86_64/pruned.elf 8086100e/efi-x86_64/pruned.map: "
                              "run /src/ipxe/src/bin-x86_64-efi/version.8086100e.efidrv.o "
                              "8086100e/efi-x86_64/stub.o 8086100e/efi-x86_64/pruned.a "
                              "/src/ipxe/src/scripts/efi.lds"))
      << *graph;
}

TEST(BuildGraph, TheSimilarityLayoutNeedsTheLinksScript) {
  BuildGraphInputs inputs = sampleInputs(false);
  Argv &link = inputs.roms[0].images[1].recipe.link;
  link.erase(link.begin() + 3, link.begin() + 5);  // -T scripts/efi.lds
  auto graph = generateBuildGraph(inputs);
  ASSERT_FALSE(bool(graph));
  EXPECT_NE(llvm::toString(graph.takeError())
                .find("bin-x86_64-efi/8086100e.efidrv: the similarity layout needs the link's "
                      "script (--layout link-order builds without it): the link names 0 linker "
                      "scripts with -T, not one"),
            std::string::npos);
  inputs.layout = SectionLayout::LinkOrder;
  EXPECT_TRUE(bool(generateBuildGraph(inputs)));
}

TEST(BuildGraph, TheLegacyLinkIsCopiedOnlyWhenIpxeKeptIt) {
  auto without = generateBuildGraph(sampleInputs(false));
  ASSERT_TRUE(bool(without)) << llvm::toString(without.takeError());
  auto with = generateBuildGraph(sampleInputs(true));
  ASSERT_TRUE(bool(with)) << llvm::toString(with.takeError());
  EXPECT_EQ(without->find("linked.elf"), std::string::npos) << *without;
  EXPECT_TRUE(hasLine(*with, "build 8086100e/legacy/linked.elf 8086100e/legacy/linked.map: run "
                             "/src/ipxe/src/bin/8086100e.rom.tmp "
                             "/src/ipxe/src/bin/8086100e.rom.tmp.map"))
      << *with;
  EXPECT_TRUE(hasLine(*with, "default 8086100e/legacy/linked.elf 8086100e/packed.rom 8086100e.unpruned.rom"))
      << *with;
}

TEST(BuildGraph, AnEfiImageWithoutAConversionIsAnError) {
  BuildGraphInputs inputs = sampleInputs(false);
  inputs.roms[0].images[1].recipe.convert.clear();
  auto graph = generateBuildGraph(inputs);
  ASSERT_FALSE(bool(graph));
  EXPECT_EQ(llvm::toString(graph.takeError()),
            "make printed no elf2efi conversion for bin-x86_64-efi/8086100e.efidrv");
}

TEST(BuildGraph, APathNinjaCannotRepresentIsAnError) {
  BuildGraphInputs inputs = sampleInputs(false);
  inputs.ruleFiles.push_back("/share/rules/two\nlines.rules");
  auto graph = generateBuildGraph(inputs);
  ASSERT_FALSE(bool(graph));
  EXPECT_NE(llvm::toString(graph.takeError()).find("cannot represent the path"), std::string::npos);
}

} // namespace
} // namespace romfit::pipeline
