#pragma once
// What `romfit inspect` says of a ROM: every image (PCIR, legacy headers,
// EFI header and the PE inside) and the ROM against its budget, as text or
// as one line of JSON.
#include <string>

#include <llvm/ADT/StringRef.h>

#include "report/budget.h"
#include "rom/pci_rom.h"

namespace romfit::report {

std::string romInspectionText(llvm::StringRef path, const pci::Rom &rom, const BudgetLine &line);

// One JSON document on one line (no newline), so several ROMs stay easy to split.
std::string romInspectionJson(llvm::StringRef path, const pci::Rom &rom, const BudgetLine &line);

} // namespace romfit::report
