// romfit layout: from a link-order link's ELF and map, a copy of its linker
// script that names the `.text.*` and `.rodata.*` input sections in
// similarity order, for the relink (pipeline/section_layout.h says why).
// build.ninja runs it between the two pruned links of an EFI image.
#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>

#include "driver/command.h"
#include "analysis/link_map.h"
#include "analysis/linked_elf.h"
#include "pipeline/section_layout.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::driver {
namespace {

// An input section's bytes, read from the output section the map puts it in.
llvm::Expected<llvm::ArrayRef<uint8_t>> bytesOf(const analysis::LinkedElf &elf,
                                                const analysis::MappedInputSection &input,
                                                llvm::StringRef elfPath, llvm::StringRef mapPath) {
  const analysis::LinkedSection *output = elf.find(input.outputSection);
  if (!output || !output->hasContents || input.address < output->address ||
      input.address + input.size > output->address + output->contents.size())
    return makeError("{}: {} of {} at {:#x} ({} B) is not within {}'s section {}: are the map "
                     "and the ELF file from the same link?",
                     mapPath.str(), input.name, input.file, input.address, input.size,
                     elfPath.str(), input.outputSection);
  return output->contents.slice(input.address - output->address, input.size);
}

llvm::Expected<int> runLayout(const ParsedArguments &arguments) {
  auto elfPath = arguments.get("--elf"), mapPath = arguments.get("--map");
  auto scriptPath = arguments.get("--script"), outputPath = arguments.get("--output");
  if (!elfPath || !mapPath || !scriptPath || !outputPath)
    return makeError("'romfit layout' needs --elf ELF, --map MAP, --script LDS and -o OUT");
  auto map = analysis::readLinkMap(*mapPath);
  if (!map)
    return map.takeError();
  auto elf = analysis::readLinkedElf(*elfPath);
  if (!elf)
    return elf.takeError();
  auto script = readFile(*scriptPath);
  if (!script)
    return script.takeError();

  std::vector<pipeline::StatementOrder> orders;
  std::vector<std::string> counts;  // what romfit build's ninja output shows of the layout
  for (llvm::StringRef statement : pipeline::kReorderedStatements) {
    std::vector<pipeline::LayoutSection> sections;
    std::vector<std::string> patterns;  // by section
    size_t unnamed = 0;
    for (const analysis::MappedInputSection &input : map->inputSections) {
      if (input.statement != statement)
        continue;
      std::optional<std::string> pattern = pipeline::inputSectionPattern(input.file, input.name);
      if (!pattern || pipeline::isMergedByLinker(input.name)) {
        ++unnamed;  // stays under the wildcard, after the named ones
        continue;
      }
      auto bytes = bytesOf(*elf, input, *elfPath, *mapPath);
      if (!bytes)
        return bytes.takeError();
      sections.push_back({input.name, input.file, *bytes});
      patterns.push_back(std::move(*pattern));
    }
    pipeline::StatementOrder order{statement, {}};
    for (size_t index : pipeline::similarityOrder(sections))
      order.patterns.push_back(patterns[index]);
    orders.push_back(std::move(order));
    counts.push_back(fmt::format("{} under {}{}", sections.size(), statement.str(),
                                 unnamed ? fmt::format(" ({} more left to it: merged by ld, "
                                                       "or names a script cannot carry)",
                                                       unnamed)
                                         : std::string()));
  }
  auto text = pipeline::scriptWithSectionOrder((*script)->getBuffer(), *scriptPath, orders);
  if (!text)
    return text.takeError();
  if (llvm::Error error = writeFileAtomically(*outputPath, *text))
    return error;
  fmt::print("{}: input sections in similarity order: {}\n", *outputPath,
             llvm::join(counts, ", "));
  return kExitOk;
}

RegisterCommand registration{
    CommandSpec{
        "layout",
        "write a linker script that links .text.* and .rodata.* in similarity order",
        "--elf ELF --map MAP --script LDS -o OUT",
        "Reads a link's ELF file and its ld map, and writes OUT: the link's script LDS\n"
        "with the input sections ld placed through `*(.text.*)` and through\n"
        "`*(.rodata.*)` named one by one before those lines, each section after the one\n"
        "it shares the most 6-byte strings with among those placed in the 8 KiB before\n"
        "it (the EFI encoder's window). Relinking with OUT links the same sections; only\n"
        "their order within those two statements changes. Every other line of LDS (the\n"
        "linker tables, .data, .bss) is kept as it is. romfit build runs it for each\n"
        "pruned EFI image unless --layout link-order.",
        {
            {{"--elf"}, "ELF", "the linked ELF file (the link-order link)"},
            {{"--map"}, "MAP", "that link's -Map output"},
            {{"--script"}, "LDS", "that link's -T script"},
            {{"-o", "--output"}, "OUT", "the script to write"},
        },
        0,
        0,
    },
    runLayout};

} // namespace
} // namespace romfit::driver
