#include "history/commit_build.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Program.h>

#include "pipeline/ipxe_targets.h"
#include "report/rom_attribution.h"
#include "support/error.h"
#include "support/process_runner.h"

namespace romfit::history {

namespace {

void addMembers(const report::SizeNode &node, std::map<std::string, uint64_t> &members,
                ImageSymbols &symbols) {
  for (const report::SizeNode &child : node.children) {
    if (child.kind == report::RowKind::Member) {
      members[child.name] += child.stored;
      for (const report::SizeNode &symbol : child.children)
        if (symbol.kind == report::RowKind::Symbol)
          symbols[{child.name, symbol.name}] += symbol.raw;
    } else if (child.kind != report::RowKind::Symbol) {
      addMembers(child, members, symbols);
    }
  }
}

// The images of the ROM file at `romPath`; their symbols go to `symbols`
// under the image's name and `suffix`.
llvm::Expected<std::map<std::string, ImageBytes>> imagesOf(llvm::StringRef romPath, uint64_t &fileBytes,
                                                           RomSymbols *symbols,
                                                           llvm::StringRef suffix) {
  auto report = report::attributeRom(romPath);
  if (!report)
    return report.takeError();
  fileBytes = report->fileSize;
  std::map<std::string, ImageBytes> images;
  for (const report::SizeNode &image : report->tree.children) {
    if (image.kind != report::RowKind::Image)
      continue;
    ImageBytes &entry = images[image.name];
    entry.bytes += image.stored;
    ImageSymbols ignored;
    addMembers(image, entry.members, symbols ? (*symbols)[image.name + suffix.str()] : ignored);
  }
  return images;
}

std::string tailOf(llvm::StringRef logPath, size_t lines) {
  auto buffer = llvm::MemoryBuffer::getFile(logPath);
  if (!buffer)
    return "";
  llvm::StringRef text = (*buffer)->getBuffer().rtrim();
  size_t start = text.size();
  for (size_t seen = 0; start > 0 && seen < lines; --start)
    if (text[start - 1] == '\n')
      ++seen;
  return text.drop_front(start).str();
}

std::string builtRomPath(llvm::StringRef outDir, llvm::StringRef romId) {
  for (const char *suffix : {".rom", ".unverified.rom", ".failed.rom"}) {
    std::string candidate = (outDir + "/" + romId + suffix).str();
    if (llvm::sys::fs::exists(candidate))
      return candidate;
  }
  return (outDir + "/" + romId + "/packed.rom").str();
}

} // namespace

llvm::Expected<RomBytes> measureRom(llvm::StringRef romPath, llvm::StringRef unprunedPath,
                                    RomSymbols *symbols) {
  RomBytes rom;
  auto images = imagesOf(romPath, rom.bytes, symbols, "");
  if (!images)
    return images.takeError();
  rom.images = std::move(*images);
  if (llvm::sys::fs::exists(unprunedPath)) {
    auto unpruned = imagesOf(unprunedPath, rom.unprunedBytes, symbols, kUnprunedSuffix);
    if (!unpruned)
      return unpruned.takeError();
    rom.unprunedImages = std::move(*unpruned);
  }
  return rom;
}

llvm::Expected<BuiltCommit> buildCommit(const CommitBuildRequest &request, const Commit &commit) {
  if (llvm::Error error = GitRepository::checkout(request.worktree, commit.id))
    return error;
  auto env = llvm::sys::findProgramByName("env");
  if (!env)
    return makeError("env is not installed");
  std::vector<std::string> command = {*env, "GIT_DIR=/nonexistent/romfit-history",
                                      "GIT_CEILING_DIRECTORIES=/"};
  if (!getenv("SOURCE_DATE_EPOCH"))
    command.push_back("SOURCE_DATE_EPOCH=1700000000");
  command.insert(command.end(), {request.romfit, "build", "--ipxe", request.worktree});
  command.insert(command.end(), request.buildArguments.begin(), request.buildArguments.end());
  command.insert(command.end(), {"-o", request.outDir});
  auto process = support::systemProcessRunner().start(command, request.logPath, request.logPath);
  if (!process)
    return process.takeError();
  auto status = support::waitForExit(**process);
  if (!status)
    return status.takeError();
  if (*status != 0 && *status != 1)
    return makeError("romfit build of {} ended with status {} ({}):\n{}", commit.id.substr(0, 12),
                     *status, request.logPath, tailOf(request.logPath, 8));

  BuiltCommit built;
  for (const std::string &romId : request.romIds) {
    auto rom = measureRom(builtRomPath(request.outDir, romId),
                          request.outDir + "/" + romId + ".unpruned.rom", &built.symbols[romId]);
    if (!rom)
      return withContext(rom.takeError(), "commit " + commit.id.substr(0, 12));
    built.roms[romId] = std::move(*rom);
  }
  auto sourceDir = pipeline::findIpxeSourceDir(request.worktree);
  if (!sourceDir)
    return sourceDir.takeError();
  auto dependencies = dependenciesOfBuild(*sourceDir, request.outDir, request.romIds);
  if (!dependencies)
    return dependencies.takeError();
  built.dependencies = std::move(*dependencies);
  return built;
}

} // namespace romfit::history
