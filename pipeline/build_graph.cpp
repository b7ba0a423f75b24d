#include "pipeline/build_graph.h"

#include <algorithm>
#include <tuple>

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "support/error.h"
#include "pipeline/ninja_writer.h"
#include "prune/relink.h"

namespace romfit::pipeline {

using support::Argv;
using support::joinCommand;

namespace {

// build.ninja names OUTDIR's files relative to OUTDIR, where ninja runs, so
// the same inputs give the same build.ninja whatever OUTDIR is called.
const BuildLayout kRelative;

} // namespace

BuildLayout layoutOf(const BuildGraphInputs &inputs) { return BuildLayout(inputs.outDir); }

namespace {

// The link and conversion run where make runs them: iPXE's paths are
// relative to its src/ directory. Words under `buildDirPrefix` are OUTDIR's
// files; they are reached through the directory ninja started the command
// in, which the shell knows, so build.ninja holds no absolute OUTDIR path.
std::string inSource(const BuildGraphInputs &inputs, const Argv &command,
                     llvm::StringRef buildDirPrefix) {
  std::string text = "builddir=$PWD && cd " + joinCommand({inputs.sourceDir}) + " &&";
  for (const std::string &word : command) {
    text += ' ';
    if (llvm::StringRef(word).startswith(buildDirPrefix))
      text += "\"$builddir\"/";
    text += joinCommand({word});
  }
  return text;
}

std::string sourcePath(const BuildGraphInputs &inputs, llvm::StringRef relative) {
  return llvm::sys::path::is_absolute(relative) ? relative.str()
                                                : inputs.sourceDir + "/" + relative.str();
}

Argv converted(const Argv &convert, llvm::StringRef input, llvm::StringRef output) {
  Argv command = convert;
  command[command.size() - 2] = input.str();
  command.back() = output.str();
  return command;
}

// romfit report attributes the legacy image through the linked ELF and map
// iPXE leaves beside it; the next make may replace them, so they are copied.
void addLegacyLinkCopy(NinjaWriter &ninja, const BuildGraphInputs &inputs, const RomBuild &rom,
                       const ImageBuild &image, std::vector<std::string> &defaults) {
  std::string legacy = sourcePath(inputs, image.kind.target(rom.romId));
  std::string elf = legacy + ".tmp", map = legacy + ".tmp.map";
  std::string linkedElf = kRelative.imageFile(rom.romId, image.kind.name, ImageFile::LinkedElf);
  std::string linkedMap = kRelative.imageFile(rom.romId, image.kind.name, ImageFile::LinkedMap);
  ninja.build({{linkedElf, linkedMap},
               "run",
               {elf, map},
               {},
               {{"cmd", joinCommand({"cp", elf, linkedElf}) + " && " +
                            joinCommand({"cp", map, linkedMap})},
                {"desc", "COPY " + image.kind.target(rom.romId) + ".tmp"}}});
  defaults.push_back(linkedElf);
}

// What one EFI image's edges share: its recipe, its files in OUTDIR and the
// tree's files its links read.
struct EfiImageEdges {
  const BuildGraphInputs &inputs;
  const RomBuild &rom;
  const ImageBuild &image;
  const LinkRecipe &recipe;
  std::string dir, inDir;
  std::string archive, archiveFile, versionObject, converter;
  std::string script;  // the link's -T script, so editing it relinks
  std::vector<std::string> linkInputs;

  EfiImageEdges(const BuildGraphInputs &inputs, const RomBuild &rom, const ImageBuild &image)
      : inputs(inputs), rom(rom), image(image), recipe(image.recipe) {
    dir = kRelative.imageDir(rom.romId, image.kind.name);
    inDir = dir + "/";
    archive = image.kind.archive();
    archiveFile = sourcePath(inputs, archive);
    versionObject = sourcePath(inputs, image.kind.versionObject(rom.romId));
    converter = sourcePath(inputs, recipe.convert.front());
    for (size_t i = 0; i + 1 < recipe.link.size(); ++i)
      if (recipe.link[i] == "-T")
        script = sourcePath(inputs, recipe.link[i + 1]);
    linkInputs = {versionObject, archiveFile};
    if (!script.empty())
      linkInputs.push_back(script);
  }

  std::string file(ImageFile which) const {
    return kRelative.imageFile(rom.romId, image.kind.name, which);
  }

