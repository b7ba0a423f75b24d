#include "history/history_record.h"

#include <llvm/Support/FileSystem.h>

#include "support/error.h"
#include "support/file_io.h"

namespace romfit::history {

namespace json = llvm::json;

bool operator==(const ImageBytes &a, const ImageBytes &b) {
  return a.bytes == b.bytes && a.members == b.members;
}

bool RomBytes::operator==(const RomBytes &other) const {
  return bytes == other.bytes && unprunedBytes == other.unprunedBytes && images == other.images &&
         unprunedImages == other.unprunedImages;
}

llvm::StringRef outcomeName(Outcome outcome) {
  switch (outcome) {
  case Outcome::Built: return "built";
  case Outcome::Skipped: return "skipped";
  case Outcome::Failed: return "failed";
  }
  return "?";
}

std::optional<std::string> builtCommitOf(const CommitRecord &record) {
  switch (record.outcome) {
  case Outcome::Built: return record.commit;
  case Outcome::Skipped: return record.sameAs;
  case Outcome::Failed: return std::nullopt;
  }
  return std::nullopt;
}

const CommitRecord *History::find(llvm::StringRef commit) const {
  for (const CommitRecord &record : records)
    if (record.commit == commit)
      return &record;
  return nullptr;
}

json::Value imageBytesJson(const ImageBytes &image) {
  json::Object members;
  for (const auto &[name, bytes] : image.members)
    members[name] = bytes;
  return json::Object{{"bytes", image.bytes}, {"members", std::move(members)}};
}

namespace {

json::Value imagesJson(const std::map<std::string, ImageBytes> &images) {
  json::Object object;
  for (const auto &[name, image] : images)
    object[name] = imageBytesJson(image);
  return object;
}

json::Value recordJson(const CommitRecord &record) {
  json::Object roms;
  for (const auto &[id, rom] : record.roms)
    roms[id] = json::Object{{"bytes", rom.bytes},
                            {"unpruned_bytes", rom.unprunedBytes},
                            {"images", imagesJson(rom.images)},
                            {"unpruned_images", imagesJson(rom.unprunedImages)}};
  json::Object object{{"commit", record.commit},
                      {"subject", record.subject},
                      {"outcome", outcomeName(record.outcome)},
                      {"reason", record.reason},
                      {"roms", std::move(roms)}};
  if (!record.sameAs.empty())
    object["same_as"] = record.sameAs;
  if (record.outcome != Outcome::Skipped)
    object["seconds"] = std::round(record.seconds * 10) / 10;
  return object;
}

llvm::Error fieldError(llvm::StringRef file, size_t index, llvm::StringRef what) {
  return makeError("{}: record {}: {}", file, index, what);
}

llvm::Expected<std::map<std::string, ImageBytes>> imagesFrom(const json::Object *object,
                                                             llvm::StringRef file, size_t index) {
  std::map<std::string, ImageBytes> images;
  if (!object)
    return images;
  for (const auto &[name, value] : *object) {
    const json::Object *image = value.getAsObject();
    llvm::Optional<int64_t> bytes; if (image) bytes = image->getInteger("bytes");
    if (!bytes || *bytes < 0)
      return fieldError(file, index, "image '" + name.str() + "' has no byte count");
    ImageBytes entry;
    entry.bytes = uint64_t(*bytes);
    if (const json::Object *members = image->getObject("members"))
      for (const auto &[member, count] : *members) {
        auto memberBytes = count.getAsInteger();
        if (!memberBytes || *memberBytes < 0)
          return fieldError(file, index, "member '" + member.str() + "' has no byte count");
        entry.members[member.str()] = uint64_t(*memberBytes);
      }
    images[name.str()] = std::move(entry);
  }
  return images;
}

llvm::Expected<CommitRecord> recordFrom(const json::Value &value, llvm::StringRef file, size_t index) {
  const json::Object *object = value.getAsObject();
  if (!object)
    return fieldError(file, index, "not an object");
  CommitRecord record;
  auto commit = object->getString("commit");
  auto outcome = object->getString("outcome");
  if (!commit || commit->empty())
    return fieldError(file, index, "no commit");
  record.commit = commit->str();
  record.subject = object->getString("subject").getValueOr("").str();
  record.reason = object->getString("reason").getValueOr("").str();
  record.sameAs = object->getString("same_as").getValueOr("").str();
  record.seconds = object->getNumber("seconds").getValueOr(0);
  if (outcome == llvm::StringRef("built"))
    record.outcome = Outcome::Built;
  else if (outcome == llvm::StringRef("skipped"))
    record.outcome = Outcome::Skipped;
  else if (outcome == llvm::StringRef("failed"))
    record.outcome = Outcome::Failed;
  else
    return fieldError(file, index, "outcome is not built, skipped or failed");
  if (record.outcome == Outcome::Skipped && record.sameAs.empty())
    return fieldError(file, index, "a skipped commit names no built commit (same_as)");
  if (const json::Object *roms = object->getObject("roms"))
    for (const auto &[id, romValue] : *roms) {
      const json::Object *rom = romValue.getAsObject();
      if (!rom || !rom->getInteger("bytes"))
        return fieldError(file, index, "ROM '" + id.str() + "' has no byte count");
      RomBytes bytes;
      bytes.bytes = uint64_t(*rom->getInteger("bytes"));
      bytes.unprunedBytes = uint64_t(rom->getInteger("unpruned_bytes").getValueOr(0));
      auto images = imagesFrom(rom->getObject("images"), file, index);
      if (!images)
        return images.takeError();
      auto unpruned = imagesFrom(rom->getObject("unpruned_images"), file, index);
      if (!unpruned)
        return unpruned.takeError();
      bytes.images = std::move(*images);
      bytes.unprunedImages = std::move(*unpruned);
      record.roms[id.str()] = std::move(bytes);
    }
  return record;
}

} // namespace

llvm::Expected<History> readHistory(llvm::StringRef file) {
  History history;
  if (!llvm::sys::fs::exists(file))
    return history;
  auto buffer = readFile(file);
  if (!buffer)
    return buffer.takeError();
  auto parsed = json::parse((*buffer)->getBuffer());
  if (!parsed)
    return withContext(parsed.takeError(), file.str());
  const json::Object *top = parsed->getAsObject();
  const json::Array *records = top ? top->getArray("commits") : nullptr;
  if (!top || top->getInteger("version") != llvm::Optional<int64_t>(1) || !records)
    return makeError("{}: not a romfit history (version 1, with a commits array)", file);
  history.buildRequest = top->getString("build").getValueOr("").str();
  for (size_t i = 0; i < records->size(); ++i) {
    auto record = recordFrom((*records)[i], file, i);
    if (!record)
      return record.takeError();
    history.records.push_back(std::move(*record));
  }
  return history;
}

llvm::Error writeHistory(llvm::StringRef file, const History &history) {
  json::Array records;
  for (const CommitRecord &record : history.records)
    records.push_back(recordJson(record));
  json::Object top{{"version", 1}, {"build", history.buildRequest}, {"commits", std::move(records)}};
  std::string text;
  llvm::raw_string_ostream out(text);
  out << llvm::formatv("{0:1}", json::Value(std::move(top))) << "\n";
  return writeFileAtomically(file, out.str());
}

} // namespace romfit::history
