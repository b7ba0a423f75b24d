// romfit shrink: searches, with the boot proof as the oracle, for the driver
// table entries a rule set can drop, and writes them as a rule set to read,
// not to install: shrink finds candidates, reasons decide.
#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "driver/command.h"
#include "driver/data_directory.h"
#include "pipeline/build_layout.h"
#include "prune/rule_set.h"
#include "pipeline/ipxe_targets.h"
#include "prune/prune_record.h"
#include "prune/shrink.h"
#include "support/byte_sizes.h"
#include "support/error.h"
#include "support/file_io.h"
#include "support/interrupt.h"
#include "support/process_runner.h"

namespace romfit::driver {
namespace {

// What the full network boots do not exercise, said with every result.
constexpr const char *kNotExercised =
    "link loss and recovery, multicast, IPv6, VLAN-tagged networks, a second NIC, "
    "the driver's unload, and the firmware's setup menus";

struct ShrinkSetup {
  std::vector<std::string> buildArguments;  // romfit build's, without --rules and -o
  std::string romId;
  std::vector<pipeline::ImageKind> images;
  std::string baseRules;      // rule-set text that extends the base set
  std::string baseRulesPath;
  std::string outDir;
};

// Runs `romfit build` with `rules` into OUTDIR/trial; a trial passes when
// the build (its budget check and boot proof included) exits 0.
llvm::Expected<prune::ShrinkTrial> runTrial(const ShrinkSetup &setup, const std::string &rules,
                                            size_t number) {
  pipeline::BuildLayout layout(setup.outDir + "/trial");
  std::string rulesPath = setup.outDir + "/trial.rules";
  if (llvm::Error error = writeFileAtomically(rulesPath, llvm::StringRef(rules)))
    return error;
  std::vector<std::string> command = {romfitExecutable(), "build"};
  command.insert(command.end(), setup.buildArguments.begin(), setup.buildArguments.end());
  command.insert(command.end(), {"--rules", rulesPath, "-o", layout.outDir()});
  std::string log = fmt::format("{}/trial-{}.log", setup.outDir, number);
  auto started = std::chrono::steady_clock::now();
  auto process = support::systemProcessRunner().start(command, log, log);
  if (!process)
    return process.takeError();
  std::optional<int> status;
  while (!(status = (*process)->exitStatus())) {
    if (support::interruptSignal())
      return support::interruptedError();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  prune::ShrinkTrial trial;
  trial.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  trial.passed = *status == 0;
  if (*status == 2)
    return makeError("trial {}: romfit build could not build (exit 2); see {}", number, log);
  // What pack wrote, whatever its proof made of the name.
  uint64_t size = 0;
  if (!llvm::sys::fs::file_size(layout.packedRom(setup.romId), size))
    trial.romBytes = size;
  trial.verdict = trial.passed ? "every boot passed" : fmt::format("failed (see {})", log);
  return trial;
}

// The removals shrink may propose: every member the baseline's prune kept
// back for a table, from each image's prune.json.
llvm::Expected<std::vector<prune::ShrinkCandidate>> candidatesOf(const ShrinkSetup &setup) {
  std::vector<prune::ShrinkCandidate> candidates;
  pipeline::BuildLayout layout(setup.outDir + "/trial");
  for (const pipeline::ImageKind &kind : setup.images) {
    if (!kind.efi)
      continue;  // legacy images are not pruned
    auto parsed = prune::readPruneRecord(
        layout.imageFile(setup.romId, kind.name, pipeline::ImageFile::PruneRecord));
    if (!parsed)
      return parsed.takeError();
    for (const auto &kept : parsed->keptRequires) {
      if (kept.table.empty() || kept.entries.empty())
        continue;
      bool seen = llvm::any_of(candidates, [&](const prune::ShrinkCandidate &candidate) {
        return candidate.table == kept.table && candidate.entries == kept.entries;
      });
      if (!seen)
        candidates.push_back({kept.table, kept.entries, kept.symbol, kept.bytes});
    }
  }
  // Largest first, so ddmin's first halves hold the removals worth most.
  llvm::stable_sort(candidates, [](const prune::ShrinkCandidate &a, const prune::ShrinkCandidate &b) {
    return a.bytes > b.bytes;
  });
  return candidates;
}

std::string candidateText(const prune::ShrinkCandidate &candidate) {
  return fmt::format("{} {} ({}, {} B)", candidate.table, llvm::join(candidate.entries, " "),
                     candidate.member, withThousands(candidate.bytes));
}

llvm::Expected<int> runShrink(const ParsedArguments &arguments) {
  ShrinkSetup setup;
  setup.outDir = arguments.get("--output").value_or("");
  auto ipxe = arguments.get("--ipxe");
  auto rom = arguments.get("--rom");
  if (setup.outDir.empty() || !ipxe || !rom)
    return makeError("'romfit shrink' needs --ipxe SRC, --rom ID and -o OUTDIR");
  setup.romId = *rom;
  setup.buildArguments = {"--ipxe", *ipxe, "--rom", *rom, "--verify"};
  for (const char *option : {"--config", "--boot-programs"})
    if (auto value = arguments.get(option))
      setup.buildArguments.insert(setup.buildArguments.end(), {option, *value});
  for (const std::string &cross : arguments.getAll("--cross"))
    setup.buildArguments.insert(setup.buildArguments.end(), {"--cross", cross});
  for (const std::string &image : arguments.getAll("--image")) {
    auto kind = pipeline::parseImageKind(image);
    if (!kind)
      return kind.takeError();
    setup.images.push_back(std::move(*kind));
    setup.buildArguments.insert(setup.buildArguments.end(), {"--image", image});
  }
  if (setup.images.empty())
    setup.images = pipeline::defaultImageKinds();
  if (auto path = arguments.get("--rules")) {
    setup.baseRulesPath = *path;
  } else {
    auto directory = builtInRulesDirectory();
    if (!directory)
      return directory.takeError();
    setup.baseRulesPath = *directory + "/efi-downgrade-ux.rules";
  }
  // Trials and shrunk.rules extend the base set by its absolute path rather
  // than copying its text: a base that itself extends a set beside it (as
  // efi-snp-only.rules does) then still resolves from OUTDIR.
  auto base = prune::loadRuleSet(setup.baseRulesPath);
  if (!base)
    return base.takeError();
  llvm::SmallString<256> absoluteBase(setup.baseRulesPath);
  if (std::error_code error = llvm::sys::fs::make_absolute(absoluteBase))
    return makeError("{}: cannot make the path absolute: {}", setup.baseRulesPath,
                     error.message());
  setup.baseRules = fmt::format("# romfit shrink's base rule set, then what shrink drops\n"
                                "extends {}\n",
                                absoluteBase.str());
  if (std::error_code error = llvm::sys::fs::create_directories(setup.outDir))
    return makeError("{}: cannot create directory: {}", setup.outDir, error.message());

  // The baseline must pass, or there is nothing to shrink from.
  fmt::print("shrink: baseline: {} under {}\n", setup.romId, setup.baseRulesPath);
  auto baseline = runTrial(setup, setup.baseRules, 0);
  if (!baseline)
    return baseline.takeError();
  if (!baseline->passed)
    return makeError("the baseline build does not pass its boot proof: {}", baseline->verdict);
  auto candidates = candidatesOf(setup);
  if (!candidates)
    return candidates.takeError();
  fmt::print("shrink: baseline {} B, passed in {:.1f} s; {} candidate removal{}:\n",
             withThousands(baseline->romBytes), baseline->seconds, candidates->size(),
             candidates->size() == 1 ? "" : "s");
  for (const prune::ShrinkCandidate &candidate : *candidates)
    fmt::print("  {}\n", candidateText(candidate));
  std::fflush(stdout);

  std::string log;
  size_t number = 0;
  auto oracle = [&](const std::vector<size_t> &removed) -> llvm::Expected<prune::ShrinkTrial> {
    std::string rulesText =
        setup.baseRules + "\n" + prune::dropRules(*candidates, removed, "romfit shrink trial");
    auto trial = runTrial(setup, rulesText, ++number);
    if (!trial)
      return trial.takeError();
    std::vector<std::string> names;
    for (size_t index : removed)
      names.push_back((*candidates)[index].member);
    std::string line = fmt::format("trial {}: without {}: {} B, {}, {:.1f} s", number,
                                   names.empty() ? "nothing" : llvm::join(names, " "),
                                   withThousands(trial->romBytes),
                                   trial->passed ? "PASS" : "FAIL", trial->seconds);
    fmt::print("  {}\n", line);
    std::fflush(stdout);  // trials take a while: show each as it ends
    log += line + "\n";
    return trial;
  };
  auto outcome = prune::shrinkByDeltaDebugging(candidates->size(), oracle);
  if (!outcome)
    return outcome.takeError();

  // The result, rebuilt so OUTDIR/trial holds it, and written as a rule set.
  uint64_t shrunkBytes = baseline->romBytes;
  for (const prune::ShrinkTrial &trial : outcome->trials)
    if (trial.passed && trial.removed == outcome->removed)
      shrunkBytes = trial.romBytes;
  std::vector<std::string> removedNames;
  for (size_t index : outcome->removed)
    removedNames.push_back(candidateText((*candidates)[index]));
  std::string why = fmt::format(
      "found by romfit shrink ({} trials): with the {} drop{} here together the ROM went from "
      "{} to {} B and every full network boot passed; not exercised: {}. A rule for the "
      "default set needs a reason read in the code, not only this evidence.",
      outcome->trials.size(), outcome->removed.size(), outcome->removed.size() == 1 ? "" : "s",
      withThousands(baseline->romBytes), withThousands(shrunkBytes), kNotExercised);
  std::string shrunk = setup.baseRules + "\n" + prune::dropRules(*candidates, outcome->removed, why);
  std::string shrunkPath = setup.outDir + "/shrunk.rules";
  if (llvm::Error error = writeFileAtomically(shrunkPath, llvm::StringRef(shrunk)))
    return error;
  if (llvm::Error error = writeFileAtomically(setup.outDir + "/shrink-log.txt", llvm::StringRef(log)))
    return error;
  double seconds = baseline->seconds;
  size_t passes = 0;
  for (const prune::ShrinkTrial &trial : outcome->trials) {
    seconds += trial.seconds;
    passes += trial.passed;
  }
  fmt::print("shrink: {} trials ({} passed) in {:.0f} s; removable: {}\n", outcome->trials.size(),
             passes, seconds, removedNames.empty() ? "nothing" : llvm::join(removedNames, "; "));
  fmt::print("shrink: {} -> {} B; rule set: {}; trial log: {}/shrink-log.txt\n",
             withThousands(baseline->romBytes), withThousands(shrunkBytes), shrunkPath,
             setup.outDir);
  fmt::print("shrink: not exercised by the boots: {}\n", kNotExercised);
  return kExitOk;
}

RegisterCommand registerShrink(
    CommandSpec{
        .name = "shrink",
        .summary = "find, by full network boots, which driver-table entries a driver can lose",
        .usage = "--ipxe SRC --rom ID [--image KIND]... [--config NAME]\n"
                 "       [--cross ARCH=PREFIX]... [--rules BASE] [--boot-programs DIR] -o OUTDIR",
        .description =
            "Builds the ROM under BASE (default: the built-in efi-downgrade-ux.rules) and\n"
            "proves it; every member its prune kept back for a driver table becomes a\n"
            "candidate removal ('table-entries TABLE drop ENTRY...'). Delta debugging\n"
            "(ddmin) then tries removing all of them, halves, quarters, ... relinking and\n"
            "re-proving every image each time (romfit build --verify into OUTDIR/trial), and\n"
            "keeps a removal only when every full network boot passes. Writes\n"
            "OUTDIR/shrunk.rules (BASE plus a drop rule per removed member, each with the\n"
            "member's own bytes in the unpruned link, from prune.json, then the evidence and\n"
            "what the boots do not exercise) and OUTDIR/shrink-log.txt (every trial: what it\n"
            "removed, bytes, verdict, seconds). Evidence is not a reason: read the code before\n"
            "a drop goes into a rule set others use.",
        .options =
            {
                {{"--ipxe"}, "SRC", "the iPXE source tree"},
                {{"--rom"}, "ID", "the ROM, 8 hex digits"},
                {{"--image"}, "KIND", "an image to build and prove; repeatable", true},
                {{"--config"}, "NAME", "iPXE's CONFIG (e.g. qemu)"},
                {{"--cross"}, "ARCH=PREFIX", "iPXE's CROSS for one architecture, as romfit build "
                 "takes it; repeatable", true},
                {{"--rules"}, "BASE", "the rule set to shrink from (table-consumers)"},
                {{"--boot-programs"}, "DIR", "where the boot programs are"},
                {{"-o", "--output"}, "OUTDIR", "trials, the rule set and the log"},
            },
        .maxPositionals = 0,
    },
    runShrink);

} // namespace
} // namespace romfit::driver
