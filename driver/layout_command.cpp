// romfit layout: from a link-order link's ELF and map, a copy of its linker
// script that names the `.text.*` and `.rodata.*` input sections in
// similarity order, for the relink (pipeline/section_layout.h says why).
// build.ninja runs it between the two pruned links of an EFI image.
#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>

#include "driver/command.h"
#include "analysis/link_map.h"
#include "analysis/linked_elf.h"
#include "pipeline/layout_script.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::driver {
namespace {

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

  auto laidOut = pipeline::similarityLayoutScript(*map, *elf, (*script)->getBuffer(), *scriptPath,
                                                  *elfPath, *mapPath);
  if (!laidOut)
    return laidOut.takeError();
  if (llvm::Error error = writeFileAtomically(*outputPath, laidOut->text))
    return error;
  fmt::print("{}: input sections in similarity order: {}\n", *outputPath,
             llvm::join(laidOut->counts, ", "));
  return kExitOk;
}

RegisterCommand registration{
    CommandSpec{
        .name = "layout",
        .summary = "write a linker script that links .text.* and .rodata.* in similarity order",
        .usage = "--elf ELF --map MAP --script LDS -o OUT",
        .description = "Reads a link's ELF file and its ld map, and writes OUT: the link's script LDS\n"
        "with the input sections ld placed through `*(.text.*)` and through\n"
        "`*(.rodata.*)` named one by one before those lines, each section after the one\n"
        "it shares the most 6-byte strings with among those placed in the 8 KiB before\n"
        "it (the EFI encoder's window). Relinking with OUT links the same sections; only\n"
        "their order within those two statements changes. Every other line of LDS (the\n"
        "linker tables, .data, .bss) is kept as it is. romfit build runs it for each\n"
        "pruned EFI image unless --layout link-order.",
        .options = {
            {{"--elf"}, "ELF", "the linked ELF file (the link-order link)"},
            {{"--map"}, "MAP", "that link's -Map output"},
            {{"--script"}, "LDS", "that link's -T script"},
            {{"-o", "--output"}, "OUT", "the script to write"},
        },
        .maxPositionals = 0,
    },
    runLayout};

} // namespace
} // namespace romfit::driver
