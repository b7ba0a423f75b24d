#include "pipeline/build_layout.h"

#include <algorithm>

#include <llvm/Support/Path.h>

namespace romfit::pipeline {

llvm::StringRef imageFileName(ImageFile file) {
  switch (file) {
  case ImageFile::PruneRecord: return "prune.json";
  case ImageFile::StubSource: return "stub.c";
  case ImageFile::StubObject: return "stub.o";
  case ImageFile::PrunedArchive: return "pruned.a";
  case ImageFile::PrunedElf: return "pruned.elf";
  case ImageFile::PrunedMap: return "pruned.map";
  case ImageFile::PrunedDriver: return "pruned.efidrv";
  case ImageFile::LinkOrderElf: return "pruned.link-order.elf";
  case ImageFile::LinkOrderMap: return "pruned.link-order.map";
  case ImageFile::LayoutScript: return "layout.lds";
  case ImageFile::UnprunedElf: return "unpruned.elf";
  case ImageFile::UnprunedMap: return "unpruned.map";
  case ImageFile::UnprunedDriver: return "unpruned.efidrv";
  case ImageFile::LinkedElf: return "linked.elf";
  case ImageFile::LinkedMap: return "linked.map";
  }
  return "";
}

std::string BuildLayout::path(const std::string &relative) const {
  return outDir_.empty() ? relative : outDir_ + "/" + relative;
}

std::string BuildLayout::buildNinja() const { return path("build.ninja"); }

std::string BuildLayout::packedRom(llvm::StringRef romId) const {
  return path(romId.str() + "/packed.rom");
}

std::string BuildLayout::unverifiedRom(llvm::StringRef romId) const {
  return path(romId.str() + ".unverified.rom");
}

std::string BuildLayout::provenRom(llvm::StringRef romId) const {
  return path(romId.str() + ".rom");
}

std::string BuildLayout::unprunedRom(llvm::StringRef romId) const {
  return path(romId.str() + ".unpruned.rom");
}

std::string BuildLayout::failedRom(llvm::StringRef romId) const {
  return path(romId.str() + ".failed.rom");
}

std::string BuildLayout::imageDir(llvm::StringRef romId, llvm::StringRef imageKind) const {
  // A colon would need escaping in build.ninja and is awkward in a shell.
  std::string name = imageKind.str();
  std::replace(name.begin(), name.end(), ':', '-');
  return path(romId.str() + "/" + name);
}

std::string BuildLayout::imageFile(llvm::StringRef romId, llvm::StringRef imageKind,
                                   ImageFile file) const {
  return imageDir(romId, imageKind) + "/" + imageFileName(file).str();
}

std::string BuildLayout::proofRecord() const { return path("proofs.json"); }

BuildLayout::RomInLayout BuildLayout::locateRom(llvm::StringRef romPath) {
  llvm::StringRef directory = llvm::sys::path::parent_path(romPath);
  if (llvm::sys::path::filename(romPath) == "packed.rom")
    return {llvm::sys::path::parent_path(directory).str(),
            llvm::sys::path::filename(directory).str()};
  return {directory.str(), llvm::sys::path::filename(romPath).split('.').first.str()};
}

} // namespace romfit::pipeline
