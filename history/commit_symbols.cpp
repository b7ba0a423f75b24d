#include "history/commit_symbols.h"

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

#include "support/error.h"
#include "support/file_io.h"

namespace romfit::history {

namespace json = llvm::json;

std::string commitSymbolsPath(llvm::StringRef directory, llvm::StringRef commit) {
  return (directory + "/symbols/" + commit + ".json").str();
}

// {"version": 1, "roms": {ID: {IMAGE: [[member, symbol, bytes], ...]}}}:
// rows rather than nested objects, since most members hold a few symbols.
llvm::Error writeCommitSymbols(llvm::StringRef path, const CommitSymbols &symbols) {
  json::Object roms;
  for (const auto &[romId, images] : symbols) {
    json::Object imageObject;
    for (const auto &[image, rows] : images) {
      json::Array array;
      for (const auto &[key, bytes] : rows)
        array.push_back(json::Array{key.first, key.second, bytes});
      imageObject[image] = std::move(array);
    }
    roms[romId] = std::move(imageObject);
  }
  json::Value top = json::Object{{"version", 1}, {"roms", std::move(roms)}};
  return writeFileAtomically(path, llvm::formatv("{0}", top).str() + "\n");
}

llvm::Expected<CommitSymbols> readCommitSymbols(llvm::StringRef path) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  auto parsed = json::parse((*buffer)->getBuffer());
  if (!parsed)
    return withContext(parsed.takeError(), path.str());
  const json::Object *top = parsed->getAsObject();
  const json::Object *roms = top ? top->getObject("roms") : nullptr;
  if (!roms || top->getInteger("version") != llvm::Optional<int64_t>(1))
    return makeError("{}: not a romfit symbol record (version 1, with a roms object)", path);
  CommitSymbols symbols;
  for (const auto &[romId, imagesValue] : *roms) {
    const json::Object *images = imagesValue.getAsObject();
    if (!images)
      return makeError("{}: ROM '{}' is not an object of images", path, romId.str());
    for (const auto &[image, rowsValue] : *images) {
      const json::Array *rows = rowsValue.getAsArray();
      if (!rows)
        return makeError("{}: ROM '{}' image '{}' is not an array of rows", path, romId.str(),
                         image.str());
      ImageSymbols &into = symbols[romId.str()][image.str()];
      for (size_t i = 0; i < rows->size(); ++i) {
        const json::Array *row = (*rows)[i].getAsArray();
        llvm::Optional<llvm::StringRef> member, symbol;
        llvm::Optional<int64_t> bytes;
        if (row && row->size() == 3) {
          member = (*row)[0].getAsString();
          symbol = (*row)[1].getAsString();
          bytes = (*row)[2].getAsInteger();
        }
        if (!member || !symbol || !bytes || *bytes < 0)
          return makeError("{}: ROM '{}' image '{}' row {}: not [member, symbol, bytes]", path,
                           romId.str(), image.str(), i);
        into[{member->str(), symbol->str()}] = uint64_t(*bytes);
      }
    }
  }
  return symbols;
}

} // namespace romfit::history
