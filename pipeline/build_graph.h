#pragma once
// The build.ninja that `romfit build` writes: per ROM and EFI image, prune,
// stub compile, pruned (and laid out) and unpruned links, conversion with the tree's own
// elf2efi; per ROM, the pruned and unpruned packs. Computed from the inputs
// alone: nothing here looks at the disk. Inputs are the files make
// produced, so a second build with nothing changed runs nothing, and a
// touched object re-runs only what depends on it.
#include <map>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "pipeline/build_layout.h"
#include "pipeline/ipxe_targets.h"
#include "pipeline/link_recipe.h"
#include "pipeline/section_layout.h"
#include "compress/efi_compress.h"

namespace romfit::pipeline {

struct ImageBuild {
  ImageKind kind;
  LinkRecipe recipe;  // EFI images only; links with stable build symbols
  // Legacy images only: iPXE left its link's ELF and map (bin/ID.rom.tmp and
  // .tmp.map) beside the ROM, so build.ninja copies them for the report.
  bool legacyLinkKept = false;
};

struct RomBuild {
  std::string romId;
  std::vector<ImageBuild> images;  // in ROM order
};

struct BuildGraphInputs {
  std::string romfit;     // absolute path of the romfit executable
  std::string sourceDir;  // absolute: where make and the link commands run
  std::string outDir;     // absolute
  std::string rulesPath;  // absolute, or "auto" (romfit prune chooses per link)
  std::vector<std::string> ruleFiles;  // what the prune reads: a change re-prunes
  // Image kinds pruned under a rule choice of their own instead of
  // rulesPath's "auto": the drivers of firmwares with no network stack,
  // under "auto-own-boot-path" (whose sets are in ruleFiles too).
  std::map<std::string, std::string> rulesByImage;
  efi::EfiLevel compressionLevel = efi::kDefaultLevel;
  // Of the pruned EFI images: with Similarity the pruned link runs twice, in
  // link order, then with the script `romfit layout` writes from it.
  SectionLayout layout = kDefaultLayout;
  std::vector<RomBuild> roms;
};

// Where things land under this build's OUTDIR.
BuildLayout layoutOf(const BuildGraphInputs &inputs);

llvm::Expected<std::string> generateBuildGraph(const BuildGraphInputs &inputs);

} // namespace romfit::pipeline
