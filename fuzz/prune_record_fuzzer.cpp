// prune.json as build's table, report and shrink read it. A record that
// parses is written out and read back: the writer's text must parse to the
// same record (the same text again).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "rules/prune_record.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  auto record = romfit::rules::parsePruneRecord(text, "prune.json");
  if (!record) {
    llvm::consumeError(record.takeError());
    return 0;
  }
  (void)romfit::rules::removedSummary(*record);
  std::string written = romfit::rules::pruneRecordText(*record);
  auto reread = romfit::rules::parsePruneRecord(written, "prune.json");
  if (!reread || romfit::rules::pruneRecordText(*reread) != written)
    std::abort();  // the writer wrote what the reader refuses or changes
  return 0;
}
