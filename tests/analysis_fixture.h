#pragma once
// The link-graph fixture for the analysis tests: built with gcc, ar and ld
// at test time, and ld's own account of the link (its map, its
// --print-gc-sections) parsed here as the independent oracle.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/JSON.h>

#include "tests/test_support.h"

namespace romfit::testing {

struct FixtureLink {
  FixtureLink() = default;
  FixtureLink(FixtureLink &&other) noexcept { *this = std::move(other); }
  FixtureLink &operator=(FixtureLink &&other) noexcept {
    std::swap(directory, other.directory);
    linkCommand = std::move(other.linkCommand);
    map = std::move(other.map);
    removedSections = std::move(other.removedSections);
    built = other.built;
    failure = std::move(other.failure);
    return *this;
  }
  ~FixtureLink() {  // the scratch directory goes with the link
    if (!directory.empty())
      llvm::sys::fs::remove_directories(directory);
  }

  std::string directory;
  std::vector<std::string> linkCommand;  // ld and its arguments, paths relative to directory
  std::string map;                       // ld's -Map output
  std::string removedSections;           // ld's --print-gc-sections report
  bool built = false;
  std::string failure;
};

inline std::vector<std::string> splitLines(const std::string &text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    if (end > start || end < text.size())
      lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Builds the fixture (a variant with extra C flags if given) and links it
// with ld, which writes the map and reports the sections it collected.
inline FixtureLink buildFixture(const std::string &name, const std::string &extraCflags = "",
                               const std::string &arch = "x86_64") {
  FixtureLink link;
  link.directory = makeScratchDir("linkgraph-" + name);
  std::string script = std::string(ROMFIT_SOURCE_DIR) + "/tests/fixtures/linkgraph/build.sh";
  CommandResult build =
      runProgram("env", {"EXTRA_CFLAGS=" + extraCflags, "ARCH=" + arch, "sh", script, link.directory});
  if (build.status != 0) {
    link.failure = "fixture build failed: " + build.err;
    return link;
  }
  link.linkCommand = splitLines(readText(link.directory + "/link.args"));
  std::vector<std::string> ldArguments;
  for (size_t i = 1; i < link.linkCommand.size(); ++i)
    ldArguments.push_back(link.linkCommand[i]);
  ldArguments.push_back("--print-gc-sections");
  // ld runs in the fixture directory through the shell-free `env -C`.
  std::vector<std::string> envArguments{"-C", link.directory, "ld"};
  envArguments.insert(envArguments.end(), ldArguments.begin(), ldArguments.end());
  CommandResult ld = runProgram("env", envArguments);
  if (ld.status != 0) {
    link.failure = "ld failed: " + ld.err;
    return link;
  }
  link.removedSections = ld.err;
  link.map = readText(link.directory + "/image.map");
  link.built = true;
  return link;
}

// `romfit COMMAND OPTIONS -C DIR -- LDCMD`.
inline CommandResult romfitOnLink(const FixtureLink &link, const std::string &command,
                                  std::vector<std::string> options = {}) {
  std::vector<std::string> arguments{command};
  arguments.insert(arguments.end(), options.begin(), options.end());
  arguments.push_back("-C");
  arguments.push_back(link.directory);
  arguments.push_back("--");
  arguments.insert(arguments.end(), link.linkCommand.begin(), link.linkCommand.end());
  return runRomfit(arguments);
}

// Sections of the fixture's link that only the shell runs: ld keeps them
// without it (config.o requires echo_cmd.o and stat_cmd.o, netdev.o is
// linked for register_netdev), but their code is reached only through
// entries of the commands table, which only the shell iterates: the two
// commands, and netdev.o's statistics entry (the table only stat_exec
// iterates) with the function and the string it points to.
inline bool runsOnlyThroughTheShell(const std::string &section) {
  return section.rfind("blib.a(echo_cmd.o):", 0) == 0 ||
         section.rfind("blib.a(stat_cmd.o):", 0) == 0 ||
         section == "blib.a(netdev.o):.tbl.statistics.01" ||
         section == "blib.a(netdev.o):.text.netdev_packets" ||
         section == "blib.a(netdev.o):.rodata.str1.1";
}

inline llvm::json::Value parseJson(const std::string &text) {
  auto value = llvm::json::parse(text);
  if (!value) {
    ADD_FAILURE() << "not JSON: " << llvm::toString(value.takeError()) << "\n" << text;
    return nullptr;
  }
  return std::move(*value);
}

// The map's "Archive member included ..." block, verbatim.
inline std::string mapMemberList(const std::string &map) {
  std::vector<std::string> lines = splitLines(map);
  std::string block;
  bool inside = false, seenEntry = false;
  for (const std::string &line : lines) {
    if (line.rfind("Archive member included", 0) == 0) {
      inside = true;
      continue;
    }
    if (!inside)
      continue;
    if (line.empty()) {
      if (seenEntry)
        break;
      continue;
    }
    seenEntry = true;
    block += line + "\n";
  }
  return block;
}

// Input sections the map places in the image with a non-zero size, as
// "file:section" -> size.  Non-allocated sections are not in romfit's model.
inline std::map<std::string, uint64_t> mapKeptSections(const std::string &map) {
  std::map<std::string, uint64_t> sections;
  std::vector<std::string> lines = splitLines(map);
  bool inside = false;
  std::string pending;
  auto record = [&](const std::string &name, const std::string &rest) {
    // rest: "0xADDRESS 0xSIZE FILE"
    char address[64], size[64], file[512];
    if (std::sscanf(rest.c_str(), " %63s %63s %511[^\n]", address, size, file) != 3)
      return;
    if (std::string(address).rfind("0x", 0) != 0 || std::string(size).rfind("0x", 0) != 0)
      return;
    uint64_t bytes = std::stoull(size, nullptr, 16);
    std::string sectionName = name;
    if (bytes == 0 || sectionName.rfind(".comment", 0) == 0 || sectionName.rfind(".debug", 0) == 0 ||
        sectionName.rfind(".rela", 0) == 0 || sectionName.rfind(".note.GNU-stack", 0) == 0)
      return;
    // Sections ld creates itself (a GOT for the weak undefined reference
    // under -fpie) are not input sections; ld's map files them under the
    // first input object.
    for (const char *created : {".got", ".plt", ".iplt", ".igot", ".dynamic", ".interp"})
      if (sectionName.rfind(created, 0) == 0)
        return;
    sections[std::string(file) + ":" + sectionName] += bytes;
  };
  for (const std::string &line : lines) {
    if (line.rfind("Linker script and memory map", 0) == 0) {
      inside = true;
      continue;
    }
    if (!inside || line.size() < 2)
      continue;
    if (!pending.empty()) {
      if (line[0] == ' ' && line.find_first_not_of(' ') >= 16)
        record(pending, line);
      pending.clear();
      continue;
    }
    if (line[0] != ' ' || line[1] == ' ' || line[1] == '*')
      continue;
    size_t nameEnd = line.find(' ', 1);
    std::string name = line.substr(1, nameEnd == std::string::npos ? std::string::npos : nameEnd - 1);
    if (nameEnd == std::string::npos)
      pending = name;
    else
      record(name, line.substr(nameEnd));
  }
  return sections;
}

// "file:section" for each section ld's --print-gc-sections says it removed.
inline std::set<std::string> removedByLd(const std::string &report) {
  std::set<std::string> removed;
  for (const std::string &line : splitLines(report)) {
    const std::string prefix = "removing unused section '";
    size_t start = line.find(prefix);
    if (start == std::string::npos)
      continue;
    start += prefix.size();
    size_t end = line.find("' in file '", start);
    if (end == std::string::npos)
      continue;
    std::string section = line.substr(start, end - start);
    size_t fileStart = end + std::string("' in file '").size();
    std::string file = line.substr(fileStart, line.rfind('\'') - fileStart);
    removed.insert(file + ":" + section);
  }
  return removed;
}

} // namespace romfit::testing
