#include "history/link_dependencies.h"

#include <llvm/ADT/SmallVector.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Regex.h>

#include "support/error.h"
#include "support/file_io.h"

namespace romfit::history {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

llvm::Expected<std::set<std::string>> linkedInputsOfMap(llvm::StringRef mapPath) {
  auto buffer = readFile(mapPath);
  if (!buffer)
    return buffer.takeError();
  std::set<std::string> inputs;
  llvm::SmallVector<llvm::StringRef, 0> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  bool inMembers = false, sawHeading = false;
  for (llvm::StringRef line : lines) {
    line = line.rtrim("\r");
    if (line.startswith("Archive member included")) {
      inMembers = sawHeading = true;
      continue;
    }
    if (inMembers) {
      // Entries start in column 0; what pulled each in is indented below.
      if (line.startswith("Discarded") || line.startswith("Allocating") ||
          line.startswith("Memory") || line.startswith("Linker script"))
        inMembers = false;
      else if (!line.empty() && line[0] != ' ') {
        llvm::StringRef entry = line.split(' ').first;
        if (entry.endswith(")"))
          inputs.insert(entry.str());
      }
      continue;
    }
    if (line.startswith("LOAD ")) {
      llvm::StringRef file = line.drop_front(5).trim();
      if (!file.endswith(".a") && !file.startswith("linker stubs"))
        inputs.insert(file.str());
    }
  }
  if (!sawHeading && inputs.empty())
    return makeError("{}: not a GNU ld map (no inputs in it)", mapPath);
  return inputs;
}

namespace {

std::string objectStem(llvm::StringRef file) {
  llvm::StringRef name = path::filename(file);
  if (name.endswith(")"))
    name = name.drop_back().rsplit('(').second;
  if (name.endswith(".o"))
    name = name.drop_back(2);
  return name.str();
}

void addFiles(llvm::StringRef list, std::set<std::string> &into) {
  llvm::SmallVector<llvm::StringRef, 64> words;
  list.split(words, ' ', -1, false);
  for (llvm::StringRef word : words) {
    word = word.trim();
    if (!word.empty() && !word.startswith("/") && word != "\\")
      into.insert(path::remove_leading_dotslash(word).str());
  }
}

} // namespace

void addDependencyFileText(llvm::StringRef text,
                           std::map<std::string, std::set<std::string>> &byStem) {
  // Joins continued lines, then reads each rule.
  std::string joined;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
      joined += ' ';
      ++i;
    } else {
      joined += text[i];
    }
  }
  llvm::SmallVector<llvm::StringRef, 64> lines;
  llvm::StringRef(joined).split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    size_t plus = line.find("_DEPS +=");
    if (plus != llvm::StringRef::npos) {
      addFiles(line.drop_front(plus + 8), byStem[line.take_front(plus).trim().str()]);
      continue;
    }
    auto [targets, prerequisites] = line.split(':');
    // "header.h:" lines (gcc -MP, iPXE's deps) name no prerequisites.
    if (prerequisites.trim().empty() || targets.trim().empty())
      continue;
    llvm::SmallVector<llvm::StringRef, 4> names;
    targets.split(names, ' ', -1, false);
    for (llvm::StringRef target : names)
      addFiles(prerequisites, byStem[objectStem(target)]);
  }
}

namespace {

llvm::Error readDependencyFilesUnder(llvm::StringRef directory,
                                     std::map<std::string, std::set<std::string>> &byStem) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(directory, ec), end; it != end && !ec; it.increment(ec)) {
    if (path::extension(it->path()) != ".d" || it->type() == fs::file_type::directory_file)
      continue;
    auto text = readFile(it->path());
    if (!text)
      return text.takeError();
    addDependencyFileText((*text)->getBuffer(), byStem);
  }
  if (ec && ec != std::errc::no_such_file_or_directory)
    return makeError("{}: {}", directory, ec.message());
  return llvm::Error::success();
}

std::vector<std::string> mapsOfBuild(llvm::StringRef outDir, const std::vector<std::string> &romIds) {
  std::vector<std::string> maps;
  for (const std::string &romId : romIds) {
    std::string romDir = (outDir + "/" + romId).str();
    std::error_code ec;
    for (fs::directory_iterator it(romDir, ec), end; it != end && !ec; it.increment(ec)) {
      for (const char *name : {"/unpruned.map", "/linked.map"})
        if (fs::exists(it->path() + name))
          maps.push_back(it->path() + name);
    }
  }
  std::sort(maps.begin(), maps.end());
  return maps;
}

} // namespace

