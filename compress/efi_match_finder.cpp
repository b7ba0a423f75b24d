#include "compress/efi_match_finder.h"

#include <algorithm>

namespace romfit::efi {

HashChainMatchFinder::HashChainMatchFinder(llvm::ArrayRef<uint8_t> input, unsigned maxChainLength)
    : input_(input), maxChainLength_(maxChainLength), head_(size_t(1) << kHashBits, kNone),
      previous_(kWindowSize, kNone) {}

uint32_t HashChainMatchFinder::hashAt(size_t position) const {
  uint32_t bytes = uint32_t(input_[position]) << 16 | uint32_t(input_[position + 1]) << 8 |
                   input_[position + 2];
  return (bytes * 2654435761u) >> (32 - kHashBits);
}

void HashChainMatchFinder::insertUpTo(size_t end) {
  end = std::min(end, input_.size() >= kMinMatch ? input_.size() - kMinMatch + 1 : 0);
  for (; inserted_ < end; ++inserted_) {
    uint32_t hash = hashAt(inserted_);
    previous_[inserted_ % kWindowSize] = head_[hash];
    head_[hash] = static_cast<int32_t>(inserted_);
  }
}

// Walks the hash chain at `position`, calling onLonger(length, distance) for
// each match longer than every earlier one (so nearest first per length).
// Returns the longest length found, or kMinMatch - 1.
template <typename OnLonger>
size_t HashChainMatchFinder::walkChain(size_t position, OnLonger onLonger) const {
  size_t bestLength = kMinMatch - 1;
  if (position + kMinMatch > input_.size())
    return bestLength;
  const size_t maxLength = std::min<size_t>(kMaxMatch, input_.size() - position);
  const uint8_t *current = input_.data() + position;
  const size_t windowStart = position > kMaxDistance ? position - kMaxDistance : 0;
  unsigned chainLeft = maxChainLength_;
  for (int32_t candidate = head_[hashAt(position)];
       candidate != kNone && size_t(candidate) >= windowStart && size_t(candidate) < position &&
       chainLeft-- > 0;
       candidate = previous_[candidate % kWindowSize]) {
    const uint8_t *earlier = input_.data() + candidate;
    // Only a match that beats the best so far matters; its last byte
    // rules most candidates out at once.
    if (earlier[bestLength] != current[bestLength] || earlier[0] != current[0])
      continue;
    size_t length = 0;
    while (length < maxLength && earlier[length] == current[length])
      ++length;
    if (length > bestLength) {
      bestLength = length;
      onLonger(static_cast<unsigned>(length), static_cast<unsigned>(position - candidate));
      if (length == maxLength)
        break;
    }
  }
  return bestLength;
}

MatchCandidate HashChainMatchFinder::findLongest(size_t position) const {
  MatchCandidate best;
  walkChain(position, [&](unsigned length, unsigned distance) { best = {length, distance}; });
  return best;
}

unsigned HashChainMatchFinder::findAll(size_t position, std::vector<MatchCandidate> &out) const {
  size_t bestLength = walkChain(position, [&](unsigned length, unsigned distance) {
    out.push_back({length, distance});
  });
  return bestLength >= kMinMatch ? static_cast<unsigned>(bestLength) : 0;
}

} // namespace romfit::efi
