#pragma once
// The greedy-with-lazy-evaluation LZ77 parse for EFI compression (the
// strategy of EDK2's reference encoder): hash chains over the 8 KiB window,
// and a match is deferred by one byte when the next position matches longer.
#include <cstdint>
#include <vector>

#include <llvm/ADT/ArrayRef.h>

#include "compress/efi_token.h"

namespace romfit::efi {

struct LazyParseOptions {
  // Candidates examined per position; more finds longer matches, slower.
  unsigned maxChainLength = 4096;
  // Length-3 matches farther than this are dropped. On iPXE's EFI drivers
  // even the farthest ones beat three literals, so the default keeps them all.
  unsigned maxDistanceForMinMatch = kMaxDistance;
};

std::vector<LzToken> lazyParse(llvm::ArrayRef<uint8_t> input, const LazyParseOptions &options = {});

} // namespace romfit::efi
