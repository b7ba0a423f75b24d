// OUTDIR/proofs.json: a record romfit cannot read is an empty one with a
// warning, never a crash. One it can read is written out and read back to
// the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "verify/proof_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  std::string warning;
  auto record = romfit::verify::ProofRecord::parse(text, "proofs.json", &warning);
  if (!warning.empty()) {
    if (!record.proofs().empty())
      std::abort();  // refused, yet not empty
    return 0;
  }
  std::string written = record.text();
  auto reread = romfit::verify::ProofRecord::parse(written, "proofs.json", &warning);
  if (!warning.empty() || reread.text() != written)
    std::abort();
  return 0;
}
