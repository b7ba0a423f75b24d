// romfit build: iPXE's make, a pruned relink of each EFI driver through a
// generated build.ninja, packed ROMs, the before/after table and the checks.
#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/JSON.h>

#include "compress/budget.h"
#include "support/error.h"
#include "support/file_io.h"
#include "compress/pci_rom.h"
#include "driver/command.h"
#include "driver/rom_report.h"
#include "report/budget_check.h"
#include "report/rom_attribution.h"
#include "verify/boot_check.h"
#include "rules/ipxe_build.h"

namespace romfit::driver {
namespace {

struct ImageSizes {
  std::string name;
  uint64_t unpruned = 0, pruned = 0;  // bytes in the ROM
  uint64_t unprunedRaw = 0, prunedRaw = 0;
  int64_t membersBefore = -1, membersAfter = -1;
  std::string removed;  // what the rules removed, largest first
};

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

uint64_t fileSize(const std::string &path) {
  uint64_t size = 0;
  llvm::sys::fs::file_size(path, size);
  return size;
}

llvm::Expected<int> reportRom(const rules::BuildGraphInputs &graph, const rules::RomBuild &rom,
                              uint64_t budget) {
  std::string prunedPath = rules::prunedRomPath(graph, rom);
  std::string unprunedPath = rules::unprunedRomPath(graph, rom);
  auto pruned = imageLengths(prunedPath);
  if (!pruned)
    return pruned.takeError();
  auto unpruned = imageLengths(unprunedPath);
  if (!unpruned)
    return unpruned.takeError();
  std::vector<ImageSizes> rows;
  for (size_t i = 0; i < rom.images.size() && i < pruned->size() && i < unpruned->size(); ++i) {
    const rules::ImageBuild &image = rom.images[i];
    ImageSizes row;
    row.name = image.kind.name;
    row.unpruned = (*unpruned)[i];
    row.pruned = (*pruned)[i];
    if (image.kind.efi) {
      std::string dir = rules::imageDir(graph, rom, image.kind);
      row.unprunedRaw = fileSize(dir + "/unpruned.efidrv");
      row.prunedRaw = fileSize(dir + "/pruned.efidrv");
      if (auto text = readFile(dir + "/prune.json"))
        if (auto json = llvm::json::parse((*text)->getBuffer()))
          if (auto *object = json->getAsObject()) {
            row.membersBefore = object->getInteger("members_before").getValueOr(-1);
            row.membersAfter = object->getInteger("members_after").getValueOr(-1);
            if (const llvm::json::Array *list = object->getArray("removed_members")) {
              uint64_t total = 0;
              std::string largest;
              for (size_t k = 0; k < list->size(); ++k) {
                const llvm::json::Object *member = (*list)[k].getAsObject();
                uint64_t bytes = uint64_t(member->getInteger("bytes").getValueOr(0));
                total += bytes;
                if (k < 5)
                  largest += fmt::format("{}{} {}", k ? ", " : "", member->getString("name")->str(),
                                         withThousands(bytes));
              }
              row.removed = fmt::format("{} members, {} B kept by ld in the unpruned link "
                                        "(largest: {})",
                                        list->size(), withThousands(total), largest);
            }
          }
    }
    rows.push_back(row);
  }
  BudgetLine before = measureAgainstBudget(fileSize(unprunedPath), budget);
  BudgetLine after = measureAgainstBudget(fileSize(prunedPath), budget);
  fmt::print("{}: {}\n", rom.romId, prunedPath);
  fmt::print("  {:<12} {:>9} {:>12} {:>12} {:>12} {:>12}\n", "image", "members", "raw before",
             "raw after", "ROM before", "ROM after");
  for (const ImageSizes &row : rows) {
    std::string members = row.membersBefore < 0
                              ? "-"
                              : fmt::format("{}->{}", row.membersBefore, row.membersAfter);
    auto raw = [](uint64_t bytes) { return bytes ? withThousands(bytes) : std::string("-"); };
    fmt::print("  {:<12} {:>9} {:>12} {:>12} {:>12} {:>12}\n", row.name, members,
               raw(row.unprunedRaw), raw(row.prunedRaw), withThousands(row.unpruned),
               withThousands(row.pruned));
  }
  auto signedBytes = [](int64_t value) {
    return (value < 0 ? "-" : "") + withThousands(uint64_t(value < 0 ? -value : value));
  };
  fmt::print("  {:<12} {:>9} {:>12} {:>12} {:>12} {:>12}\n", "total", "", "", "",
             withThousands(before.size), withThousands(after.size));
  for (const ImageSizes &row : rows)
    if (!row.removed.empty())
      fmt::print("  {} rules removed {}\n", row.name, row.removed);
  fmt::print("  budget {} B, BAR {} B, headroom {} B ({:.1f}% of budget; unpruned {:.1f}%)\n",
             withThousands(budget), withThousands(after.barSize), signedBytes(after.headroom),
             after.percentOfBudget(), before.percentOfBudget());
  // The same gate `romfit check` applies, with its message.
  auto attributed = report::attributeRom(prunedPath, budget);
  if (!attributed)
    return attributed.takeError();
  report::RomCheck check = report::checkRom(std::move(*attributed), std::nullopt, {budget, {}});
  if (!check.passed()) {
    fmt::print(stderr, "romfit build: {}\n", check.message());
    return kExitCheckFailed;
  }
  return kExitOk;
}

llvm::Expected<int> runBuild(const ParsedArguments &arguments) {
  rules::BuildOptions options;
  options.ipxeTree = arguments.get("--ipxe").value_or("");
  if (options.ipxeTree.empty())
    return makeError("'romfit build' needs --ipxe SRC (an iPXE source tree)");
  options.outDir = arguments.get("--output").value_or("");
  if (options.outDir.empty())
    return makeError("'romfit build' needs -o OUTDIR");
  options.config = arguments.get("--config").value_or("");
  options.rulesPath =
      arguments.get("--rules").value_or(ROMFIT_SOURCE_DIR "/rules/efi-downgrade-ux.rules");
  options.romIds = arguments.getAll("--rom");
  options.imageNames = arguments.getAll("--image");
  options.cross = arguments.get("--cross").value_or("");
  if (auto jobs = arguments.get("-j")) {
    if (llvm::StringRef(*jobs).getAsInteger(10, options.jobs) || options.jobs == 0)
      return makeError("-j wants a positive number, got '{}'", *jobs);
  }
  auto budget = budgetOption(arguments);
  if (!budget)
    return budget.takeError();
  auto level = compressionLevelOption(arguments);
  if (!level)
    return level.takeError();
  options.compressionLevel = *level == efi::EfiLevel::Fast ? "fast" : "optimal";
  options.romfit = llvm::sys::fs::getMainExecutable(nullptr, (void *)&runBuild);

  auto outcome = rules::runBuild(options);
  if (!outcome)
    return outcome.takeError();

  int status = kExitOk;
  for (const rules::RomBuild &rom : outcome->graph.roms) {
    auto romStatus = reportRom(outcome->graph, rom, *budget);
    if (!romStatus)
      return romStatus.takeError();
    status = std::max(status, *romStatus);
  }
  if (arguments.has("--verify")) {
    auto tools = verify::locateBootTools({}, {verify::Firmware::SeaBios, verify::Firmware::Ovmf});
    if (!tools)
      return tools.takeError();
    for (const rules::RomBuild &rom : outcome->graph.roms) {
      verify::BootCheckRequest request;
      request.romPath = rules::prunedRomPath(outcome->graph, rom);
      request.nicModel = arguments.get("--nic").value_or(rules::qemuNicModel(rom.romId));
      if (request.nicModel.empty())
        return makeError("no QEMU NIC is known for ROM {}: give --nic MODEL for --verify",
                         rom.romId);
      request.expectedLines = arguments.getAll("--expect");
      bool hasLegacy = llvm::any_of(rom.images, [](const rules::ImageBuild &i) { return !i.kind.efi; });
      if (!hasLegacy)
        request.firmwares = {verify::Firmware::Ovmf};
      auto results = verify::checkBoot(*tools, request);
      if (!results)
        return results.takeError();
      for (const verify::FirmwareBootResult &result : *results) {
        fmt::print("  verify {} {}: {} ({:.1f} s)\n", rom.romId,
                   verify::firmwareName(result.firmware).str(), result.passed() ? "PASS" : "FAIL",
                   result.seconds);
        if (!result.passed()) {
          for (const std::string &line : result.missingLines())
            fmt::print("    not seen: \"{}\"\n", line);
          status = kExitCheckFailed;
        }
      }
    }
  }
  return status;
}

RegisterCommand registration{
    CommandSpec{
        "build",
        "build iPXE ROMs that fit: make, prune each EFI driver's link, pack, check",
        "--ipxe SRC --rom ID [--rom ID]... [--image KIND]... [--config NAME] [--rules FILE]\n"
        "       [--cross PREFIX] [--budget SIZE] [-j N] [--verify [--expect LINE]...] -o OUTDIR",
        "Runs iPXE's own make for the objects, archives, version objects and elf2efi,\n"
        "learns each EFI link from `make -n V=1`, and writes OUTDIR/build.ninja: prune\n"
        "(romfit prune with the rule set), stub compile, pruned and unpruned links,\n"
        "elf2efi, and the pruned and unpruned ROMs (OUTDIR/ID.rom, OUTDIR/ID.unpruned.rom).\n"
        "ninja then runs what changed: a second build with nothing changed runs nothing.\n"
        "Images (--image): legacy, efi:x86_64, efi:i386, efi:arm64 (needs --cross);\n"
        "QEMU's legacy + efi:i386 + efi:x86_64 by default, packed in that order.\n"
        "exit status: 0 every ROM fits (and boots, with --verify), 1 a ROM is over budget\n"
        "or failed its boot check, 2 usage, input, make or link errors.",
        {
            {{"--ipxe"}, "SRC", "the iPXE source tree (its top or its src/)"},
            {{"--rom"}, "ID", "a ROM to build, 8 hex digits (e.g. 8086100e); repeatable", true},
            {{"--image"}, "KIND", "an image to put in each ROM; repeatable", true},
            {{"--config"}, "NAME", "iPXE's CONFIG (e.g. qemu)"},
            {{"--rules"}, "FILE", "the rule set (default rules/efi-downgrade-ux.rules)"},
            {{"--cross"}, "PREFIX", "iPXE's CROSS, e.g. aarch64-linux-gnu-"},
            {{"--budget"}, "SIZE", "size budget (default 256KiB)"},
            {{"--level"}, "LEVEL", "EFI compression: optimal (smallest, default) or fast"},
            {{"-j"}, "N", "parallel jobs for make and ninja"},
            {{"--verify"}, "", "boot each pruned ROM in QEMU (romfit verify --boot)"},
            {{"--expect"}, "LINE", "with --verify: a line to expect instead of iPXE's", true},
            {{"--nic"}, "MODEL", "with --verify: the QEMU NIC (default: QEMU's for the ROM ID)"},
            {{"-o", "--output"}, "OUTDIR", "where build.ninja and the outputs go"},
        },
        0,
        0,
    },
    runBuild};

} // namespace
} // namespace romfit::driver