  // romfit prune (stub.c, pruned.a, prune.json), then the stub's compile.
  llvm::Error addPrune(NinjaWriter &ninja) const {
    std::string stubSource = file(ImageFile::StubSource), stubObject = file(ImageFile::StubObject);
    auto ownRules = inputs.rulesByImage.find(image.kind.name);
    const std::string &rules =
        ownRules != inputs.rulesByImage.end() ? ownRules->second : inputs.rulesPath;
    Argv prune{inputs.romfit, "prune", "--rules", rules, "--out-dir", dir,
               "-C", inputs.sourceDir, "--"};
    prune.insert(prune.end(), recipe.link.begin(), recipe.link.end());
    std::vector<std::string> pruneInputs = linkInputs;
    pruneInputs.insert(pruneInputs.end(), inputs.ruleFiles.begin(), inputs.ruleFiles.end());
    ninja.build({{stubSource, file(ImageFile::PrunedArchive), file(ImageFile::PruneRecord)},
                 "run",
                 pruneInputs,
                 {inputs.romfit},
                 {{"cmd", joinCommand(prune)}, {"desc", "PRUNE " + recipe.target}}});

    auto stubCompile = prune::stubCompileCommand(recipe.versionCompile, stubSource, stubObject);
    if (!stubCompile)
      return stubCompile.takeError();
    // The stub's debug information would name OUTDIR, and no link keeps it.
    stubCompile->push_back("-g0");
    ninja.build({{stubObject}, "run", {stubSource}, {},
                 {{"cmd", inSource(inputs, *stubCompile, inDir)},
                  {"desc", "STUB " + recipe.target}}});
    return llvm::Error::success();
  }

  // In link order; under the similarity layout that link is only what
  // `romfit layout` reads, and a relink with its script makes pruned.elf.
  llvm::Error addPrunedLinks(NinjaWriter &ninja) const {
    std::string stubObject = file(ImageFile::StubObject);
    std::string prunedArchive = file(ImageFile::PrunedArchive);
    bool laidOut = inputs.layout == SectionLayout::Similarity;
    std::string prunedElf = file(ImageFile::PrunedElf), prunedMap = file(ImageFile::PrunedMap);
    std::string linkOrderElf = laidOut ? file(ImageFile::LinkOrderElf) : prunedElf;
    std::string linkOrderMap = laidOut ? file(ImageFile::LinkOrderMap) : prunedMap;
    auto prunedLink = prune::prunedLinkCommand(recipe.link, archive, {stubObject, prunedArchive},
                                               linkOrderElf, linkOrderMap);
    if (!prunedLink)
      return prunedLink.takeError();
    std::vector<std::string> prunedLinkInputs{versionObject, stubObject, prunedArchive};
    if (!script.empty())
      prunedLinkInputs.push_back(script);
    ninja.build({{linkOrderElf, linkOrderMap}, "run", prunedLinkInputs, {},
                 {{"cmd", inSource(inputs, *prunedLink, inDir)},
                  {"desc", "LD pruned " + recipe.target}}});
    if (!laidOut)
      return llvm::Error::success();
    std::string layoutScript = file(ImageFile::LayoutScript);
    auto relink = prune::prunedLinkCommand(recipe.link, archive, {stubObject, prunedArchive},
                                           prunedElf, prunedMap);
    if (!relink)
      return relink.takeError();
    auto laidOutLink = prune::withLinkerScript(*relink, layoutScript);
    if (!laidOutLink)
      return withContext(laidOutLink.takeError(),
                         recipe.target + ": the similarity layout needs the link's script "
                                         "(--layout link-order builds without it)");
    Argv layout{inputs.romfit, "layout",   "--elf", linkOrderElf, "--map",
                linkOrderMap,  "--script", script,  "-o",         layoutScript};
    ninja.build({{layoutScript}, "run", {linkOrderElf, linkOrderMap, script}, {inputs.romfit},
                 {{"cmd", joinCommand(layout)},
                  {"desc", "LAYOUT " + recipe.target}}});
    ninja.build({{prunedElf, prunedMap}, "run",
                 {versionObject, stubObject, prunedArchive, layoutScript}, {},
                 {{"cmd", inSource(inputs, *laidOutLink, inDir)},
                  {"desc", "LD pruned, laid out " + recipe.target}}});
    return llvm::Error::success();
  }

