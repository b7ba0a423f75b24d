#pragma once
// `romfit layout`'s work: from a link-order link's ELF and map, the tree's
// linker script with the `.text.*` and `.rodata.*` input sections named in
// similarity order (section_layout.h says why).
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "analysis/link_map.h"
#include "analysis/linked_elf.h"

namespace romfit::pipeline {

struct LaidOutScript {
  std::string text;                // the script to link with
  std::vector<std::string> counts; // per statement: how many sections it names, and why not the rest
};

// The map's input sections, their bytes read from the ELF (the paths name the
// files in errors: a map and ELF of different links are refused).
llvm::Expected<LaidOutScript> similarityLayoutScript(const analysis::LinkMap &map,
                                                     const analysis::LinkedElf &elf,
                                                     llvm::StringRef script,
                                                     llvm::StringRef scriptPath,
                                                     llvm::StringRef elfPath,
                                                     llvm::StringRef mapPath);

} // namespace romfit::pipeline
