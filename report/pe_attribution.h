#pragma once
// A PE file's bytes as report rows: its headers, each section, and the
// alignment between them. With the ELF image and link map it was made from
// (elf2efi keeps ELF section contents and addresses), each section goes on
// down to archive members and their symbols.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>

#include "rom/pe_summary.h"
#include "report/byte_costs.h"
#include "analysis/link_map.h"
#include "analysis/linked_elf.h"
#include "report/size_tree.h"

namespace romfit::report {

struct LinkDetail {
  analysis::LinkedElf elf;
  analysis::LinkMap map;
};

// The rows of one section whose bytes [sectionBegin, sectionEnd) of the
// image came from `elfSection`: its members (each down to symbols),
// alignment fill between input sections, and file alignment after them.
std::vector<SizeNode> attributeLinkedSection(uint64_t sectionBegin, uint64_t sectionEnd,
                                             const analysis::LinkedSection &elfSection,
                                             const std::vector<const analysis::MappedInputSection *> &inputs,
                                             const ByteCosts &costs);

// The map's input sections by output section, each list by address.
std::map<std::string, std::vector<const analysis::MappedInputSection *>>
inputsByOutputSection(const analysis::LinkMap &map);

std::vector<SizeNode> attributePe(uint64_t peSize, const pe::Summary &summary,
                                  const ByteCosts &costs, const LinkDetail *detail);

} // namespace romfit::report