  // The unpruned link, for comparison, and elf2efi of both links.
  void addUnprunedLinkAndConversions(NinjaWriter &ninja) const {
    ninja.build({{file(ImageFile::UnprunedElf), file(ImageFile::UnprunedMap)}, "run", linkInputs, {},
                 {{"cmd", inSource(inputs, prune::linkWithOutputs(recipe.link, file(ImageFile::UnprunedElf),
                                                                  file(ImageFile::UnprunedMap)),
                                   inDir)},
                  {"desc", "LD unpruned " + recipe.target}}});
    for (auto [variant, elf, efidrv] :
         {std::tuple{"pruned", ImageFile::PrunedElf, ImageFile::PrunedDriver},
          std::tuple{"unpruned", ImageFile::UnprunedElf, ImageFile::UnprunedDriver}})
      ninja.build({{file(efidrv)}, "run", {file(elf)}, {converter},
                   {{"cmd", inSource(inputs, converted(recipe.convert, file(elf), file(efidrv)),
                                     inDir)},
                    {"desc", std::string("ELF2EFI ") + variant + " " + recipe.target}}});
  }
};

// The budget is checked by romfit build after ninja, so the unpruned ROM
// (over budget by design) is still built for comparison. It stands for
// the ROM a build without romfit ships, packed by EDK2's EfiRom (as
// QEMU's are): the fast level is EfiRom's strategy, within about 1% of
// its bytes, and costs a quarter of the optimal level's time on drivers
// four times the pruned ones' size.
void addPacks(NinjaWriter &ninja, const BuildGraphInputs &inputs, const RomBuild &rom,
              const std::vector<std::string> &prunedImages,
              const std::vector<std::string> &unprunedImages, std::vector<std::string> &defaults) {
  for (const auto &[output, images, level] :
       {std::tuple{kRelative.packedRom(rom.romId), prunedImages, inputs.compressionLevel},
        std::tuple{kRelative.unprunedRom(rom.romId), unprunedImages, efi::EfiLevel::Fast}}) {
    Argv pack{inputs.romfit, "pack", "-o", output, "--no-budget-gate", "--level",
              efi::levelName(level).str()};
    for (size_t i = 0; i < rom.images.size(); ++i) {
      pack.push_back(rom.images[i].kind.efi ? "--efi" : "--legacy");
      pack.push_back(images[i]);
    }
    if (llvm::none_of(rom.images, [](const ImageBuild &image) { return !image.kind.efi; })) {
      // Without a legacy image the IDs come from the ROM ID.
      pack.insert(pack.end(), {"--vendor", rom.romId.substr(0, 4), "--device", rom.romId.substr(4)});
    }
    ninja.build({{output}, "run", images, {inputs.romfit},
                 {{"cmd", joinCommand(pack) + " > /dev/null"},
                  {"desc", "PACK " + llvm::sys::path::filename(output).str()}}});
    defaults.push_back(output);
  }
}

} // namespace

llvm::Expected<std::string> generateBuildGraph(const BuildGraphInputs &inputs) {
  NinjaWriter ninja;
  ninja.comment("Generated by romfit build: do not edit; the next romfit build rewrites it.");
  ninja.variable("ninja_required_version", "1.10");
  ninja.blank();
  ninja.rule("run", "$cmd", "$desc");
  ninja.blank();

  std::vector<std::string> defaults;
  for (const RomBuild &rom : inputs.roms) {
    std::vector<std::string> prunedImages, unprunedImages;
    for (const ImageBuild &image : rom.images) {
      if (!image.kind.efi) {
        std::string legacy = sourcePath(inputs, image.kind.target(rom.romId));
        prunedImages.push_back(legacy);
        unprunedImages.push_back(legacy);
        if (image.legacyLinkKept)
          addLegacyLinkCopy(ninja, inputs, rom, image, defaults);
        continue;
      }
      if (image.recipe.convert.empty())
        return makeError("make printed no elf2efi conversion for {}", image.recipe.target);
      EfiImageEdges edges(inputs, rom, image);
      if (llvm::Error error = edges.addPrune(ninja))
        return error;
      if (llvm::Error error = edges.addPrunedLinks(ninja))
        return error;
      edges.addUnprunedLinkAndConversions(ninja);
      prunedImages.push_back(edges.file(ImageFile::PrunedDriver));
      unprunedImages.push_back(edges.file(ImageFile::UnprunedDriver));
    }
    addPacks(ninja, inputs, rom, prunedImages, unprunedImages, defaults);
  }
  ninja.blank();
  ninja.defaults(defaults);
  return ninja.finish();
}

} // namespace romfit::pipeline
