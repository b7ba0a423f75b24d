#include "compress/efi_match_finder.h"

#include <algorithm>

namespace romfit::efi {

namespace {

// Multiplicative hashing of the kMinMatch bytes a match starts with.
uint32_t hashOfFirstBytes(const uint8_t *bytes, unsigned bits) {
  uint32_t value = uint32_t(bytes[0]) << 16 | uint32_t(bytes[1]) << 8 | bytes[2];
  return (value * 2654435761u) >> (32 - bits);
}

} // namespace

HashChainMatchFinder::HashChainMatchFinder(llvm::ArrayRef<uint8_t> input, unsigned maxChainLength)
    : input_(input), maxChainLength_(maxChainLength), head_(size_t(1) << kHashBits, kNone),
      previous_(kWindowSize, kNone) {}

uint32_t HashChainMatchFinder::hashAt(size_t position) const {
  return hashOfFirstBytes(input_.data() + position, kHashBits);
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

BinaryTreeMatchFinder::BinaryTreeMatchFinder(llvm::ArrayRef<uint8_t> input, unsigned maxDepth)
    : input_(input), maxDepth_(maxDepth), head_(size_t(1) << kHashBits, kNone),
      children_(2 * size_t(kWindowSize), kNone) {}

uint32_t BinaryTreeMatchFinder::hashAt(size_t position) const {
  return hashOfFirstBytes(input_.data() + position, kHashBits);
}

unsigned BinaryTreeMatchFinder::findAllAndInsert(size_t position,
                                                 std::vector<MatchCandidate> &out) {
  // Positions too near the end for a match are neither searched nor kept,
  // as the hash chain does not keep them.
  if (position + kMinMatch > input_.size())
    return 0;
  const size_t limit = std::min<size_t>(kMaxMatch, input_.size() - position);
  const uint8_t *current = input_.data() + position;
  int32_t &bucket = head_[hashAt(position)];
  int32_t candidate = bucket;
  bucket = static_cast<int32_t>(position);

  // The descent splits the old tree around the current suffix: `smallerEnd`
  // is where the next node smaller than it hangs in the new tree, `largerEnd`
  // the next larger. Every node below a smaller (larger) node shares at
  // least `smallerLength` (`largerLength`) bytes with the current suffix,
  // so comparing starts after the shorter of the two.
  int32_t *smallerEnd = &smaller(position);
  int32_t *largerEnd = &larger(position);
  size_t smallerLength = 0, largerLength = 0, bestLength = kMinMatch - 1;
  for (unsigned depth = maxDepth_;; --depth) {
    if (candidate == kNone || position - size_t(candidate) > kMaxDistance || depth == 0) {
      *smallerEnd = *largerEnd = kNone;
      break;
    }
    const uint8_t *earlier = input_.data() + candidate;
    size_t length = std::min(smallerLength, largerLength);
    while (length < limit && earlier[length] == current[length])
      ++length;
    if (length > bestLength) {
      bestLength = length;
      out.push_back({static_cast<unsigned>(length), static_cast<unsigned>(position - candidate)});
    }
    if (length == limit) {
      // As long as anything can match: the current suffix stands in for it,
      // nearer, and takes its subtrees.
      *smallerEnd = smaller(candidate);
      *largerEnd = larger(candidate);
      break;
    }
    if (earlier[length] < current[length]) {
      *smallerEnd = candidate;
      smallerEnd = &larger(candidate);
      candidate = *smallerEnd;
      smallerLength = length;
    } else {
      *largerEnd = candidate;
      largerEnd = &smaller(candidate);
      candidate = *largerEnd;
      largerLength = length;
    }
  }
  return bestLength >= kMinMatch ? static_cast<unsigned>(bestLength) : 0;
}

} // namespace romfit::efi