llvm::Expected<LinkDependencies> dependenciesOfBuild(llvm::StringRef sourceDir,
                                                      llvm::StringRef outDir,
                                                      const std::vector<std::string> &romIds) {
  LinkDependencies dependencies;
  std::vector<std::string> maps = mapsOfBuild(outDir, romIds);
  if (maps.empty())
    return makeError("{}: no link maps of {} to read the links' inputs from", outDir,
                     romIds.empty() ? std::string("any ROM") : romIds.front());
  std::set<std::string> inputs, binDirectories;
  for (const std::string &map : maps) {
    auto read = linkedInputsOfMap(map);
    if (!read)
      return read.takeError();
    for (const std::string &input : *read) {
      inputs.insert(input);
      llvm::StringRef first = llvm::StringRef(input).split('/').first;
      if (first != input)
        binDirectories.insert(first.str());
    }
  }
  std::map<std::string, std::set<std::string>> byStem;
  for (const std::string &bin : binDirectories)
    if (llvm::Error error = readDependencyFilesUnder((sourceDir + "/" + bin).str(), byStem))
      return error;
  for (const std::string &input : inputs) {
    // "intel", else the name before its first dot: iPXE's intel.ids.o is
    // made from intel.c's PCI_ROM lines, version.8086100e.rom.o from
    // core/version.c.
    std::string stem = objectStem(input);
    auto found = byStem.find(stem);
    if (found == byStem.end())
      found = byStem.find(llvm::StringRef(stem).split('.').first.str());
    if (found == byStem.end()) {
      dependencies.undescribed.push_back(input);
      continue;
    }
    dependencies.files.insert(found->second.begin(), found->second.end());
  }
  return dependencies;
}

bool isBuildSystemFile(llvm::StringRef file) {
  llvm::StringRef name = path::filename(file);
  if (name.startswith("Makefile") || name.endswith(".lds") || name.endswith(".mk"))
    return true;
  llvm::StringRef top = file.split('/').first;
  if (top == "util" || top == "scripts" || top == "config")
    return true;
  return file.contains("/scripts/");
}

namespace {

// "PCI_ROM ( 0x8086, 0x100e, ..." for 8086100e.
bool namesRomId(llvm::StringRef text, const std::string &romId) {
  if (romId.size() != 8)
    return false;
  llvm::Regex line("PCI_ROM[ \t]*\\([ \t]*0x" + romId.substr(0, 4) + "[ \t]*,[ \t]*0x" +
                       romId.substr(4, 4) + "[^0-9a-fA-F]",
                   llvm::Regex::IgnoreCase);
  return line.match(text);
}

} // namespace

BuildDecision decideFromChanges(
    const std::vector<ChangedFile> &changes, llvm::StringRef sourcePrefix,
    const LinkDependencies &dependencies, const std::vector<std::string> &romIds,
    const std::function<llvm::Expected<std::string>(const std::string &path)> &textAt) {
  if (!dependencies.undescribed.empty())
    return {true, "the links' dependencies are unknown: no dependency file describes " +
                      dependencies.undescribed.front()};
  size_t outside = 0, neutral = 0;
  std::string example;
  for (const ChangedFile &change : changes) {
    for (const std::string &changed : {change.oldPath, change.path}) {
      if (changed.empty())
        continue;
      if (!llvm::StringRef(changed).startswith(sourcePrefix)) {
        ++outside;
        continue;
      }
      std::string file = changed.substr(sourcePrefix.size());
      if (change.status != 'M' && change.status != 'T')
        return {true, fmt::format("{} {} (a new or removed file can change an archive's members, "
                                  "an include path's choice or a ROM's drivers)",
                                  change.status == 'A' ? "adds" : change.status == 'D' ? "removes" : "renames",
                                  file)};
      if (isBuildSystemFile(file))
        return {true, "changes the build system: " + file};
      if (dependencies.files.count(file))
        return {true, "changes " + file + ", which a linked object is built from"};
      auto text = textAt(changed);
      if (!text)
        return {true, "cannot read " + file + ": " + llvm::toString(text.takeError())};
      for (const std::string &romId : romIds)
        if (namesRomId(*text, romId))
          return {true, fmt::format("changes {}, which names {} in a PCI_ROM line", file, romId)};
      ++neutral;
      if (example.empty())
        example = file;
    }
  }
  if (neutral == 0)
    return {false, outside == 0 ? "changes no file" : "changes only files outside the source tree"};
  return {false, fmt::format("changes {} file{} no link depends on ({}{}){}", neutral,
                             neutral == 1 ? "" : "s", example, neutral > 1 ? ", ..." : "",
                             outside ? fmt::format(" and {} outside the source tree", outside) : "")};
}

llvm::Error writeLinkDependencies(llvm::StringRef file, const LinkDependencies &dependencies) {
  std::string text;
  for (const std::string &input : dependencies.undescribed)
    text += "undescribed " + input + "\n";
  for (const std::string &dependency : dependencies.files)
    text += "file " + dependency + "\n";
  return writeFileAtomically(file, text);
}

llvm::Expected<LinkDependencies> readLinkDependencies(llvm::StringRef file) {
  auto buffer = readFile(file);
  if (!buffer)
    return buffer.takeError();
  LinkDependencies dependencies;
  llvm::SmallVector<llvm::StringRef, 0> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    auto [kind, value] = line.split(' ');
    if (kind == "file")
      dependencies.files.insert(value.str());
    else if (kind == "undescribed")
      dependencies.undescribed.push_back(value.str());
    else
      return makeError("{}: unexpected line '{}'", file, line);
  }
  return dependencies;
}

} // namespace romfit::history
