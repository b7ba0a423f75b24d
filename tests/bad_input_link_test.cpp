// ctest-labels: slow
// ctest-one-process
// Compiles and links a fixture with gcc and ld (a second or two per build),
// hence the label: `ctest -L unit` leaves it out, the full suite runs it.
// Hostile inputs to the link readers, one table each: ELF objects, archives,
// linker scripts, the ld command line (through `romfit members`) and rule
// files (through `romfit prune`). Hostile files are made at test time from
// the link-graph fixture's own objects and archive.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/analysis_fixture.h"
#include "tests/bad_input_table.h"
#include "tests/hostile_roms.h"

namespace romfit::testing {
namespace {

uint64_t get(const Bytes &bytes, size_t at, unsigned width) {
  uint64_t value = 0;
  for (unsigned i = 0; i < width; ++i)
    value |= uint64_t(bytes.at(at + i)) << (8 * i);
  return value;
}

// The fixture builds x86_64 objects: ELF64, little-endian.
struct SectionHeader {
  size_t index = 0, at = 0;  // `at`: where the header itself is
  uint32_t type = 0;
  uint64_t offset = 0, size = 0;
  uint32_t link = 0, info = 0;
};
constexpr size_t kShoff = 0x28, kShentsize = 0x3A, kShnum = 0x3C, kShstrndx = 0x3E;
constexpr size_t kSectionHeaderSize = 64, kSymbolSize = 24;
constexpr uint32_t kSymtab = 2, kStrtab = 3, kRela = 4;

std::vector<SectionHeader> sectionHeaders(const Bytes &elf) {
  std::vector<SectionHeader> headers;
  uint64_t table = get(elf, kShoff, 8);
  for (size_t index = 0; index < get(elf, kShnum, 2); ++index) {
    size_t at = table + index * kSectionHeaderSize;
    headers.push_back({index, at, uint32_t(get(elf, at + 4, 4)), get(elf, at + 0x18, 8),
                       get(elf, at + 0x20, 8), uint32_t(get(elf, at + 0x28, 4)),
                       uint32_t(get(elf, at + 0x2C, 4))});
  }
  return headers;
}

std::string sectionName(const Bytes &elf, const SectionHeader &names, const SectionHeader &section) {
  size_t at = names.offset + get(elf, section.at, 4);
  return std::string(reinterpret_cast<const char *>(elf.data() + at));
}

const SectionHeader &firstOfType(const std::vector<SectionHeader> &headers, uint32_t type) {
  for (const SectionHeader &header : headers)
    if (header.type == type)
      return header;
  ADD_FAILURE() << "no section of type " << type;
  return headers.front();
}

Bytes with(Bytes bytes, size_t at, unsigned width, uint64_t value) {
  for (unsigned i = 0; i < width; ++i)
    bytes.at(at + i) = uint8_t(value >> (8 * i));
  return bytes;
}

Bytes truncated(const Bytes &bytes, size_t length) {
  return Bytes(bytes.begin(), bytes.begin() + std::min(length, bytes.size()));
}

std::string hex(uint64_t value) { return fmt::format("{:#x}", value); }

Bytes withText(Bytes bytes, size_t at, llvm::StringRef text) {
  std::copy(text.begin(), text.end(), bytes.begin() + at);
  return bytes;
}

uint32_t getBigEndian32(const Bytes &bytes, size_t at) {
  return uint32_t(bytes.at(at)) << 24 | uint32_t(bytes.at(at + 1)) << 16 |
         uint32_t(bytes.at(at + 2)) << 8 | bytes.at(at + 3);
}

Bytes withBigEndian32(Bytes bytes, size_t at, uint32_t value) {
  for (int i = 0; i < 4; ++i)
    bytes.at(at + i) = uint8_t(value >> (24 - 8 * i));
  return bytes;
}

class BadInputTable : public ::testing::Test {
protected:
  static void SetUpTestSuite() { link = new FixtureLink(buildFixture("bad-input-table")); }
  static void TearDownTestSuite() { delete link; }
  void SetUp() override { ASSERT_TRUE(link->built) << link->failure; }
  static FixtureLink *link;

