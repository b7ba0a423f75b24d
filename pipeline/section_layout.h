#pragma once
// The order a pruned EFI driver's functions and constants are linked in.
// The ROM's EFI compression matches only 8 KiB back, and ld places input
// sections in link order (archive member by member), so code that looks
// alike may sit too far apart for the encoder to reuse it. The similarity
// layout orders the input sections ld placed through `*(.text.*)` and
// `*(.rodata.*)` so that each one follows the sections it shares most bytes
// with, and relinks with a copy of the linker script that names them in that
// order. Nothing else moves: whatever another statement places (the linker
// tables under KEEP(*(SORT(.tbl.*))), whose order is their meaning, .data,
// .bss) keeps its place, and the wildcard lines stay after the named
// sections, so a section the copy does not name still lands where it did.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "compress/efi_format.h"

namespace romfit::pipeline {

enum class SectionLayout {
  LinkOrder,   // as ld places them: the reference, and the unpruned image's order
  Similarity,  // similar sections next to each other, for the encoder's window
};
// Pruned EFI images are laid out for the encoder unless told otherwise.
inline constexpr SectionLayout kDefaultLayout = SectionLayout::Similarity;

llvm::StringRef layoutName(SectionLayout layout);  // "link-order", "similarity"
// Errors name the text and the two layouts.
llvm::Expected<SectionLayout> parseLayout(llvm::StringRef text);

// The script statements whose input sections the layout may reorder, as a
// script writes them and ld's map echoes them. Any order of what they match
// is an order ld could have chosen for another link order.
inline constexpr std::array<llvm::StringLiteral, 2> kReorderedStatements = {"*(.text.*)",
                                                                            "*(.rodata.*)"};

// How far back the encoder looks: sections further back than this in the
// layout do not count as neighbours.
inline constexpr size_t kLayoutWindow = efi::kWindowSize;

struct LayoutSection {
  std::string name;  // ".text.intel_probe"
  std::string file;  // the input as ld's map names it: "/out/pruned.a(intel.o)", "bin/stub.o"
  llvm::ArrayRef<uint8_t> bytes;  // its contents in the link-order link
};

// A greedy order of `sections` (indices into it): the first section first,
// then again and again the unplaced section sharing the most distinct 6-byte
// strings with the sections placed last, as far back as `window` bytes reach
// (the section that crosses the limit counts whole); a tie goes to the
// section earlier in link order, so sections that share nothing keep it.
std::vector<size_t> similarityOrder(llvm::ArrayRef<LayoutSection> sections,
                                    size_t window = kLayoutWindow);

// The input-section description that matches exactly `section` of `file`:
// "*pruned.a:intel.o(.text.intel_probe)" for an archive member,
// ":*/stub.o(.text.ipxe)" for an object named on the command line (":" keeps
// an archive member of the same name out). None when a name holds a character
// a script cannot carry literally (a glob character, a space, a parenthesis):
// the section is then left to the wildcard.
std::optional<std::string> inputSectionPattern(llvm::StringRef file, llvm::StringRef section);

struct StatementOrder {
  llvm::StringRef statement;             // one of kReorderedStatements
  std::vector<std::string> patterns;     // in the order wanted
};

// `script` with each statement's patterns inserted, one a line, just before
// the statement's own line, which stays; every other line is kept as it is.
// A statement with patterns must stand on exactly one line of the script
// (errors name `scriptName`, the statement and how often it was found).
llvm::Expected<std::string> scriptWithSectionOrder(llvm::StringRef script,
                                                   llvm::StringRef scriptName,
                                                   llvm::ArrayRef<StatementOrder> orders);


// GCC's mergeable constants and strings (.rodata.str1.1, .rodata.cst8,
// .rodata.FN.str1.1): ld merges their contents across inputs, so the map's
// address and size for one input need not be bytes of the output at all;
// the layout leaves them under the wildcard.
bool isMergedByLinker(llvm::StringRef sectionName);

} // namespace romfit::pipeline
