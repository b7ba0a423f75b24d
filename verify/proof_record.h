#pragma once
// A passed boot proof is a fact about content: the ROM's bytes, the files
// QEMU ran (its program, the firmware's code and variable store, the boot
// program it served) and what the check looked for (depth, NIC, expected
// lines). Not romfit itself: a new romfit trusts the proofs an older one ran. romfit build records each passed proof under exactly that key in
// OUTDIR/proofs.json, so an unchanged ROM is not booted again, while a
// changed ROM, firmware, boot program or QEMU is. Files are named by their
// SHA-256; a digest is recomputed only when the file's size, modification
// time or inode changed, so the check costs a stat per file.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

#include "verify/boot_check.h"

namespace romfit::verify {

// One file a proof depends on.
struct ProofInput {
  std::string role;    // "ovmf qemu", "ovmf code", "ovmf variables", "ovmf boot program"
  std::string path;    // on the host
  std::string sha256;
  bool operator==(const ProofInput &other) const {
    return role == other.role && path == other.path && sha256 == other.sha256;
  }
};

struct ProofKey {
  std::string romSha256;
  std::string depth;
  std::string nicModel;
  std::vector<std::string> expectedLines;  // the caller's own (--expect), else none
  std::vector<ProofInput> inputs;          // in firmware-table order
  bool operator==(const ProofKey &other) const {
    return romSha256 == other.romSha256 && depth == other.depth && nicModel == other.nicModel &&
           expectedLines == other.expectedLines && inputs == other.inputs;
  }
};

struct RecordedProof {
  std::string romId;
  ProofKey key;
  std::string provedAt;  // UTC, ISO 8601
  std::string verdict;   // the verdict table as it was printed
};

class ProofRecord {
public:
  // A missing file is an empty record. So is one romfit cannot read (it is
  // a cache: the ROMs are booted again); `warning` then says why.
  static ProofRecord load(llvm::StringRef path, std::string *warning = nullptr);
  static ProofRecord parse(llvm::StringRef text, llvm::StringRef path,
                           std::string *warning = nullptr);
  std::string text() const;                      // the file's JSON
  llvm::Error save(llvm::StringRef path) const;  // atomically

  const RecordedProof *find(const ProofKey &key) const;
  // Keeps the latest few proofs per ROM ID (a rebuild that flips between
  // two rule sets still finds both).
  void add(RecordedProof proof);

  // The key of the proof `request` would run on `tools` for `romBytes`.
  // Errors: a file that cannot be read (it was located a moment ago).
  llvm::Expected<ProofKey> keyFor(llvm::ArrayRef<uint8_t> romBytes, const BootTools &tools,
                                  const BootCheckRequest &request,
                                  llvm::ArrayRef<Firmware> firmwares);

  const std::vector<RecordedProof> &proofs() const { return proofs_; }

private:
  llvm::Expected<std::string> digestOf(const std::string &path);
  struct FileDigest {
    uint64_t size = 0;
    int64_t modifiedNs = 0;
    int64_t inode = 0;
    std::string sha256;
  };
  std::vector<RecordedProof> proofs_;
  std::map<std::string, FileDigest> digests_;
};

std::string sha256Hex(llvm::ArrayRef<uint8_t> bytes);
// The time now, as RecordedProof::provedAt spells it.
std::string utcTimestamp();

} // namespace romfit::verify
