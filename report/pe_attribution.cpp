#include "report/pe_attribution.h"

#include <algorithm>
#include <map>

namespace romfit::report {

namespace {

// Rows keyed by name under one parent, in order of first appearance.
class RowsByName {
public:
  RowsByName(const ByteCosts &costs, RowKind kind) : costs_(costs), kind_(kind) {}

  void extend(const std::string &name, uint64_t begin, uint64_t end) {
    if (end <= begin)
      return;
    auto [slot, isNew] = index_.try_emplace(name, rows_.size());
    if (isNew)
      rows_.push_back(costs_.emptyRow(name, kind_));
    costs_.extend(rows_[slot->second], begin, end);
  }
  SizeNode &row(const std::string &name) { return rows_[index_.at(name)]; }
  std::vector<SizeNode> take() { return std::move(rows_); }

private:
  const ByteCosts &costs_;
  RowKind kind_;
  std::map<std::string, size_t> index_;
  std::vector<SizeNode> rows_;
};

// The bytes of one input section, split among the symbols defined in it.
// Bytes no symbol claims go to a row named after the input section, since
// that is usually what they are (".rodata.str1.1": string literals).
void attributeInputSection(const analysis::MappedInputSection &input, uint64_t begin, uint64_t end,
                           const analysis::LinkedSection &elfSection, uint64_t toPe,
                           RowsByName &symbols) {
  const std::vector<analysis::LinkedSymbol> &all = elfSection.symbols;
  auto at = std::lower_bound(all.begin(), all.end(), begin,
                             [](const analysis::LinkedSymbol &s, uint64_t a) { return s.address < a; });
  std::string unclaimed = "[" + input.name + "]";
  uint64_t cursor = begin;
  while (at != all.end() && at->address < end) {
    const analysis::LinkedSymbol &chosen = *at;  // the sort put the one to name first
    auto next = std::find_if(at, all.end(),
                             [&](const analysis::LinkedSymbol &s) { return s.address != chosen.address; });
    uint64_t nextStart = next != all.end() ? std::min(next->address, end) : end;
    uint64_t symbolEnd = chosen.size ? std::min(chosen.address + chosen.size, nextStart) : nextStart;
    symbols.extend(unclaimed, toPe + cursor, toPe + chosen.address);
    symbols.extend(chosen.name, toPe + chosen.address, toPe + symbolEnd);
    cursor = std::max(cursor, symbolEnd);
    at = next;
  }
  symbols.extend(unclaimed, toPe + cursor, toPe + end);
}

} // namespace

std::vector<SizeNode> attributeLinkedSection(uint64_t sectionBegin, uint64_t sectionEnd,
                                             const analysis::LinkedSection &elfSection,
                                             const std::vector<const analysis::MappedInputSection *> &inputs,
                                             const ByteCosts &costs) {
  uint64_t elfBegin = elfSection.address;
  uint64_t elfEnd = elfBegin + std::min(elfSection.size, sectionEnd - sectionBegin);
  // An address's place in the PE file, as an offset added to the address.
  uint64_t toPe = sectionBegin - elfBegin;

  std::vector<std::string> memberOrder;
  std::map<std::string, RowsByName> members;
  SizeNode fill = costs.emptyRow("(alignment fill)", RowKind::Overhead);
  uint64_t cursor = elfBegin;
  for (const analysis::MappedInputSection *input : inputs) {
    uint64_t begin = std::max(input->address, cursor);
    uint64_t end = std::min(input->address + input->size, elfEnd);
    if (end <= begin)
      continue;
    costs.extend(fill, toPe + cursor, toPe + begin);
    auto [slot, isNew] = members.try_emplace(input->member, costs, RowKind::Symbol);
    if (isNew)
      memberOrder.push_back(input->member);
    attributeInputSection(*input, begin, end, elfSection, toPe, slot->second);
    cursor = end;
  }
  costs.extend(fill, toPe + cursor, toPe + elfEnd);

  std::vector<SizeNode> rows;
  for (const std::string &name : memberOrder) {
    SizeNode member = costs.emptyRow(name, RowKind::Member);
    member.children = members.at(name).take();
    rows.push_back(std::move(member));
  }
  rows.push_back(std::move(fill));
  rows.push_back(costs.row("(file alignment)", RowKind::Overhead, toPe + elfEnd, sectionEnd));
  return rows;
}

std::map<std::string, std::vector<const analysis::MappedInputSection *>>
inputsByOutputSection(const analysis::LinkMap &map) {
  std::map<std::string, std::vector<const analysis::MappedInputSection *>> inputs;
  for (const analysis::MappedInputSection &input : map.inputSections)
    inputs[input.outputSection].push_back(&input);
  for (auto &[name, list] : inputs)
    std::stable_sort(list.begin(), list.end(),
                     [](auto *a, auto *b) { return a->address < b->address; });
  return inputs;
}

std::vector<SizeNode> attributePe(uint64_t peSize, const pe::Summary &summary,
                                  const ByteCosts &costs, const LinkDetail *detail) {
  std::vector<SizeNode> rows;
  uint64_t headersEnd = std::min<uint64_t>(summary.headersSize, peSize);
  rows.push_back(costs.row("PE headers", RowKind::Overhead, 0, headersEnd));

  std::vector<const pe::Section *> sections;
  for (const pe::Section &section : summary.sections)
    if (section.rawSize)
      sections.push_back(&section);
  std::stable_sort(sections.begin(), sections.end(),
                   [](auto *a, auto *b) { return a->rawOffset < b->rawOffset; });

  std::map<std::string, std::vector<const analysis::MappedInputSection *>> inputsBySection;
  if (detail)
    inputsBySection = inputsByOutputSection(detail->map);

  SizeNode gaps = costs.emptyRow("PE alignment padding", RowKind::Overhead);
  uint64_t cursor = headersEnd;
  for (const pe::Section *section : sections) {
    // Hostile or odd files may overlap sections or run past the end: each
    // byte is counted once, in the first row that claims it.
    uint64_t begin = std::clamp<uint64_t>(section->rawOffset, cursor, peSize);
    uint64_t end = std::clamp<uint64_t>(uint64_t(section->rawOffset) + section->rawSize, begin, peSize);
    if (end <= begin)
      continue;
    costs.extend(gaps, cursor, begin);
    cursor = end;
    bool isRelocations = section->name == ".reloc";
    SizeNode row = costs.row(isRelocations ? ".reloc (relocation table)" : section->name,
                             isRelocations ? RowKind::Overhead : RowKind::Section, begin, end);
    const analysis::LinkedSection *elfSection = detail ? detail->elf.find(section->name) : nullptr;
    if (elfSection && elfSection->hasContents && !isRelocations)
      row.children = attributeLinkedSection(begin, end, *elfSection,
                                             inputsBySection[section->name], costs);
    rows.push_back(std::move(row));
  }
  costs.extend(gaps, cursor, peSize);
  rows.push_back(std::move(gaps));
  return rows;
}

} // namespace romfit::report
