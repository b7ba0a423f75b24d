#pragma once
// Every path of a romfit build's OUTDIR in one place. The build graph names
// them (relative to OUTDIR, where ninja runs), the build command and the
// report read them, the tests look at them:
//   OUTDIR/build.ninja
//   OUTDIR/ID/packed.rom  the pruned ROM as pack writes it (build.ninja's output)
//   OUTDIR/ID.rom (proven), ID.unverified.rom (not proven, or not yet),
//          ID.failed.rom (failed its proof): a copy of packed.rom under
//          exactly one of the three names, as its proof stands
//   OUTDIR/ID.unpruned.rom  the comparison, never proven
//   OUTDIR/proofs.json  the passed proofs, keyed by what they depend on
//   OUTDIR/ID/efi-ARCH/  prune.json stub.c stub.o pruned.a
//                        pruned.{elf,map,efidrv} unpruned.{elf,map,efidrv}
//                        pruned.link-order.{elf,map} layout.lds (the similarity layout)
//   OUTDIR/ID/legacy/    linked.{elf,map} (iPXE's own link, copied for the report)
#include <optional>
#include <string>

#include <llvm/ADT/StringRef.h>

namespace romfit::pipeline {

enum class ImageFile {
  PruneRecord,
  StubSource,
  StubObject,
  PrunedArchive,
  PrunedElf,
  PrunedMap,
  PrunedDriver,
  // The similarity layout's first link (pruned, in link order) and the
  // script it writes from it for the relink that makes pruned.elf.
  LinkOrderElf,
  LinkOrderMap,
  LayoutScript,
  UnprunedElf,
  UnprunedMap,
  UnprunedDriver,
  LinkedElf,  // legacy images
  LinkedMap,
};
llvm::StringRef imageFileName(ImageFile file);  // "prune.json", ...

class BuildLayout {
public:
  // Paths under `outDir`; with none, relative to OUTDIR as build.ninja names them.
  explicit BuildLayout(std::string outDir = "") : outDir_(std::move(outDir)) {}

  const std::string &outDir() const { return outDir_; }
  std::string buildNinja() const;
  std::string packedRom(llvm::StringRef romId) const;
  std::string unverifiedRom(llvm::StringRef romId) const;
  std::string provenRom(llvm::StringRef romId) const;
  std::string failedRom(llvm::StringRef romId) const;
  std::string unprunedRom(llvm::StringRef romId) const;
  std::string proofRecord() const;
  // imageKind as --image names it: "legacy", "efi:x86_64", ...
  std::string imageDir(llvm::StringRef romId, llvm::StringRef imageKind) const;
  std::string imageFile(llvm::StringRef romId, llvm::StringRef imageKind, ImageFile file) const;

  // The layout a ROM file of some OUTDIR belongs to, and its ROM ID, from its
  // name (ID.rom, ID.unverified.rom, ID.failed.rom, ID.unpruned.rom or
  // ID/packed.rom).
  struct RomInLayout {
    std::string outDir;
    std::string romId;
  };
  static RomInLayout locateRom(llvm::StringRef romPath);

private:
  std::string path(const std::string &relative) const;
  std::string outDir_;
};

} // namespace romfit::pipeline
