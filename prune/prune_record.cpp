#include "prune/prune_record.h"

#include <fmt/format.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/raw_ostream.h>

#include "support/byte_sizes.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::prune {

PruneRecord pruneRecordOf(const PruneDecision &decision, const RuleSet &rules,
                          const std::vector<std::string> &ruleSetsPassedOver) {
  PruneRecord record;
  record.rules = rules.path;
  for (const PreconditionCheck &check : decision.preconditions)
    record.preconditions.push_back({check.precondition.text(), check.held, check.evidence});
  record.ruleSetsPassedOver = ruleSetsPassedOver;
  record.archive = decision.archivePath;
  record.membersBefore = int64_t(decision.membersBefore);
  record.membersAfter = int64_t(decision.members.size());
  record.bytesBefore = int64_t(decision.bytesBefore);
  record.bytesAfter = int64_t(decision.bytesAfter);
  record.iterations = int64_t(decision.iterations);
  for (const StubRule &stub : decision.stubs.functions)
    record.stubs.push_back({stub.symbol, stub.returnValue});
  for (const DroppedRequire &require : decision.droppedRequires)
    record.droppedRequires.push_back({require.symbol, require.requiredBy});
  for (const PruneDecision::KeptRequire &require : decision.keptRequires)
    record.keptRequires.push_back({require.symbol, require.table, require.entries, require.bytes});
  for (const PrunedMember &member : decision.members)
    record.members.push_back(member.name);
  for (const PruneDecision::RemovedMember &member : decision.removed)
    record.removedMembers.push_back({member.name, member.bytes});
  return record;
}

llvm::json::Value toJson(const PruneRecord &record) {
  llvm::json::Array preconditions, passedOver, stubs, dropped, kept, members, removed;
  for (const auto &check : record.preconditions)
    preconditions.push_back(llvm::json::Object{
        {"precondition", check.precondition}, {"held", check.held}, {"evidence", check.evidence}});
  for (const std::string &why : record.ruleSetsPassedOver)
    passedOver.push_back(why);
  for (const auto &stub : record.stubs)
    stubs.push_back(llvm::json::Object{{"symbol", stub.symbol}, {"returns", stub.returns}});
  for (const auto &require : record.droppedRequires)
    dropped.push_back(
        llvm::json::Object{{"symbol", require.symbol}, {"required_by", require.requiredBy}});
  for (const auto &require : record.keptRequires) {
    llvm::json::Array entries;
    for (const std::string &entry : require.entries)
      entries.push_back(entry);
    kept.push_back(llvm::json::Object{
        {"symbol", require.symbol},
        {"table", require.table},
        {"entries", std::move(entries)},
        {"bytes", int64_t(require.bytes)}});
  }
  for (const std::string &member : record.members)
    members.push_back(member);
  for (const auto &member : record.removedMembers)
    removed.push_back(llvm::json::Object{{"name", member.name}, {"bytes", int64_t(member.bytes)}});
  return llvm::json::Object{
      {"rules", record.rules},
      {"preconditions", std::move(preconditions)},
      {"rule_sets_passed_over", std::move(passedOver)},
      {"archive", record.archive},
      {"members_before", record.membersBefore},
      {"members_after", record.membersAfter},
      {"bytes_before", record.bytesBefore},
      {"bytes_after", record.bytesAfter},
      {"iterations", record.iterations},
      {"stubs", std::move(stubs)},
      {"dropped_requires", std::move(dropped)},
      {"kept_requires", std::move(kept)},
      {"members", std::move(members)},
      {"removed_members", std::move(removed)},
  };
}

std::string pruneRecordText(const PruneRecord &record) {
  std::string text;
  llvm::raw_string_ostream stream(text);
  stream << llvm::formatv("{0:2}", toJson(record)) << "\n";
  stream.flush();
  return text;
}

namespace {

// Reads one object's fields, remembering the first that is missing or of
// the wrong type so the caller reports it once, with its path.
class FieldReader {
public:
  FieldReader(const llvm::json::Object &object, std::string where, std::string *problem)
      : object(object), where(std::move(where)), problem(problem) {}

