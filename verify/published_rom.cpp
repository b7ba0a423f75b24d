#include "verify/published_rom.h"

#include <llvm/Support/FileSystem.h>

#include "support/error.h"
#include "support/file_io.h"

namespace romfit::verify {

const std::string &PublishedRomNames::forState(ProofState state) const {
  switch (state) {
  case ProofState::Proven:
    return proven;
  case ProofState::Failed:
    return failed;
  case ProofState::Unverified:
    break;
  }
  return unverified;
}

static bool holdsBytes(const std::string &path, const Bytes &bytes) {
  auto existing = readFileBytes(path);
  if (!existing) {
    llvm::consumeError(existing.takeError());
    return false;
  }
  return *existing == bytes;
}

llvm::Error publishRom(const PublishedRomNames &names, ProofState state) {
  auto bytes = readFileBytes(names.built);
  if (!bytes)
    return bytes.takeError();
  const std::string &target = names.forState(state);
  if (!holdsBytes(target, *bytes)) {
    if (state != ProofState::Unverified && holdsBytes(names.unverified, *bytes)) {
      if (std::error_code ec = llvm::sys::fs::rename(names.unverified, target))
        return makeError("cannot rename '{}' to '{}': {}", names.unverified, target, ec.message());
    } else if (llvm::Error error = writeFileAtomically(target, *bytes)) {
      return error;
    }
  }
  for (ProofState other : {ProofState::Unverified, ProofState::Proven, ProofState::Failed}) {
    const std::string &stale = names.forState(other);
    if (other == state)
      continue;
    if (std::error_code ec = llvm::sys::fs::remove(stale); ec)
      return makeError("cannot remove '{}': {}", stale, ec.message());
  }
  return llvm::Error::success();
}

} // namespace romfit::verify
