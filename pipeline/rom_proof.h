#pragma once
// The proof step of `romfit build`, after pack: each built ROM booted on the
// firmware of each of its images (verify/), or taken from OUTDIR/proofs.json
// when the same bytes already passed on the same files, then named for where
// its proof stands (verify/published_rom), and the proven ones installed.
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <llvm/Support/Error.h>

#include "pipeline/build_graph.h"
#include "pipeline/ipxe_build.h"
#include "verify/boot_check.h"
#include "verify/proof_record.h"
#include "verify/published_rom.h"
#include "verify/rom_verification.h"

namespace romfit::pipeline {

// What the build says of one ROM's proof: the set table, the install step
// and the exit status read it.
struct RomProof {
  verify::ProofState state = verify::ProofState::Unverified;
  std::string why;         // unverified: why not (--no-verify, a missing firmware)
  std::string recordedAt;  // proven by an earlier build's boots (proofs.json), when
};
using RomProofs = std::map<std::string, RomProof>;  // by ROM ID

// "passed", "passed (recorded T)", "FAILED", or why it is unverified.
std::string proofColumn(const RomProof &proof);

verify::PublishedRomNames publishedNames(const BuildGraphInputs &graph, const std::string &romId);

struct BuildProofRequest {
  verify::BootCheckRequest boot;  // depth, boot programs, expected lines
  bool required = false;          // --verify: a missing firmware is an error
  bool reverify = false;          // boot even what proofs.json records
  std::optional<std::string> nic; // else QEMU's model for the ROM ID
};

class BuildProof {
public:
  // Locates QEMU, the firmwares and the boot programs (making the tree's own
  // where Debian has none, loong64's snponly.efi), and reads proofs.json. An
  // unreadable record is a warning (recordWarning), and every ROM boots.
  static llvm::Expected<BuildProof> prepare(const BuildOptions &options,
                                            const BuildGraphInputs &graph,
                                            BuildProofRequest request);
  const std::string &recordWarning() const { return warning; }

  // Proves every ROM of the graph, printing each verdict to `out` as it is
  // known. A ROM is ID.unverified.rom while it boots, then ID.rom on a pass
  // (recorded in proofs.json) or ID.failed.rom on a failure. An interrupt is
  // an error, never a verdict: the ROM being booted stays unverified.
  llvm::Expected<RomProofs> proveAll(std::FILE *out);

private:
  BuildProof() = default;
  const BuildGraphInputs *graph = nullptr;
  BuildProofRequest request;
  std::vector<verify::MissingFirmware> missing;
  verify::BootTools tools;
  std::string recordPath;
  std::string warning;
  verify::ProofRecord record;
};

// --no-verify: every ROM named ID.unverified.rom, for the reason given.
llvm::Expected<RomProofs> leaveUnverified(const BuildGraphInputs &graph, llvm::StringRef why);

bool anyFailed(const RomProofs &proofs);

// The table that ends a build of several ROMs, one row each: what a packager
// reads before shipping the set (shipped name, ID, bytes, share of the
// budget, proof).
std::string romSetTable(const BuildGraphInputs &graph, uint64_t budget, const RomProofs &proofs,
                        const std::function<std::string(const std::string &romId)> &shippedName);

struct InstallRequest {
  std::string directory;
  bool unverifiedToo = false;  // --no-verify: the user chose to go without the proof
  // The file name a ROM ships under (QEMU's for --rom-set qemu).
  std::function<std::string(const std::string &romId)> shippedName;
};

// Copies the proven ROMs (and, when asked, the unverified ones) into the
// directory under their shipped names, each written whole or not at all;
// says on `out` what it installed and what it left out, and why.
llvm::Error installRoms(const BuildGraphInputs &graph, const RomProofs &proofs,
                        const InstallRequest &request, std::FILE *out);

} // namespace romfit::pipeline
