#pragma once
// DIR/history.json: one record per commit, in the order history met them.
// Records are only ever appended (a rerun keeps every earlier record as it
// was), so a run that is interrupted, or a later run over a longer range,
// picks up what is already measured.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/JSON.h>

namespace romfit::history {

struct ImageBytes {
  uint64_t bytes = 0;                        // the image's bytes in the ROM file
  std::map<std::string, uint64_t> members;   // each member's share of them
};

struct RomBytes {
  uint64_t bytes = 0;           // the pruned ROM file
  uint64_t unprunedBytes = 0;   // the unpruned comparison ROM (EFI drivers only)
  std::map<std::string, ImageBytes> images;          // "legacy", "efi:x86_64"
  std::map<std::string, ImageBytes> unprunedImages;  // "efi:x86_64"
  bool operator==(const RomBytes &other) const;
};
bool operator==(const ImageBytes &a, const ImageBytes &b);

// An unpruned image is named as its pruned one, and this.
inline constexpr llvm::StringLiteral kUnprunedSuffix = " unpruned";

enum class Outcome { Built, Skipped, Failed };
llvm::StringRef outcomeName(Outcome outcome);

struct CommitRecord {
  std::string commit;
  std::string subject;
  Outcome outcome = Outcome::Built;
  std::string reason;   // why it was built, skipped, or why its build failed
  std::string sameAs;   // Skipped: the built commit whose bytes it has
  double seconds = 0;   // Built, Failed: the build's wall time
  std::map<std::string, RomBytes> roms;  // by ROM ID; empty when Failed
};

// The built commit whose bytes a record has: itself, or the one it was
// skipped for; none for a failed build.
std::optional<std::string> builtCommitOf(const CommitRecord &record);

struct History {
  // What every build of this history was asked for (romfit build's
  // arguments, less the source tree and OUTDIR): another request needs
  // another DIR, or the records would mix two different ROMs.
  std::string buildRequest;
  std::vector<CommitRecord> records;
  const CommitRecord *find(llvm::StringRef commit) const;
};

// A missing file is an empty history.
llvm::Expected<History> readHistory(llvm::StringRef path);
llvm::Error writeHistory(llvm::StringRef path, const History &history);

llvm::json::Value imageBytesJson(const ImageBytes &image);

} // namespace romfit::history
