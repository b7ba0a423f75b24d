// romfit build: iPXE's make, a pruned relink of each EFI driver through a
// generated build.ninja, packed ROMs, the before/after table and the checks.
#include <array>
#include <map>

#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/JSON.h>

#include "report/budget.h"
#include "support/error.h"
#include "support/file_io.h"
#include "rom/pci_rom.h"
#include "driver/command.h"
#include "driver/data_directory.h"
#include "driver/proof_options.h"
#include "driver/rom_report.h"
#include "report/budget_check.h"
#include "report/build_summary.h"
#include "report/rom_attribution.h"
#include "verify/proof_record.h"
#include "verify/published_rom.h"
#include "verify/rom_verification.h"
#include "verify/verification_report.h"
#include "pipeline/ipxe_build.h"
#include "prune/prune_record.h"
#include "prune/rule_set.h"

namespace romfit::driver {
namespace {

llvm::Expected<int> reportRom(const pipeline::BuildGraphInputs &graph, const pipeline::RomBuild &rom,
                              uint64_t budget) {
  auto summary = report::summarizeBuiltRom(graph, rom, budget);
  if (!summary)
    return summary.takeError();
  fmt::print("{}", report::builtRomTable(*summary));
  std::string prunedPath = summary->romPath;
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

// Where Debian has no boot program for an image's firmware (loong64), the
// tree's own iPXE serves: its snponly.efi, made beside the driver, unless
// --boot-program named one.
llvm::Error makeTreeBootPrograms(const pipeline::BuildOptions &options,
                                 verify::BootCheckRequest &request) {
  if (!request.servesBootPrograms())
    return llvm::Error::success();
  for (const verify::FirmwareSpec &firmware : verify::firmwareTable()) {
    bool given = llvm::any_of(request.bootPrograms.given,
                              [&](const auto &entry) { return entry.first == firmware.imageKind; });
    if (firmware.bootProgram.source != verify::ToolSource::GivenByUser || given ||
        !llvm::is_contained(options.imageNames, firmware.imageKind))
      continue;
    auto kind = pipeline::parseImageKind(firmware.imageKind);
    if (!kind)
      return kind.takeError();
    auto program = pipeline::makeTreeFile(options, *kind, firmware.bootProgram.fileName);
    if (!program)
      return program.takeError();
    request.bootPrograms.given.emplace_back(firmware.imageKind, *program);
  }
  return llvm::Error::success();
}

// What the build says of one ROM's proof, typed: the set summary, the
// install step and the exit status read it.
struct RomProof {
  verify::ProofState state = verify::ProofState::Unverified;
  std::string why;         // unverified: why not (--no-verify, a missing firmware)
  std::string recordedAt;  // proven by an earlier build's boots (proofs.json), when
};
using RomProofs = std::map<std::string, RomProof>;

verify::PublishedRomNames publishedNames(const pipeline::BuildGraphInputs &graph,
                                         const std::string &romId) {
  pipeline::BuildLayout layout = pipeline::layoutOf(graph);
  return {layout.packedRom(romId), layout.unverifiedRom(romId), layout.provenRom(romId),
          layout.failedRom(romId)};
}

// Boots every pruned ROM on the firmware of each of its images, unless
// OUTDIR/proofs.json holds a pass of the very same bytes on the very same
// QEMU, firmware and boot program files (--reverify boots it anyway). Until
// its proof passes a ROM is ID.unverified.rom; then it becomes ID.rom, or
// ID.failed.rom on a failure: a ROM that fits but does not boot must not
// stay where a packaging script picks ROMs up. Firmware or boot programs
// that are not installed leave their images "not verified", unless --verify
// asked for the proof outright. An interrupt is an error here, never a
// verdict: the ROM being booted stays unverified.
llvm::Expected<int> verifyBuiltRoms(const ParsedArguments &arguments,
                                    const pipeline::BuildOptions &options,
                                    const pipeline::BuildGraphInputs &graph, RomProofs &proofs) {
  bool required = arguments.has("--verify");
  auto proof = proofRequestFrom(arguments);
  if (!proof)
    return proof.takeError();
  verify::BootCheckRequest &request = *proof;
  if (llvm::Error error = makeTreeBootPrograms(options, request))
    return error;

  std::vector<verify::Firmware> all = verify::allFirmwares();
  std::vector<verify::MissingFirmware> missing;
  verify::BootTools tools = verify::locateAvailableTools({}, all, request, missing);
  std::string recordPath = pipeline::layoutOf(graph).proofRecord();
  std::string recordWarning;
  verify::ProofRecord record = verify::ProofRecord::load(recordPath, &recordWarning);
  if (!recordWarning.empty())
    fmt::print(stderr, "romfit build: warning: {}\n", recordWarning);

  int status = kExitOk;
  for (const pipeline::RomBuild &rom : graph.roms) {
    verify::PublishedRomNames names = publishedNames(graph, rom.romId);
    auto bytes = readFileBytes(names.built);
    if (!bytes)
      return bytes.takeError();
    auto plan = verify::planRomVerification(*bytes, names.built);
    if (!plan)
      return plan.takeError();
    if (required)
      for (verify::Firmware firmware : verify::firmwaresNeeded(*plan))
        for (const verify::MissingFirmware &gap : missing)
          if (gap.firmware == firmware)
            return makeError("--verify: cannot prove ROM {}: {}", rom.romId, gap.reason);
    request.firmwares = verify::firmwaresNeeded(*plan);
    request.nicModel = arguments.get("--nic").value_or(pipeline::qemuNicModel(rom.romId));
    if (request.nicModel.empty())
      return makeError("no QEMU NIC is known for ROM {}: give --nic MODEL, or --no-verify",
                       rom.romId);
    auto key = record.keyFor(*bytes, tools, request, request.firmwares);
    if (!key)
      return key.takeError();
    const verify::RecordedProof *recorded = record.find(*key);
    if (recorded && !arguments.has("--reverify")) {
      if (llvm::Error error = verify::publishRom(names, verify::ProofState::Proven))
        return error;
      fmt::print("verify {} ({}, depth {}): passed at {}, recorded in {}; not booted again "
                 "(--reverify boots it):\n{}",
                 rom.romId, request.nicModel, verify::depthName(request.depth).str(),
                 recorded->provedAt, recordPath, recorded->verdict);
      proofs[rom.romId] = {verify::ProofState::Proven, "", recorded->provedAt};
      continue;
    }
    // Unproven until the boots below pass, whatever an earlier build proved.
    if (llvm::Error error = verify::publishRom(names, verify::ProofState::Unverified))
      return error;
    request.romPath = names.unverified;
    auto verification = verify::verifyRom(tools, request, *plan, missing);
    if (!verification)
      return verification.takeError();
    std::string verdict = fmt::format("{}  {}\n", verify::verificationText(*verification),
                                      verify::verificationSummary(*verification));
    fmt::print("verify {} ({}, depth {}):\n{}", rom.romId, request.nicModel,
               verify::depthName(request.depth).str(), verdict);
    RomProof &outcome = proofs[rom.romId];
    if (verification->passed()) {
      // The key names only the firmwares located here: once a missing one
      // is installed, the key changes and the ROM is booted again.
      outcome.state = verify::ProofState::Proven;
      record.add({rom.romId, *key, verify::utcTimestamp(), verdict});
      if (llvm::Error error = record.save(recordPath))
        return error;
    } else if (verification->anyFailed()) {
      outcome.state = verify::ProofState::Failed;
      fmt::print("  {} failed its boot proof: moved to {}\n", rom.romId, names.failed);
      status = kExitCheckFailed;
    } else {
      outcome.why = "not verified";
    }
    if (llvm::Error error = verify::publishRom(names, outcome.state))
      return error;
  }
  return status;
}

// The name a ROM goes by once built: QEMU's for --rom-set qemu, else ID.rom.
std::string shippedName(const ParsedArguments &arguments, const std::string &romId) {
  if (arguments.get("--rom-set") == std::optional<std::string>("qemu"))
    return pipeline::qemuRomFileName(romId);
  return romId + ".rom";
}

std::string proofColumn(const RomProof &proof) {
  switch (proof.state) {
  case verify::ProofState::Proven:
    return proof.recordedAt.empty() ? "passed" : "passed (recorded " + proof.recordedAt + ")";
  case verify::ProofState::Failed:
    return "FAILED";
  case verify::ProofState::Unverified:
    break;
  }
  return proof.why;
}

// One row per ROM: what a packager reads before shipping the set.
void printSetSummary(const ParsedArguments &arguments, const pipeline::BuildGraphInputs &graph,
                     uint64_t budget, const RomProofs &proofs) {
  std::vector<std::array<std::string, 5>> rows = {{"ROM", "ID", "bytes", "budget", "boot proof"}};
  for (const pipeline::RomBuild &rom : graph.roms) {
    uint64_t size = 0;
    llvm::sys::fs::file_size(pipeline::layoutOf(graph).packedRom(rom.romId), size);
    rows.push_back({shippedName(arguments, rom.romId), rom.romId, withThousands(size),
                    fmt::format("{:.1f}%", 100.0 * double(size) / double(budget)),
                    proofColumn(proofs.at(rom.romId))});
  }
  std::array<size_t, 5> widths{};
  for (const auto &row : rows)
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  fmt::print("\n");
  for (const auto &row : rows)
    fmt::print("{:<{}}  {:<{}}  {:>{}}  {:>{}}  {}\n", row[0], widths[0], row[1], widths[1], row[2],
               widths[2], row[3], widths[3], row[4]);
}

// --install-dir: the proven ROMs (and under --no-verify, where the user
// chose to go without the proof, the unverified ones, said so), under the
// names a package ships them by, each written whole or not at all.
llvm::Error installRoms(const ParsedArguments &arguments, const pipeline::BuildGraphInputs &graph,
                        const RomProofs &proofs) {
  auto directory = arguments.get("--install-dir");
  if (!directory)
    return llvm::Error::success();
  if (std::error_code error = llvm::sys::fs::create_directories(*directory))
    return makeError("{}: cannot create directory: {}", *directory, error.message());
  bool noVerify = arguments.has("--no-verify");
  for (const pipeline::RomBuild &rom : graph.roms) {
    const RomProof &proof = proofs.at(rom.romId);
    verify::PublishedRomNames names = publishedNames(graph, rom.romId);
    bool install = proof.state == verify::ProofState::Proven ||
                   (proof.state == verify::ProofState::Unverified && noVerify);
    if (!install) {
      fmt::print("not installed: {} ({})\n", rom.romId,
                 proof.state == verify::ProofState::Failed ? "failed its boot proof"
                                                           : "not verified; --no-verify "
                                                             "installs unproven ROMs");
      continue;
    }
    auto bytes = readFileBytes(names.forState(proof.state));
    if (!bytes)
      return bytes.takeError();
    std::string target = *directory + "/" + shippedName(arguments, rom.romId);
    if (llvm::Error error = writeFileAtomically(target, *bytes))
      return error;
    fmt::print("installed {}{}\n", target,
               proof.state == verify::ProofState::Proven ? "" : " (not verified: --no-verify)");
  }
  return llvm::Error::success();
}

llvm::Expected<int> runBuild(const ParsedArguments &arguments) {
  pipeline::BuildOptions options;
  options.ipxeTree = arguments.get("--ipxe").value_or("");
  if (options.ipxeTree.empty())
    return makeError("'romfit build' needs --ipxe SRC (an iPXE source tree)");
  options.outDir = arguments.get("--output").value_or("");
  if (options.outDir.empty())
    return makeError("'romfit build' needs -o OUTDIR");
  options.config = arguments.get("--config").value_or("");
  // "auto" reaches romfit prune as it is: the choice needs each link's objects.
  options.rulesPath = arguments.get("--rules").value_or("auto");
  if (options.rulesPath == "auto") {
    auto directory = builtInRulesDirectory();
    if (!directory)
      return directory.takeError();
    options.autoRuleSets = prune::builtInRuleSets(*directory);
    options.ownBootPathRuleSets = prune::builtInOwnBootPathRuleSets(*directory);
  }
  options.romIds = arguments.getAll("--rom");
  options.imageNames = arguments.getAll("--image");
  if (auto set = arguments.get("--rom-set")) {
    if (*set != "qemu")
      return makeError("unknown --rom-set '{}' (known: qemu)", *set);
    if (!options.romIds.empty())
      return makeError("--rom-set qemu names its ROMs: give it or --rom, not both");
    options.romIds = pipeline::qemuNicRomIds();
    // What QEMU's roms/Makefile packs today.
    if (options.imageNames.empty())
      options.imageNames = {"legacy", "efi:x86_64"};
  }
  options.cross = arguments.getAll("--cross");
  // A firmware without a network stack of its own can boot only a driver
  // that keeps iPXE's own boot path (verify/firmware's table says which).
  for (const verify::FirmwareSpec &firmware : verify::firmwareTable())
    if (!firmware.ownNetworkStack)
      options.ownBootPathImages.push_back(firmware.imageKind);
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
  options.compressionLevel = *level;
  auto layout = pipeline::parseLayout(arguments.get("--layout").value_or(
      pipeline::layoutName(pipeline::kDefaultLayout).str()));
  if (!layout)
    return layout.takeError();
  options.layout = *layout;
  options.romfit = romfitExecutable();

  auto outcome = pipeline::runBuild(options);
  if (!outcome)
    return outcome.takeError();

  int status = kExitOk;
  for (const pipeline::RomBuild &rom : outcome->graph.roms) {
    auto romStatus = reportRom(outcome->graph, rom, *budget);
    if (!romStatus)
      return romStatus.takeError();
    status = std::max(status, *romStatus);
  }
  RomProofs proofs;
  if (arguments.has("--no-verify")) {
    fmt::print("not verified (--no-verify): no ROM was booted; each is ID.unverified.rom\n");
    for (const pipeline::RomBuild &rom : outcome->graph.roms) {
      proofs[rom.romId].why = "unverified (--no-verify)";
      if (llvm::Error error = verify::publishRom(publishedNames(outcome->graph, rom.romId),
                                                 verify::ProofState::Unverified))
        return error;
    }
  } else {
    auto verified = verifyBuiltRoms(arguments, options, outcome->graph, proofs);
    if (!verified)
      return verified.takeError();
    status = std::max(status, *verified);
  }
  if (outcome->graph.roms.size() > 1 || arguments.has("--rom-set"))
    printSetSummary(arguments, outcome->graph, *budget, proofs);
  if (llvm::Error error = installRoms(arguments, outcome->graph, proofs))
    return error;
  return status;
}

RegisterCommand registration{
    CommandSpec{
        "build",
        "build iPXE ROMs that fit: make, prune each EFI driver's link, pack, check",
        "--ipxe SRC (--rom ID [--rom ID]... | --rom-set qemu) [--image KIND]... [--config NAME]\n"
        "       [--rules FILE] [--install-dir DIR] [--cross ARCH=PREFIX]...\n"
        "       [--layout similarity|link-order]\n"
        "       [--budget SIZE] [-j N] [--verify|--no-verify] [--depth full|dhcp]\n"
        "       [--boot-programs DIR] [--expect LINE]... -o OUTDIR",
        "Runs iPXE's own make for the objects, archives, version objects and elf2efi,\n"
        "learns each EFI link from `make -n V=1` (one per architecture, which also says\n"
        "whether its bin directory is up to date: then no other make runs there), and\n"
        "writes OUTDIR/build.ninja: prune\n"
        "(romfit prune with the rule set), stub compile, pruned and unpruned links,\n"
        "elf2efi, and the pruned and unpruned ROMs (OUTDIR/ID/packed.rom, OUTDIR/ID.unpruned.rom;\n"
        "the unpruned one, the comparison, at the fast level: EDK2 EfiRom's strategy).\n"
        "The pruned driver is linked twice: in link order, then with a copy of the\n"
        "linker script (romfit layout) that orders its .text.* and .rodata.* sections\n"
        "by similarity, which the EFI compression's 8 KiB window rewards (--layout\n"
        "link-order links it once, as the unpruned one is).\n"
        "ninja then runs what changed. The makes are asked again (make -q) until none\n"
        "has work left (a bin directory's first build leaves the others stale once), so\n"
        "a second build with nothing changed runs nothing, make or ninja.\n"
        "Images (--image): legacy, efi:x86_64, efi:i386, efi:arm64, efi:riscv64,\n"
        "efi:loong64;\n"
        "QEMU's legacy + efi:i386 + efi:x86_64 by default, packed in that order.\n"
        "arm64, riscv64 and loong64 are cross-compiled: --cross arm64=aarch64-linux-gnu-\n"
        "--cross riscv64=riscv64-linux-gnu- --cross loong64=loongarch64-linux-gnu- give\n"
        "each its CROSS (a compiler the host lacks is the Debian 13 root's, made by\n"
        "scripts/setup-debian13), and one build makes\n"
        "them all (make runs once per bin directory, each with its own CROSS; the\n"
        "host's architectures get none). --cross PREFIX alone is the one prefix the\n"
        "images need. An image with no prefix for it is an error before make runs.\n"
        "riscv64 and loong64 images are proven on Debian 13's RISC-V and LoongArch\n"
        "EDK2, which have no network stack of their own: their drivers keep iPXE's\n"
        "own boot path under any --config (an overlay in config/local/CONFIG/) and\n"
        "--rules auto prunes them under efi-netboot.rules (else, where its preconditions\n"
        "fail, efi-full-ux.rules: never a set that cuts LoadFile); loong64's boot program is\n"
        "the tree's own bin-loong64-efi/snponly.efi, made beside the driver.\n"
        "Every pruned ROM (OUTDIR/ID/packed.rom) is then proven as `romfit verify --boot`\n"
        "proves it, image by image, wherever QEMU, the firmware and the boot programs are\n"
        "installed (what is missing leaves its images 'not verified', named). Its name\n"
        "says where the proof stands: OUTDIR/ID.unverified.rom until it passes (and\n"
        "after --no-verify or an interrupt), then OUTDIR/ID.rom; OUTDIR/ID.failed.rom\n"
        "when it failed. Passed proofs are recorded in OUTDIR/proofs.json, keyed by the\n"
        "ROM's bytes and the QEMU, firmware and boot program files: an unchanged ROM is\n"
        "not booted again (--reverify boots it).\n"
        "With several ROMs (or --rom-set) a table ends the run: each ROM's shipped name,\n"
        "bytes, share of the budget and proof verdict. --install-dir DIR then copies\n"
        "every proven ROM (under --no-verify: every ROM) to DIR under that name.\n"
        "exit status: 0 every ROM fits and none failed its boot proof, 1 a ROM is over\n"
        "budget or failed its proof, 2 usage, input, make or link errors (and, with\n"
        "--verify, a firmware or boot program that is missing); interrupted (SIGINT,\n"
        "SIGTERM): it ends by that signal, and no ROM is marked proven or failed.",
        withProofOptions({
            {{"--ipxe"}, "SRC", "the iPXE source tree (its top or its src/)"},
            {{"--rom"}, "ID", "a ROM to build, 8 hex digits (e.g. 8086100e); repeatable", true},
            {{"--rom-set"}, "SET",
             "qemu: QEMU's 8 NIC ROMs, legacy + efi:x86_64 unless --image says otherwise, "
             "named as QEMU names them (efi-e1000.rom, ...)"},
            {{"--install-dir"}, "DIR",
             "copy each proven ROM here, under its shipped name"},
            {{"--image"}, "KIND", "an image to put in each ROM; repeatable", true},
            {{"--config"}, "NAME", "iPXE's CONFIG (e.g. qemu)"},
            {{"--rules"}, "FILE",
             "the rule set, or auto (default): the strongest built-in set whose preconditions "
             "hold on each link"},
            {{"--cross"}, "ARCH=PREFIX",
             "iPXE's CROSS for one architecture (arm64, riscv64), e.g. "
             "arm64=aarch64-linux-gnu-; repeatable. PREFIX alone: for the one the images need",
             true},
            {{"--budget"}, "SIZE", "size budget (default 256KiB)"},
            {{"--level"}, "LEVEL", "EFI compression: optimal (smallest, default) or fast"},
            {{"--layout"}, "LAYOUT",
             "the pruned EFI driver's .text.*/.rodata.* order: similarity (default: similar "
             "code within the compressor's 8 KiB window) or link-order"},
            {{"-j"}, "N", "parallel jobs for make and ninja"},
            {{"--verify"}, "", "require the boot proof: a missing firmware is an error"},
            {{"--no-verify"}, "", "skip the boot proof: each ROM is then ID.unverified.rom"},
            {{"--reverify"}, "",
             "boot every ROM, even one whose proof OUTDIR/proofs.json already records"},
            {{"--nic"}, "MODEL", "the QEMU NIC for the proof (default: QEMU's for the ROM ID)"},
            {{"-o", "--output"}, "OUTDIR", "where build.ninja and the outputs go"},
        }),
        0,
        0,
    },
    runBuild};

} // namespace
} // namespace romfit::driver
