#include "analysis/link_map.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/Path.h>

#include "support/error.h"
#include "support/file_io.h"

namespace romfit::analysis {

namespace {

bool parseHex(llvm::StringRef token, uint64_t &value) {
  return token.startswith("0x") && !token.drop_front(2).getAsInteger(16, value);
}

llvm::SmallVector<llvm::StringRef, 4> fields(llvm::StringRef line) {
  llvm::SmallVector<llvm::StringRef, 4> out;
  line.split(out, ' ', -1, false);
  return out;
}

} // namespace

std::string memberLabel(llvm::StringRef file) {
  if (file.endswith(")")) {
    size_t open = file.rfind('(');
    if (open != llvm::StringRef::npos)
      return file.slice(open + 1, file.size() - 1).str();
  }
  return llvm::sys::path::filename(file).str();
}

llvm::Expected<LinkMap> parseLinkMap(llvm::StringRef text, llvm::StringRef mapPath) {
  LinkMap map;
  size_t start = text.find("\nLinker script and memory map");
  if (start == llvm::StringRef::npos)
    return makeError("{}: not a GNU ld link map (no 'Linker script and memory map' part)",
                     mapPath);
  size_t firstLine = text.substr(0, start + 1).count('\n') + 1;
  llvm::SmallVector<llvm::StringRef, 0> lines;
  text.substr(start + 1).split(lines, '\n');
  std::string outputSection;
  std::string pendingInput;  // a name too long for its column continues on the next line
  std::string statement;     // the last input-section statement the map echoed
  for (size_t index = 0; index < lines.size(); ++index) {
    llvm::StringRef line = lines[index].rtrim("\r");
    if (line.empty())
      continue;
    auto tokens = fields(line);
    if (line.front() != ' ') {
      // An output section, possibly with its address on the next line.
      pendingInput.clear();
      statement.clear();
      if (line.front() == '.' || line.startswith("/DISCARD/"))
        outputSection = tokens[0].str();
      continue;
    }
    if (tokens.empty())
      continue;
    llvm::StringRef name;
    size_t next = 0;
    if (line.size() > 1 && line[1] != ' ') {
      // " .text.x 0xADDR 0xSIZE file", " COMMON ...", " *fill* ...", " *(.text)".
      name = tokens[0];
      if (name.startswith("*(") || name.startswith("KEEP") || name.startswith("SORT") ||
          (name.startswith("*") && name != "*fill*") || name.startswith(":")) {
        statement = line.trim().str();
        continue;
      }
      if (tokens.size() == 1) {
        pendingInput = name.str();
        continue;
      }
      next = 1;
    } else {
      if (pendingInput.empty())
        continue;  // a symbol or an assignment
      name = pendingInput;
    }
    uint64_t address = 0, size = 0;
    if (tokens.size() < next + 2 || !parseHex(tokens[next], address) ||
        !parseHex(tokens[next + 1], size)) {
      if (!pendingInput.empty() && next == 0)
        return makeError("{}:{}: expected an address and size for input section '{}'", mapPath,
                         firstLine + index, pendingInput);
      continue;
    }
    std::string inputName = name.str();
    pendingInput.clear();
    if (inputName == "*fill*" || size == 0 || outputSection.empty() ||
        outputSection == "/DISCARD/")
      continue;
    if (tokens.size() < next + 3)
      continue;  // linker-made contents without a file: left to the gap rows
    // A path may hold spaces; the file is the rest of the line.
    llvm::StringRef file = line.drop_front(line.find(tokens[next + 1]) + tokens[next + 1].size()).trim();
    MappedInputSection section;
    section.outputSection = outputSection;
    section.name = std::move(inputName);
    section.address = address;
    section.size = size;
    section.file = file.str();
    section.member = memberLabel(file);
    section.statement = statement;
    map.inputSections.push_back(std::move(section));
  }
  return map;
}

llvm::Expected<LinkMap> readLinkMap(llvm::StringRef mapPath) {
  auto buffer = readFile(mapPath);
  if (!buffer)
    return buffer.takeError();
  return parseLinkMap((*buffer)->getBuffer(), mapPath);
}

} // namespace romfit::analysis
