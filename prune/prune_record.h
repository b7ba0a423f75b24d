#pragma once
// prune.json: what `romfit prune` decided for one link, written beside the
// relink's inputs and read back by romfit build's size table, the report and
// the tests. One type, one writer and one reader, so the file's fields are
// named in one place.
#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/JSON.h>

#include "prune/prune.h"

namespace romfit::prune {

struct PruneRecord {
  struct PreconditionResult {
    std::string precondition;  // as the rule set writes it
    bool held = false;
    std::string evidence;
  };
  struct Stub {
    std::string symbol;
    int64_t returns = -1;
  };
  struct Dropped {
    std::string symbol, requiredBy;
  };
  struct Kept {
    std::string symbol, table;
    std::vector<std::string> entries;  // the member's entries in that table
    uint64_t bytes = 0;  // allocated bytes ld kept of the member in the unpruned link
  };
  struct Removed {
    std::string name;
    uint64_t bytes = 0;  // allocated bytes ld kept of it in the unpruned link
  };

  std::string rules;  // the rule set's path
  std::vector<PreconditionResult> preconditions;
  std::vector<std::string> ruleSetsPassedOver;  // --rules auto: why each stronger set was not used
  std::string archive;
  int64_t membersBefore = 0, membersAfter = 0;
  int64_t bytesBefore = 0, bytesAfter = 0;
  int64_t iterations = 0;
  std::vector<Stub> stubs;
  std::vector<Dropped> droppedRequires;
  std::vector<Kept> keptRequires;
  std::vector<std::string> members;  // what the relink extracts, in archive order
  std::vector<Removed> removedMembers;  // largest first
};

PruneRecord pruneRecordOf(const PruneDecision &decision, const RuleSet &rules,
                          const std::vector<std::string> &ruleSetsPassedOver);

llvm::json::Value toJson(const PruneRecord &record);
// The file's text: the JSON indented by two, with a final newline.
std::string pruneRecordText(const PruneRecord &record);

// Errors name the file and the field that is missing or of the wrong type.
llvm::Expected<PruneRecord> parsePruneRecord(llvm::StringRef text, llvm::StringRef path);
llvm::Expected<PruneRecord> readPruneRecord(llvm::StringRef path);

// "259 members, 200,955 B kept by ld in the unpruned link (largest: tls.o
// 15,013, ...)": what romfit build's table says the rules removed.
std::string removedSummary(const PruneRecord &record, size_t largestShown = 5);

} // namespace romfit::prune
