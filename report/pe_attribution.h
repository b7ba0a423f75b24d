#pragma once
// A PE file's bytes as report rows: its headers, each section, and the
// alignment between them. With the ELF image and link map it was made from
// (elf2efi keeps ELF section contents and addresses), each section goes on
// down to archive members and their symbols.
#include <cstdint>
#include <vector>

#include <llvm/ADT/ArrayRef.h>

#include "compress/pe_summary.h"
#include "report/byte_costs.h"
#include "report/link_map.h"
#include "report/linked_elf.h"
#include "report/size_tree.h"

namespace romfit::report {

struct LinkDetail {
  LinkedElf elf;
  LinkMap map;
};

std::vector<SizeNode> attributePe(uint64_t peSize, const pe::Summary &summary,
                                  const ByteCosts &costs, const LinkDetail *detail);

} // namespace romfit::report
