#include "report/build_summary.h"

#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>

#include "report/budget_check.h"
#include "report/rom_attribution.h"
#include "rom/pci_rom.h"
#include "prune/prune_record.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::report {
namespace {

llvm::Expected<std::vector<uint64_t>> imageLengths(const std::string &path) {
  auto bytes = readFileBytes(path);
  if (!bytes)
    return bytes.takeError();
  auto rom = pci::parse(*bytes);
  if (!rom)
    return withContext(rom.takeError(), path);
  std::vector<uint64_t> lengths;
  for (const pci::Image &image : rom->images)
    lengths.push_back(image.length);
  return lengths;
}

llvm::Expected<uint64_t> fileSize(const std::string &path) {
  uint64_t size = 0;
  if (std::error_code ec = llvm::sys::fs::file_size(path, size))
    return makeError("{}: {}", path, ec.message());
  return size;
}

} // namespace

llvm::Expected<BuiltRomSummary> summarizeBuiltRom(const pipeline::BuildGraphInputs &graph,
                                                  const pipeline::RomBuild &rom, uint64_t budget) {
  pipeline::BuildLayout layout = pipeline::layoutOf(graph);
  BuiltRomSummary summary;
  summary.romId = rom.romId;
  summary.romPath = layout.packedRom(rom.romId);
  std::string unprunedPath = layout.unprunedRom(rom.romId);
  auto pruned = imageLengths(summary.romPath);
  if (!pruned)
    return pruned.takeError();
  auto unpruned = imageLengths(unprunedPath);
  if (!unpruned)
    return unpruned.takeError();
  for (size_t i = 0; i < rom.images.size() && i < pruned->size() && i < unpruned->size(); ++i) {
    const pipeline::ImageBuild &image = rom.images[i];
    BuiltImageSizes row;
    row.name = image.kind.name;
    row.unpruned = (*unpruned)[i];
    row.pruned = (*pruned)[i];
    if (image.kind.efi) {
      auto file = [&](pipeline::ImageFile which) {
        return layout.imageFile(rom.romId, image.kind.name, which);
      };
      auto unprunedRaw = fileSize(file(pipeline::ImageFile::UnprunedDriver));
      if (!unprunedRaw)
        return unprunedRaw.takeError();
      auto prunedRaw = fileSize(file(pipeline::ImageFile::PrunedDriver));
      if (!prunedRaw)
        return prunedRaw.takeError();
      row.unprunedRaw = *unprunedRaw;
      row.prunedRaw = *prunedRaw;
      auto record = prune::readPruneRecord(file(pipeline::ImageFile::PruneRecord));
      if (!record)
        return record.takeError();
      row.membersBefore = record->membersBefore;
      row.membersAfter = record->membersAfter;
      row.removed = prune::removedSummary(*record);
      row.layout = graph.layout;
    }
    summary.images.push_back(row);
  }
  auto unprunedSize = fileSize(unprunedPath);
  if (!unprunedSize)
    return unprunedSize.takeError();
  auto prunedSize = fileSize(summary.romPath);
  if (!prunedSize)
    return prunedSize.takeError();
  summary.before = measureAgainstBudget(*unprunedSize, budget);
  summary.after = measureAgainstBudget(*prunedSize, budget);
  return summary;
}

std::string builtRomTable(const BuiltRomSummary &summary) {
  std::string text = fmt::format("{}: {}\n", summary.romId, summary.romPath);
  text += fmt::format("  {:<12} {:>9} {:>12} {:>12} {:>12} {:>12}\n", "image", "members",
                      "raw before", "raw after", "ROM before", "ROM after");
  for (const BuiltImageSizes &row : summary.images) {
    std::string members = row.membersBefore < 0
                              ? "-"
                              : fmt::format("{}->{}", row.membersBefore, row.membersAfter);
    auto raw = [](uint64_t bytes) { return bytes ? withThousands(bytes) : std::string("-"); };
    text += fmt::format("  {:<12} {:>9} {:>12} {:>12} {:>12} {:>12}\n", row.name, members,
                        raw(row.unprunedRaw), raw(row.prunedRaw), withThousands(row.unpruned),
                        withThousands(row.pruned));
  }
  text += fmt::format("  {:<12} {:>9} {:>12} {:>12} {:>12} {:>12}\n", "total", "", "", "",
                      withThousands(summary.before.size), withThousands(summary.after.size));
  for (const BuiltImageSizes &row : summary.images)
    if (!row.removed.empty())
      text += fmt::format("  {} rules removed {}\n", row.name, row.removed);
  for (const BuiltImageSizes &row : summary.images)
    if (row.layout)
      text += fmt::format("  {} layout: {}\n", row.name,
                          *row.layout == pipeline::SectionLayout::Similarity
                              ? "similarity (.text.* and .rodata.* ordered for the 8 KiB "
                                "window by layout.lds)"
                              : "link order (--layout link-order)");
  // The unpruned ROM stands for what a build without romfit ships.
  text += "  ROM before: the unpruned drivers packed at the fast level, EDK2 EfiRom's strategy "
          "(QEMU's ROMs are packed by EfiRom)\n";
  const BudgetLine &after = summary.after;
  text += fmt::format(
      "  budget {} B, BAR {} B, headroom {} B ({:.1f}% of budget; unpruned {:.1f}%)\n",
      withThousands(after.budget), withThousands(after.barSize), signedThousands(after.headroom, false),
      after.percentOfBudget(), summary.before.percentOfBudget());
  return text;
}

llvm::Expected<bool> reportBuiltRoms(const pipeline::BuildGraphInputs &graph, uint64_t budget,
                                     std::FILE *out,
                                     const std::function<void(const std::string &)> &onFailedCheck) {
  bool allPassed = true;
  for (const pipeline::RomBuild &rom : graph.roms) {
    auto summary = summarizeBuiltRom(graph, rom, budget);
    if (!summary)
      return summary.takeError();
    fmt::print(out, "{}", builtRomTable(*summary));
    auto attributed = attributeRom(summary->romPath);
    if (!attributed)
      return attributed.takeError();
    RomCheck check = checkRom(std::move(*attributed), std::nullopt, {budget, {}});
    if (!check.passed()) {
      onFailedCheck(check.message());
      allPassed = false;
    }
  }
  return allPassed;
}

} // namespace romfit::report
