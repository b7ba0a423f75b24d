#pragma once
// Where a built ROM can be picked up, named by what its proof says, so that
// no file ever carries a proven ROM's name before its proof has passed: a
// packaging script globbing *.rom, or a person after an interrupted build,
// sees only proven bytes under ID.rom.
#include <string>

#include <llvm/Support/Error.h>

namespace romfit::verify {

enum class ProofState { Unverified, Proven, Failed };

struct PublishedRomNames {
  std::string built;       // what pack wrote; left in place (the build's own output)
  std::string unverified;  // ID.unverified.rom: not proven (yet, or not at all)
  std::string proven;      // ID.rom
  std::string failed;      // ID.failed.rom
  const std::string &forState(ProofState state) const;
};

// Puts `built`'s bytes under the name `state` calls for and removes the
// other two, in that order: a proven ROM goes from ID.unverified.rom to
// ID.rom by one rename; anything else is written whole or not at all. A
// file that already holds those bytes under that name is left alone.
llvm::Error publishRom(const PublishedRomNames &names, ProofState state);

} // namespace romfit::verify
