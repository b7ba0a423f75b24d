// The link analysis's loader on an arbitrary input file, object or archive:
// the archive index and symbol map, every member's ELF reading, then the
// whole analysis (resolution, extraction, graph, both views) under the
// fixture's script and roots, as `romfit members` would run it, and the
// reports `top`, `garbage` and `dominators` make of it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include "analysis/dominators.h"
#include "analysis/elf_object.h"
#include "analysis/input_files.h"
#include "analysis/link_analysis.h"
#include "analysis/link_command.h"
#include "analysis/size_attribution.h"

namespace {

// The loader reads files by path, so each input goes through one file in a
// scratch directory that lives as long as the fuzzer.
struct ScratchInput {
  ScratchInput() {
    llvm::SmallString<128> directory;
    if (llvm::sys::fs::createUniqueDirectory("romfit-fuzz-loader", directory))
      std::abort();
    path = std::string(directory) + "/input";
    this->directory = std::string(directory);
  }
  ~ScratchInput() { llvm::sys::fs::remove_directories(directory); }
  void write(const uint8_t *data, size_t size) {
    std::error_code error;
    llvm::raw_fd_ostream out(path, error);
    if (error)
      std::abort();
    out.write(reinterpret_cast<const char *>(data), size);
  }
  std::string directory, path;
};

// Members the link does not extract are still read, so a broken member
// anywhere in an archive meets the ELF reader.
void readEveryMember(const romfit::analysis::InputFiles &inputs) {
  for (const romfit::analysis::InputFile &file : inputs.files)
    for (const romfit::analysis::ArchiveMember &member : file.members) {
      auto emulation = romfit::analysis::emulationOfObject(member.buffer);
      if (!emulation) {
        llvm::consumeError(emulation.takeError());
        continue;
      }
      auto object = romfit::analysis::readElfObject(member.buffer, *emulation);
      if (!object)
        llvm::consumeError(object.takeError());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static ScratchInput input;
  input.write(data, size);
  // The fixture's roots, so its objects and archive seed real extractions.
  std::vector<std::string> arguments{
      "ld", "-T", ROMFIT_SOURCE_DIR "/tests/fixtures/linkgraph/fixture.lds", "--gc-sections",
      "-u", "_drv_start", "-u", "obj_netdrv", "-u", "obj_config", "-e", "_drv_start", input.path};
  auto command = romfit::analysis::parseLinkCommand(arguments);
  if (!command)
    std::abort();

  auto inputs = romfit::analysis::loadInputFiles(*command);
  if (!inputs) {
    llvm::consumeError(inputs.takeError());
    return 0;
  }
  readEveryMember(**inputs);

  auto analysis = romfit::analysis::analyseLink(std::move(*command));
  if (!analysis) {
    llvm::consumeError(analysis.takeError());
    return 0;
  }
  const romfit::analysis::LinkAnalysis &link = **analysis;
  romfit::analysis::ViewOptions options;
  romfit::analysis::Liveness reachable = link.reachable(options);
  (void)link.objectsNeeded(reachable);
  for (auto grouping : {romfit::analysis::SizeGrouping::Member,
                        romfit::analysis::SizeGrouping::Section,
                        romfit::analysis::SizeGrouping::Symbol})
    (void)romfit::analysis::attributeSizes(link.graph, link.linker, grouping);
  (void)romfit::analysis::findGarbage(link.graph, link.linker, reachable);
  (void)romfit::analysis::computeDominators(link.graph, reachable, options);
  return 0;
}
