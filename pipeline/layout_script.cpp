#include "pipeline/layout_script.h"

#include <optional>

#include <fmt/format.h>

#include "pipeline/section_layout.h"
#include "support/error.h"

namespace romfit::pipeline {
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

} // namespace

llvm::Expected<LaidOutScript> similarityLayoutScript(const analysis::LinkMap &map,
                                                     const analysis::LinkedElf &elf,
                                                     llvm::StringRef script,
                                                     llvm::StringRef scriptPath,
                                                     llvm::StringRef elfPath,
                                                     llvm::StringRef mapPath) {
  std::vector<StatementOrder> orders;
  LaidOutScript laidOut;  // counts: what romfit build's ninja output shows of the layout
  for (llvm::StringRef statement : kReorderedStatements) {
    std::vector<LayoutSection> sections;
    std::vector<std::string> patterns;  // by section
    size_t unnamed = 0;
    for (const analysis::MappedInputSection &input : map.inputSections) {
      if (input.statement != statement)
        continue;
      std::optional<std::string> pattern = inputSectionPattern(input.file, input.name);
      if (!pattern || isMergedByLinker(input.name)) {
        ++unnamed;  // stays under the wildcard, after the named ones
        continue;
      }
      auto bytes = bytesOf(elf, input, elfPath, mapPath);
      if (!bytes)
        return bytes.takeError();
      sections.push_back({input.name, input.file, *bytes});
      patterns.push_back(std::move(*pattern));
    }
    StatementOrder order{statement, {}};
    for (size_t index : similarityOrder(sections))
      order.patterns.push_back(patterns[index]);
    orders.push_back(std::move(order));
    laidOut.counts.push_back(fmt::format("{} under {}{}", sections.size(), statement.str(),
                                 unnamed ? fmt::format(" ({} more left to it: merged by ld, "
                                                       "or names a script cannot carry)",
                                                       unnamed)
                                         : std::string()));
  }
  auto text = scriptWithSectionOrder(script, scriptPath, orders);
  if (!text)
    return text.takeError();
  laidOut.text = std::move(*text);
  return laidOut;
}

} // namespace romfit::pipeline