  static Bytes fixtureFile(const std::string &name) {
    auto bytes = readFileBytes(link->directory + "/" + name);
    EXPECT_TRUE(bool(bytes)) << name;
    if (!bytes) {
      llvm::consumeError(bytes.takeError());
      return {};
    }
    return *bytes;
  }
  // `romfit members` on the fixture's link with `from` (an input, or the
  // script after -T) replaced by the hostile file.
  static std::vector<std::string> membersWith(const std::string &from) {
    std::vector<std::string> arguments{"members", "-C", link->directory, "--"};
    for (size_t i = 0; i < link->linkCommand.size(); ++i) {
      const std::string &word = link->linkCommand[i];
      bool replaced = from == "-T" ? i > 0 && link->linkCommand[i - 1] == "-T" : word == from;
      arguments.push_back(replaced ? "{file}" : word);
    }
    return arguments;
  }
  static std::vector<std::string> membersPlus(std::vector<std::string> extra) {
    std::vector<std::string> arguments{"members", "-C", link->directory, "--"};
    arguments.insert(arguments.end(), link->linkCommand.begin(), link->linkCommand.end());
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    return arguments;
  }
  static std::vector<std::string> membersReplacing(const std::string &from, const std::string &to) {
    std::vector<std::string> arguments{"members", "-C", link->directory, "--"};
    for (const std::string &word : link->linkCommand)
      arguments.push_back(word == from ? to : word);
    return arguments;
  }
};
FixtureLink *BadInputTable::link = nullptr;

TEST_F(BadInputTable, ElfObjectReader) {
  const Bytes object = fixtureFile("version.o");
  const std::vector<SectionHeader> sections = sectionHeaders(object);
  const SectionHeader &symtab = firstOfType(sections, kSymtab);
  const SectionHeader &strtab = sections.at(symtab.link);
  const SectionHeader &rela = firstOfType(sections, kRela);
  const SectionHeader &shstrtab = sections.at(get(object, kShstrndx, 2));
  const uint64_t sectionTable = get(object, kShoff, 8);
  ASSERT_EQ(sectionTable + sections.size() * kSectionHeaderSize, object.size())
      << "gcc puts the section table last";
  const SectionHeader &data = sections.at(rela.info);  // has contents and relocations
  ASSERT_GT(data.size, 0u);
  const std::string dataName = sectionName(object, shstrtab, data);
  const size_t symbol1 = symtab.offset + kSymbolSize;
  const std::vector<std::string> command = membersWith("version.o");
  auto row = [&](const std::string &name, std::optional<Bytes> bytes, const std::string &where) {
    return BadInput{name, std::move(bytes), command, where};
  };
  std::vector<BadInput> rows{
      // Truncation at each field of the ELF header, then in the section table.
      row("truncated-in-e_ident", truncated(object, 5),
          "truncated ELF header: the file ends at offset 0x5"),
      row("truncated-before-e_machine", truncated(object, 0x12), "ends at offset 0x12"),
      row("truncated-in-e_shoff", truncated(object, 0x2C),
          "the size (44) is smaller than an ELF header (64)"),
      row("truncated-in-e_shnum", truncated(object, 0x3D), "the size (61) is smaller"),
      row("truncated-before-section-table", truncated(object, sectionTable),
          "section header table goes past the end of the file: e_shoff = " + hex(sectionTable)),
      row("truncated-in-last-section-header", truncated(object, object.size() - 1),
          "section table goes past the end of file"),
      row("section-contents-past-the-end",
          with(object, symtab.at + 0x20, 8, object.size() - symtab.offset + kSymbolSize),
          fmt::format("section [index {}] '.symtab': its {} bytes at offset {}", symtab.index,
                      object.size() - symtab.offset + kSymbolSize, hex(symtab.offset))),
      // Offsets and lengths that overflow 32 and 64 bits.
      row("e_shoff-over-32-bits", with(object, kShoff, 8, 0xFFFFFFF0), "e_shoff = 0xfffffff0"),
      row("e_shoff-wraps-64-bits", with(object, kShoff, 8, 0xFFFFFFFFFFFFFFF0),
          "e_shoff = 0xfffffffffffffff0"),
      row("e_shnum-0xffff", with(object, kShnum, 2, 0xFFFF), "section table goes past the end"),
      row("e_shstrndx-out-of-range", with(object, kShstrndx, 2, 200),
          "section header string table index 200 does not exist"),
      row("section-offset-wraps-64-bits", with(object, data.at + 0x18, 8, 0xFFFFFFFFFFFFFFF8),
          fmt::format("section [index {}] '{}': its {} bytes at offset 0xfffffffffffffff8 run past "
                      "the end",
                      data.index, dataName, data.size)),
      row("section-size-over-32-bits", with(object, data.at + 0x20, 8, 0x100000000),
          fmt::format("section [index {}] '{}': its 4294967296 bytes", data.index, dataName)),
      // Sections that refer to themselves or to the wrong kind of section.
      row("symbol-table-links-to-itself", with(object, symtab.at + 0x28, 4, symtab.index),
          fmt::format("string table section [index {}]: expected SHT_STRTAB, but got SHT_SYMTAB",
                      symtab.index)),
      row("relocations-apply-to-themselves", with(object, rela.at + 0x2C, 4, rela.index),
          fmt::format("relocation section [index {0}] '.rela{1}' applies to section [index {0}] "
                      "'.rela{1}', which holds no code or data",
                      rela.index, dataName)),
      row("relocations-take-symbols-from-code", with(object, rela.at + 0x28, 4, 1),
          fmt::format("takes its symbols from section [index 1], not from the symbol table "
                      "[index {}]",
                      symtab.index)),
      // Zero-length sections where content is needed.
      row("string-table-zero-length", with(object, strtab.at + 0x20, 8, 0),
          fmt::format("string table section [index {}] is empty", strtab.index)),
      row("symbol-table-zero-length", with(object, symtab.at + 0x20, 8, 0), " of 0"),
      row("section-name-table-zero-length", with(object, shstrtab.at + 0x20, 8, 0),
          fmt::format("[index {}] is empty", shstrtab.index)),
      row("symbol-table-entry-size-zero", with(object, symtab.at + 0x38, 8, 0),
          fmt::format("section [index {}] has invalid sh_entsize: expected 24, but got 0",
                      symtab.index)),
      row("symbol-table-size-not-whole-entries", with(object, symtab.at + 0x20, 8, symtab.size - 5),
          "which is not a multiple of its sh_entsize (24)"),
      // Symbols: names outside the string table or not text, sections that
      // do not exist.
      row("symbol-name-past-string-table", with(object, symbol1, 4, 0xFFFFFF),
          "st_name (0xffffff) is past the end of the string table"),
      row("symbol-section-index-out-of-range", with(object, symbol1 + 6, 2, 0x200),
          fmt::format("names section 512 of {}", sections.size())),
      row("symbol-name-control-byte",
          with(object, strtab.offset + get(object, symbol1, 4) + 1, 1, 0x1B),
          "symbol 1 (name at string table offset " + hex(get(object, symbol1, 4)) +
              "): its name"),
      row("symbol-name-not-utf8", with(object, strtab.offset + get(object, symbol1, 4) + 1, 1, 0xFF),
          "\\xff"),
      row("section-name-control-byte",
          with(object, shstrtab.offset + get(object, sections.at(1).at, 4) + 1, 1, 0x07),
          "section [index 1]: its name '.\\x07"),
      // Relocations whose targets are out of range.
      row("relocation-symbol-out-of-range", with(object, rela.offset + 8, 8, uint64_t(0x7000) << 32),
          fmt::format("names symbol 28672 of {}", symtab.size / kSymbolSize)),
      row("relocation-section-out-of-range", with(object, rela.at + 0x2C, 4, 99),
          fmt::format("relocation section applies to section 99 of {}", sections.size())),
      row("relocation-offset-past-its-section", with(object, rela.offset, 8, 0x100000),
          fmt::format("a relocation at offset 0x100000 lies past the end of the {}-byte section",
                      data.size)),
      // Not what the link wants.
      row("not-relocatable", with(object, 0x10, 2, 2), "not a relocatable object (ELF type 2)"),
      row("big-endian", with(object, 5, 1, 2), "big-endian ELF is not supported"),
      row("elf-class-3", with(object, 4, 1, 3), "unknown ELF class 3"),
      row("wrong-machine", with(object, 0x12, 2, 0xB7),
          "ELF64 machine 183 does not match emulation 'elf_x86_64'"),
      row("section-header-size-wrong", with(object, kShentsize, 2, 32),
          "invalid e_shentsize in ELF header: 32"),
      row("empty", Bytes{}, "not an ELF object"),
      row("text", bytesOf("just some text\n"), "not an ELF object"),
      row("missing", std::nullopt, "cannot read input file: No such file or directory"),
  };
  BadInput directory = row("directory", std::nullopt, "cannot read input file: Is a directory");
  directory.fileIsDirectory = true;
  rows.push_back(directory);
  expectEachRefused(rows, ".o", {link->directory});
}

TEST_F(BadInputTable, ArchiveReader) {
  const Bytes archive = fixtureFile("blib.a");
  const std::vector<ArMember> members = arMembers(archive);
  ASSERT_GE(members.size(), 3u);
  const ArMember &map = members[0], &first = members[1], &last = members.back();
  ASSERT_EQ(map.name, "/");
  const size_t mapData = map.at + 60;
  const uint32_t symbols = getBigEndian32(archive, mapData);
  const size_t firstName = mapData + 4 + 4 * symbols;
  const size_t room = map.size / 4 - 1;
  const Bytes object = fixtureFile("netdrv.o");
  size_t netdrv = 0;
  for (const ArMember &member : members)
    if (member.name == "netdrv.o")
      netdrv = member.at + 60;
  ASSERT_NE(netdrv, 0u);
  Bytes corruptMember = archive;
  std::fill(corruptMember.begin() + netdrv + 0x20, corruptMember.begin() + netdrv + 0x40, 0xFF);
  Bytes withoutMap(archive.begin(), archive.begin() + 8);
  withoutMap.insert(withoutMap.end(), archive.begin() + first.at, archive.end());

  const std::vector<std::string> command = membersWith("blib.a");
  auto row = [&](const std::string &name, std::optional<Bytes> bytes, const std::string &where) {
    return BadInput{name, std::move(bytes), command, where};
  };
  std::string afterFirst = "after member " + first.name;
  std::vector<BadInput> rows{
      // Truncation in the magic, in each header and in the contents.
      row("truncated-in-magic", truncated(archive, 3), "not an ELF object"),
      row("truncated-in-first-header", truncated(archive, 20),
          "too small for next archive member header at offset 8"),
      row("truncated-at-symbol-map-size", truncated(archive, map.at + 50),
          "archive member header for /"),
      row("truncated-in-symbol-map", truncated(archive, mapData + 2),
          "past the end of the archive after member /"),
      row("truncated-in-member-header", truncated(archive, first.at + 30),
          "archive member header for " + first.name),
      row("truncated-in-member", truncated(archive, first.at + 70), afterFirst),
      row("truncated-by-one-byte", truncated(archive, archive.size() - 1),
          "after member " + last.name),
      // Header fields that are not numbers or overflow 32 bits.
      row("member-size-not-decimal", withText(archive, first.at + 48, "12ab      "),
          "not all decimal numbers: '12ab' for the archive member header at offset " +
              std::to_string(first.at)),
      row("member-size-over-32-bits", withText(archive, first.at + 48, "9999999999"), afterFirst),
      row("member-size-past-the-end",
          withText(archive, first.at + 48, fmt::format("{:<10}", archive.size())), afterFirst),
      row("member-header-terminator", withText(archive, first.at + 58, "xx"),
          "terminator characters in archive member \"xx\""),
      // The symbol map: counts that overflow, names that run out or are not
      // text, entries that point at the map itself or at no member.
      row("symbol-count-0xffffffff", withBigEndian32(archive, mapData, 0xFFFFFFFF),
          fmt::format("symbol map at offset {} claims 4294967295 symbols, but its {} bytes hold at "
                      "most {}",
                      hex(mapData), map.size, room)),
      row("symbol-count-times-4-wraps-32-bits", withBigEndian32(archive, mapData, 0x40000001),
          "claims 1073741825 symbols"),
      row("symbol-names-run-out", withBigEndian32(archive, mapData, uint32_t(room)),
          fmt::format("of its {} symbols before it ends", room)),
      row("symbol-name-not-text", with(archive, firstName, 1, 0x1B), "symbol map entry 0 '\\x1b"),
      row("symbol-points-at-the-map", withBigEndian32(archive, mapData + 4, uint32_t(map.at)),
          "points at the symbol map itself (offset 0x8)"),
      row("symbol-points-past-the-end", withBigEndian32(archive, mapData + 4, archive.size() + 100),
          fmt::format("points at offset {}, where no member starts", hex(archive.size() + 100))),
      row("symbol-points-into-a-member", withBigEndian32(archive, mapData + 4, first.at + 4),
          fmt::format("points at offset {}, where no member starts", hex(first.at + 4))),
      row("no-symbol-map", withoutMap, "archive has no symbol map (run ranlib)"),
      // Members that are not objects the link can read.
      row("member-not-elf", withText(archive, first.at + 60, "JUNK"),
          "(" + first.name + "): not an ELF object"),
      row("member-section-table-corrupt", corruptMember, "(netdrv.o): "),
      row("missing", std::nullopt, "cannot read input file: No such file or directory"),
  };
  expectEachRefused(rows, ".a", {link->directory});
}

TEST_F(BadInputTable, LinkerScriptReader) {
  const std::vector<std::string> command = membersWith("-T");
  auto row = [&](const std::string &name, llvm::StringRef text, const std::string &where) {
    return BadInput{name, bytesOf(text), command, where};
  };
  std::string nested = "SECTIONS {\n";
  for (int depth = 0; depth < 100000; ++depth)
    nested += " a {";
  for (int depth = 0; depth < 100000; ++depth)
    nested += " }";
  nested += "\n}\n";
  std::vector<BadInput> rows{
      row("unterminated-comment", "SECTIONS {\n/* a comment\n}\n", ":2: unterminated comment"),
      row("unterminated-string", "SECTIONS {\n  .text : { \"*.o(.text) }\n}\n",
          ":2: unterminated string"),
      row("truncated-in-output-section", "SECTIONS {\n  .text : {\n    *(.text",
          ":3: expected ')' but found 'end of file'"),
      row("truncated-in-entry", "ENTRY(", ":1: expected ')' but found 'end of file'"),
      row("memory-never-closed", "MEMORY {\n  ram : ORIGIN = 0, LENGTH = 4K\n",
          ":1: '{' is never closed"),
      row("sections-without-brace", "SECTIONS\n.text : { *(.text) }\n",
          ":2: expected '{' but found '.text'"),
      row("output-section-without-body", "SECTIONS {\n  .text : ;\n}\n",
          ":2: output section '.text' has no body"),
      row("includes-a-script", "INCLUDE other.lds\n", ":1: 'INCLUDE' in a linker script"),
      row("includes-itself", "\n\nINCLUDE includes-itself.lds\n",
          ":3: 'INCLUDE' in a linker script is not supported"),
      row("output-sections-nested-100000-deep", nested, ":2: output sections nested more than 16"),
      row("section-pattern-not-a-glob", "SECTIONS {\n  .text : {\n    *(.text[)\n  }\n}\n",
          ":3: invalid glob pattern: .text["),
      row("file-pattern-not-a-glob", "SECTIONS {\n  .text : { x[.o(.text) }\n}\n",
          ":2: invalid glob pattern: x[.o"),
      row("nul-bytes", llvm::StringRef("SECTIONS {\n}\n\0\0garbage\n", 24),
          ":3: byte 0x00 at offset 0xd is not text"),
      row("escape-in-a-pattern", "SECTIONS {\n  .text : { *(.te\x1bxt) }\n}\n",
          ":2: byte 0x1b at offset 0x1c is not text"),
      row("not-utf8", "/* caf\xe9 */\n", ":1: byte 0xe9 at offset 0x6 is not text"),
      row("provide-without-parenthesis", "SECTIONS {\n  PROVIDE foo = 1;\n}\n",
          ":2: expected '(' after PROVIDE"),
      row("keep-without-parenthesis", "SECTIONS {\n  .text : { KEEP *(.text) }\n}\n",
          ":2: expected '(' but found '*'"),
      row("prose", "This is not a linker script.\n", ":1: unexpected 'This' in linker script"),
      {"missing", std::nullopt, command, "No such file or directory"},
  };
  BadInput directory{"directory", std::nullopt, command, "Is a directory"};
  directory.fileIsDirectory = true;
  rows.push_back(directory);
  expectEachRefused(rows, ".lds", {link->directory});
}

TEST_F(BadInputTable, LdCommandLineReader) {
  auto row = [](const std::string &name, std::vector<std::string> command,
                const std::string &where) { return BadInput{name, std::nullopt, command, where}; };
  std::string joined;
  for (const std::string &word : link->linkCommand)
    joined += (joined.empty() ? "" : " ") + word;
  std::vector<BadInput> rows{
      row("unknown-option", membersPlus({"--frobnicate"}), "unknown ld option '--frobnicate'"),
      row("whole-archive", membersPlus({"--whole-archive"}),
          "ld option '--whole-archive' changes the link in a way romfit does not model"),
      row("relocatable-output", membersPlus({"-r"}), "ld option '-r' changes the link"),
      row("library-search", membersPlus({"-lc"}), "ld option '-lc' changes the link"),
      row("combined-short-flags", membersPlus({"-qS"}), "unknown ld option '-qS'"),
      row("script-option-last-without-value", membersPlus({"-T"}), "ld option '-T' needs a value"),
      row("output-option-last-without-value", membersPlus({"-o"}), "ld option '-o' needs a value"),
      row("defsym-without-equals", membersPlus({"--defsym", "foo"}),
          "ld option '--defsym foo': expected NAME=EXPRESSION"),
      row("defsym-without-name", membersPlus({"--defsym", "=1"}), "'--defsym =1': expected"),
      row("defsym-without-expression", membersPlus({"--defsym", "foo="}),
          "'--defsym foo=': expected"),
      row("flag-given-a-value", membersPlus({"--gc-sections=yes"}),
          "ld option '--gc-sections=yes' takes no value"),
      row("emulation-empty", membersReplacing("elf_x86_64", ""), "ld option '-m' has an empty value"),
      row("map-empty", membersPlus({"-Map="}), "ld option '-Map=' has an empty value"),
      row("undefined-symbol-empty", membersPlus({"-u", ""}), "ld option '-u' has an empty value"),
      row("input-empty", membersReplacing("version.o", ""),
          fmt::format("link command argument {} is empty", std::find(link->linkCommand.begin(),
                                                                     link->linkCommand.end(),
                                                                     "version.o") -
                                                               link->linkCommand.begin() + 1)),
      row("symbol-not-text", membersPlus({"-u", "obj\x1b[2Jnet"}),
          fmt::format("link command argument {} 'obj\\x1b[2Jnet' is not text (byte 3)",
                      link->linkCommand.size() + 2)),
      row("input-not-text", membersReplacing("version.o", "ver\x01sion.o"),
          "'ver\\x01sion.o' is not text"),
      row("unknown-emulation", membersReplacing("elf_x86_64", "elf_pdp11"),
          "unknown ld emulation '-m elf_pdp11'"),
      row("no-input-files", {"members", "--", "ld", "-m", "elf_x86_64", "-T", "x.lds"},
          "the link command names no input files"),
      row("unclosed-quote", {"members", "-C", link->directory, "--", joined + " '-u oops"},
          fmt::format("quote at character {} is never closed", joined.size() + 2)),
      row("missing-input", membersReplacing("version.o", "nowhere.o"),
          "nowhere.o: cannot read input file: No such file or directory"),
  };
  expectEachRefused(rows, "", {link->directory});
}

TEST_F(BadInputTable, RuleFileReader) {
  std::vector<std::string> command{"prune", "--rules", "{file}", "--out-dir", "{out}",
                                   "-C", link->directory, "--"};
  command.insert(command.end(), link->linkCommand.begin(), link->linkCommand.end());
  auto row = [&](const std::string &name, llvm::StringRef text, const std::string &where) {
    return BadInput{name, bytesOf(text), command, where};
  };
  std::vector<BadInput> rows{
      row("unknown-rule", "description a test\nfrobnicate x\n", ":2: unknown rule 'frobnicate'"),
      row("indented-line-not-why", "cut boot_main\n  because: tests\n",
          ":2: an indented line must start with 'why:'"),
      row("why-before-any-rule", "  why: nothing\n", ":1: 'why:' must follow a rule"),
      row("rule-without-why", "cut boot_main\ncut run_command\n  why: x\n",
          ":1: this rule has no 'why:' line"),
      row("truncated-after-rule", "cut boot_main stub boot_main", ":1: this rule has no 'why:' line"),
      row("truncated-in-stub", "cut boot_main stub\n  why: x\n",
          ":1: after the cut only 'stub SYMBOL=VALUE' may follow, not 'stub'"),
      row("unknown-require-policy", "require-policy sometimes\n  why: x\n",
          ":1: unknown require-policy 'sometimes'"),
      row("require-policy-twice-on-a-line", "require-policy keep intent-only\n  why: x\n",
          ":1: require-policy takes one of"),
      row("unknown-image-kind", "applies-to efi bios\n", ":1: unknown image kind 'bios'"),
      row("driver-tables-empty", "driver-tables\n  why: x\n",
          ":1: driver-tables needs at least one table name"),
      row("cut-without-target", "cut\n  why: x\n", ":1: cut needs FROM->TO or SYMBOL"),
      row("stub-value-not-integer", "cut boot_main stub boot_main=minus\n  why: x\n",
          ":1: stub needs SYMBOL or SYMBOL=INTEGER, not 'boot_main=minus'"),
      row("stub-value-over-64-bits", "cut boot_main stub boot_main=99999999999999999999\n  why: x\n",
          ":1: stub needs SYMBOL or SYMBOL=INTEGER"),
      row("stub-without-symbol", "cut boot_main stub =1\n  why: x\n",
          ":1: stub needs SYMBOL or SYMBOL=INTEGER, not '=1'"),
      row("words-after-cut", "cut boot_main soon\n  why: x\n", ":1: after the cut only"),
      row("nul-byte", llvm::StringRef("cut boot_main\0\n  why: x\n", 24),
          ":1: byte 0x00 at column 14 is not text"),
      row("escape-byte", "\n\ncut boot\x1b[2J\n  why: x\n", ":3: byte 0x1b at column 9 is not text"),
      row("not-utf8", "description caf\xe9\n", ":1: byte 0xe9 at column 16 is not text"),
      row("binary", llvm::StringRef("\x7f" "ELF\x02\x01\x01\0", 8),
          ":1: byte 0x7f at column 1 is not text"),
      row("cut-of-unknown-symbol", "cut no_such_symbol\n  why: x\n",
          ":1: --cut 'no_such_symbol': no symbol, section or member named 'no_such_symbol'"),
      row("cut-from-unknown-symbol", "\ncut nowhere->boot_main\n  why: x\n",
          ":2: --cut 'nowhere->boot_main': no symbol, section or member named 'nowhere'"),
      {"missing", std::nullopt, command, "cannot read: No such file or directory"},
  };
  BadInput directory{"directory", std::nullopt, command, "cannot read: Is a directory"};
  directory.fileIsDirectory = true;
  rows.push_back(directory);
  expectEachRefused(rows, ".rules", {link->directory});
}

} // namespace
} // namespace romfit::testing
