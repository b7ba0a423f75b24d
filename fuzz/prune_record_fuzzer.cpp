// prune.json as build's table, report and shrink read it. A record that
// parses is written out and read back: the writer's text must parse to the
// same record (the same text again).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "prune/prune_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  auto record = romfit::prune::parsePruneRecord(text, "prune.json");
  if (!record) {
    llvm::consumeError(record.takeError());
    return 0;
  }
  (void)romfit::prune::removedSummary(*record);
  std::string written = romfit::prune::pruneRecordText(*record);
  auto reread = romfit::prune::parsePruneRecord(written, "prune.json");
  if (!reread || romfit::prune::pruneRecordText(*reread) != written)
    std::abort();  // the writer wrote what the reader refuses or changes
  return 0;
}
