#pragma once
// Every byte of a ROM file (or of an EFI driver as a ROM would hold it),
// attributed: ROM, image, section, member, symbol.
// Symbol detail comes from the linked ELF and map `romfit build` keeps
// beside each ROM (OUTDIR/ID/efi-ARCH/); a ROM without them, such as
// Debian's, stops at PE sections and says so in its notes.
#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "report/budget.h"
#include "compress/efi_compress.h"
#include "report/size_tree.h"

namespace romfit::report {

struct RomReport {
  std::string path;
  uint64_t fileSize = 0;
  BudgetLine budget;  // set by measureAgainst: a policy, not part of the measurement
  SizeNode tree;  // finalised, reconciled and sorted largest first
  std::vector<std::string> notes;
};

// `driverLevel`: how an EFI driver file (not a ROM) is compressed to cost
// its bytes; a ROM's own streams are decoded, never re-encoded.
llvm::Expected<RomReport> attributeRom(llvm::StringRef romPath,
                                       efi::EfiLevel driverLevel = efi::EfiLevel::Optimal);

// The report's file against a budget (what `report` prints with it; `check`
// measures against its own limits).
RomReport measureAgainst(RomReport report, uint64_t budget);

// Every ROM the arguments name (romsNamedBy), attributed and measured
// against `budget`, in order.
llvm::Expected<std::vector<RomReport>> reportRomsNamedBy(const std::vector<std::string> &arguments,
                                                         uint64_t budget,
                                                         efi::EfiLevel driverLevel);

// The ROMs a report argument names: the file itself, or a build output
// directory's *.rom files (without the *.unpruned.rom comparisons), sorted.
llvm::Expected<std::vector<std::string>> romsNamedBy(llvm::StringRef argument);

// "efi:x86_64", "efi:i386", "efi:arm64", ...: the names --image takes.
std::string efiImageName(uint16_t machine);

} // namespace romfit::report
