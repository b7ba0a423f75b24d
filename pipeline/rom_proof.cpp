#include "pipeline/rom_proof.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <llvm/ADT/STLExtras.h>
#include <llvm/Support/FileSystem.h>

#include "pipeline/build_layout.h"
#include "pipeline/ipxe_targets.h"
#include "support/byte_sizes.h"
#include "support/error.h"
#include "support/file_io.h"
#include "verify/firmware.h"
#include "verify/rom_verification.h"
#include "verify/verification_report.h"

namespace romfit::pipeline {

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

verify::PublishedRomNames publishedNames(const BuildGraphInputs &graph, const std::string &romId) {
  BuildLayout layout = layoutOf(graph);
  return {layout.packedRom(romId), layout.unverifiedRom(romId), layout.provenRom(romId),
          layout.failedRom(romId)};
}

namespace {

// Where Debian has no boot program for an image's firmware (loong64), the
// tree's own iPXE serves: its snponly.efi, made beside the driver, unless
// --boot-program named one.
llvm::Error makeTreeBootPrograms(const BuildOptions &options, verify::BootCheckRequest &request) {
  if (!request.servesBootPrograms())
    return llvm::Error::success();
  for (const verify::FirmwareSpec &firmware : verify::firmwareTable()) {
    bool given = llvm::any_of(request.bootPrograms.given,
                              [&](const auto &entry) { return entry.first == firmware.imageKind; });
    if (firmware.bootProgram.source != verify::ToolSource::GivenByUser || given ||
        !llvm::is_contained(options.imageNames, firmware.imageKind))
      continue;
    auto kind = parseImageKind(firmware.imageKind);
    if (!kind)
      return kind.takeError();
    auto program = makeTreeFile(options, *kind, firmware.bootProgram.fileName);
    if (!program)
      return program.takeError();
    request.bootPrograms.given.emplace_back(firmware.imageKind, *program);
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<BuildProof> BuildProof::prepare(const BuildOptions &options,
                                               const BuildGraphInputs &graph,
                                               BuildProofRequest request) {
  BuildProof proof;
  proof.graph = &graph;
  proof.request = std::move(request);
  if (llvm::Error error = makeTreeBootPrograms(options, proof.request.boot))
    return error;
  std::vector<verify::Firmware> all = verify::allFirmwares();
  proof.tools = verify::locateAvailableTools({}, all, proof.request.boot, proof.missing);
  proof.recordPath = layoutOf(graph).proofRecord();
  proof.record = verify::ProofRecord::load(proof.recordPath, &proof.warning);
  return proof;
}

llvm::Expected<RomProofs> BuildProof::proveAll(std::FILE *out) {
  verify::BootCheckRequest &boot = request.boot;
  RomProofs proofs;
  for (const RomBuild &rom : graph->roms) {
    verify::PublishedRomNames names = publishedNames(*graph, rom.romId);
    auto bytes = readFileBytes(names.built);
    if (!bytes)
      return bytes.takeError();
    auto plan = verify::planRomVerification(*bytes, names.built);
    if (!plan)
      return plan.takeError();
    if (request.required)
      for (verify::Firmware firmware : verify::firmwaresNeeded(*plan))
        for (const verify::MissingFirmware &gap : missing)
          if (gap.firmware == firmware)
            return makeError("--verify: cannot prove ROM {}: {}", rom.romId, gap.reason);
    boot.firmwares = verify::firmwaresNeeded(*plan);
    boot.nicModel = request.nic.value_or(qemuNicModel(rom.romId));
    if (boot.nicModel.empty())
      return makeError("no QEMU NIC is known for ROM {}: give --nic MODEL, or --no-verify",
                       rom.romId);
    auto key = record.keyFor(*bytes, tools, boot, boot.firmwares);
    if (!key)
      return key.takeError();
    const verify::RecordedProof *recorded = record.find(*key);
    if (recorded && !request.reverify) {
      if (llvm::Error error = verify::publishRom(names, verify::ProofState::Proven))
        return error;
      fmt::print(out,
                 "verify {} ({}, depth {}): passed at {}, recorded in {}; not booted again "
                 "(--reverify boots it):\n{}",
                 rom.romId, boot.nicModel, verify::depthName(boot.depth).str(), recorded->provedAt,
                 recordPath, recorded->verdict);
      proofs[rom.romId] = {verify::ProofState::Proven, "", recorded->provedAt};
      continue;
    }
    // Unproven until the boots below pass, whatever an earlier build proved.
    if (llvm::Error error = verify::publishRom(names, verify::ProofState::Unverified))
      return error;
    boot.romPath = names.unverified;
    auto verification = verify::verifyRom(tools, boot, *plan, missing);
    if (!verification)
      return verification.takeError();
    std::string verdict = fmt::format("{}  {}\n", verify::verificationText(*verification),
                                      verify::verificationSummary(*verification));
    fmt::print(out, "verify {} ({}, depth {}):\n{}", rom.romId, boot.nicModel,
               verify::depthName(boot.depth).str(), verdict);
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
      fmt::print(out, "  {} failed its boot proof: moved to {}\n", rom.romId, names.failed);
    } else {
      outcome.why = "not verified";
    }
    if (llvm::Error error = verify::publishRom(names, outcome.state))
      return error;
  }
  return proofs;
}

llvm::Expected<RomProofs> leaveUnverified(const BuildGraphInputs &graph, llvm::StringRef why) {
  RomProofs proofs;
  for (const RomBuild &rom : graph.roms) {
    proofs[rom.romId].why = why.str();
    if (llvm::Error error =
            verify::publishRom(publishedNames(graph, rom.romId), verify::ProofState::Unverified))
      return error;
  }
  return proofs;
}

bool anyFailed(const RomProofs &proofs) {
  return llvm::any_of(proofs, [](const auto &entry) {
    return entry.second.state == verify::ProofState::Failed;
  });
}

std::string romSetTable(const BuildGraphInputs &graph, uint64_t budget, const RomProofs &proofs,
                        const std::function<std::string(const std::string &romId)> &shippedName) {
  std::vector<std::array<std::string, 5>> rows = {{"ROM", "ID", "bytes", "budget", "boot proof"}};
  for (const RomBuild &rom : graph.roms) {
    uint64_t size = 0;
    llvm::sys::fs::file_size(layoutOf(graph).packedRom(rom.romId), size);
    rows.push_back({shippedName(rom.romId), rom.romId, withThousands(size),
                    fmt::format("{:.1f}%", 100.0 * double(size) / double(budget)),
                    proofColumn(proofs.at(rom.romId))});
  }
  std::array<size_t, 5> widths{};
  for (const auto &row : rows)
    for (size_t i = 0; i < row.size(); ++i)
      widths[i] = std::max(widths[i], row[i].size());
  std::string text = "\n";
  for (const auto &row : rows)
    text += fmt::format("{:<{}}  {:<{}}  {:>{}}  {:>{}}  {}\n", row[0], widths[0], row[1],
                        widths[1], row[2], widths[2], row[3], widths[3], row[4]);
  return text;
}

llvm::Error installRoms(const BuildGraphInputs &graph, const RomProofs &proofs,
                        const InstallRequest &request, std::FILE *out) {
  if (std::error_code error = llvm::sys::fs::create_directories(request.directory))
    return makeError("{}: cannot create directory: {}", request.directory, error.message());
  for (const RomBuild &rom : graph.roms) {
    const RomProof &proof = proofs.at(rom.romId);
    verify::PublishedRomNames names = publishedNames(graph, rom.romId);
    bool install = proof.state == verify::ProofState::Proven ||
                   (proof.state == verify::ProofState::Unverified && request.unverifiedToo);
    if (!install) {
      fmt::print(out, "not installed: {} ({})\n", rom.romId,
                 proof.state == verify::ProofState::Failed ? "failed its boot proof"
                                                           : "not verified; --no-verify "
                                                             "installs unproven ROMs");
      continue;
    }
    auto bytes = readFileBytes(names.forState(proof.state));
    if (!bytes)
      return bytes.takeError();
    std::string target = request.directory + "/" + request.shippedName(rom.romId);
    if (llvm::Error error = writeFileAtomically(target, *bytes))
      return error;
    fmt::print(out, "installed {}{}\n", target,
               proof.state == verify::ProofState::Proven ? "" : " (not verified: --no-verify)");
  }
  return llvm::Error::success();
}

} // namespace romfit::pipeline