  std::string string(llvm::StringRef key) {
    if (auto value = object.getString(key))
      return value->str();
    fail(key, "a string");
    return "";
  }
  int64_t integer(llvm::StringRef key) {
    if (auto value = object.getInteger(key))
      return *value;
    fail(key, "an integer");
    return 0;
  }
  bool boolean(llvm::StringRef key) {
    if (auto value = object.getBoolean(key))
      return *value;
    fail(key, "true or false");
    return false;
  }
  const llvm::json::Array *array(llvm::StringRef key) {
    if (const llvm::json::Array *value = object.getArray(key))
      return value;
    fail(key, "an array");
    return nullptr;
  }

private:
  void fail(llvm::StringRef key, llvm::StringRef expected) {
    if (problem->empty())
      *problem = fmt::format("{}'{}' is missing or not {}", where, key.str(), expected.str());
  }
  const llvm::json::Object &object;
  std::string where;
  std::string *problem;
};

// Calls `read` with a FieldReader for each object of `key`'s array.
template <typename Read>
void forEachObject(FieldReader &fields, llvm::StringRef key, std::string *problem, Read read) {
  const llvm::json::Array *array = fields.array(key);
  if (!array)
    return;
  for (size_t i = 0; i < array->size(); ++i) {
    const llvm::json::Object *object = (*array)[i].getAsObject();
    std::string where = fmt::format("{}[{}]: ", key.str(), i);
    if (!object) {
      if (problem->empty())
        *problem = where + "not an object";
      return;
    }
    FieldReader element(*object, where, problem);
    read(element);
  }
}

void forEachString(FieldReader &fields, llvm::StringRef key, std::string *problem,
                   std::vector<std::string> &out) {
  const llvm::json::Array *array = fields.array(key);
  if (!array)
    return;
  for (size_t i = 0; i < array->size(); ++i) {
    auto text = (*array)[i].getAsString();
    if (!text) {
      if (problem->empty())
        *problem = fmt::format("{}[{}]: not a string", key.str(), i);
      return;
    }
    out.push_back(text->str());
  }
}

} // namespace

llvm::Expected<PruneRecord> parsePruneRecord(llvm::StringRef text, llvm::StringRef path) {
  auto json = llvm::json::parse(text);
  if (!json)
    return makeError("{}: not JSON: {}", path.str(), llvm::toString(json.takeError()));
  const llvm::json::Object *object = json->getAsObject();
  if (!object)
    return makeError("{}: not a JSON object", path.str());
  std::string problem;
  FieldReader fields(*object, "", &problem);
  PruneRecord record;
  record.rules = fields.string("rules");
  forEachObject(fields, "preconditions", &problem, [&](FieldReader &check) {
    record.preconditions.push_back(
        {check.string("precondition"), check.boolean("held"), check.string("evidence")});
  });
  forEachString(fields, "rule_sets_passed_over", &problem, record.ruleSetsPassedOver);
  record.archive = fields.string("archive");
  record.membersBefore = fields.integer("members_before");
  record.membersAfter = fields.integer("members_after");
  record.bytesBefore = fields.integer("bytes_before");
  record.bytesAfter = fields.integer("bytes_after");
  record.iterations = fields.integer("iterations");
  forEachObject(fields, "stubs", &problem, [&](FieldReader &stub) {
    record.stubs.push_back({stub.string("symbol"), stub.integer("returns")});
  });
  forEachObject(fields, "dropped_requires", &problem, [&](FieldReader &require) {
    record.droppedRequires.push_back({require.string("symbol"), require.string("required_by")});
  });
  forEachObject(fields, "kept_requires", &problem, [&](FieldReader &require) {
    PruneRecord::Kept kept{require.string("symbol"), require.string("table"), {}, 0};
    forEachString(require, "entries", &problem, kept.entries);
    int64_t bytes = require.integer("bytes");
    if (bytes < 0 && problem.empty())
      problem = "kept_requires: a negative byte count";
    kept.bytes = uint64_t(std::max<int64_t>(bytes, 0));
    record.keptRequires.push_back(std::move(kept));
  });
  forEachString(fields, "members", &problem, record.members);
  forEachObject(fields, "removed_members", &problem, [&](FieldReader &member) {
    int64_t bytes = member.integer("bytes");
    if (bytes < 0 && problem.empty())
      problem = "removed_members: a negative byte count";
    record.removedMembers.push_back({member.string("name"), uint64_t(std::max<int64_t>(bytes, 0))});
  });
  if (!problem.empty())
    return makeError("{}: {}", path.str(), problem);
  return record;
}

llvm::Expected<PruneRecord> readPruneRecord(llvm::StringRef path) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  return parsePruneRecord((*buffer)->getBuffer(), path);
}

std::string removedSummary(const PruneRecord &record, size_t largestShown) {
  uint64_t total = 0;
  std::string largest;
  for (size_t k = 0; k < record.removedMembers.size(); ++k) {
    const PruneRecord::Removed &member = record.removedMembers[k];
    total += member.bytes;
    if (k < largestShown)
      largest += fmt::format("{}{} {}", k ? ", " : "", member.name, withThousands(member.bytes));
  }
  return fmt::format("{} members, {} B kept by ld in the unpruned link{}",
                     record.removedMembers.size(), withThousands(total),
                     largest.empty() ? "" : " (largest: " + largest + ")");
}

} // namespace romfit::prune
