#pragma once
// Match finders over the EFI window (kMaxDistance bytes back): a hash chain
// (the lazy parse's, bounded) and a binary tree per hash bucket (the optimal
// parse's: every candidate, at a fraction of the chain's cost). Positions
// must be inserted in increasing order; findLongest only sees inserted
// positions.
#include <cstdint>
#include <vector>

#include <llvm/ADT/ArrayRef.h>

#include "compress/efi_format.h"

namespace romfit::efi {

struct MatchCandidate {
  unsigned length = 0; // 0 when nothing of at least kMinMatch bytes was found
  unsigned distance = 0;
};

class HashChainMatchFinder {
public:
  HashChainMatchFinder(llvm::ArrayRef<uint8_t> input, unsigned maxChainLength);

  // Inserts every position below `end` not inserted yet.
  void insertUpTo(size_t end);
  // The longest match for `position` (nearest on ties), at most kMaxMatch
  // and never past the input's end.
  MatchCandidate findLongest(size_t position) const;
  // Every useful match for `position`, for an optimal parser: appends
  // candidates of strictly increasing length and distance, each the nearest
  // match reaching its length, so every length in (previous.length,
  // candidate.length] is best taken at candidate.distance. Returns the
  // longest length found (0 for none).
  unsigned findAll(size_t position, std::vector<MatchCandidate> &out) const;

private:
  template <typename OnLonger>
  size_t walkChain(size_t position, OnLonger onLonger) const;
  static constexpr unsigned kHashBits = 15;
  static constexpr int32_t kNone = -1;

  uint32_t hashAt(size_t position) const;

  llvm::ArrayRef<uint8_t> input_;
  unsigned maxChainLength_;
  size_t inserted_ = 0;
  std::vector<int32_t> head_;
  std::vector<int32_t> previous_; // indexed by position modulo the window
};

// The same answers as HashChainMatchFinder::findAll, for a parser that asks
// at every position in turn: each hash bucket's positions form a binary
// search tree of the suffixes starting there, the newest at the root (the
// structure of LZMA's binary-tree match finders). One descent from the root
// meets, for every length, the nearest position whose match reaches it,
// where a chain must visit every position of the bucket; the descent also
// inserts the position, as the new root.
class BinaryTreeMatchFinder {
public:
  // maxDepth bounds the nodes one descent visits (the whole window: exact).
  BinaryTreeMatchFinder(llvm::ArrayRef<uint8_t> input, unsigned maxDepth);

  // Call for position 0, 1, 2, ... in turn. Appends what findAll appends.
  unsigned findAllAndInsert(size_t position, std::vector<MatchCandidate> &out);

private:
  static constexpr unsigned kHashBits = 16;
  static constexpr int32_t kNone = -1;

  uint32_t hashAt(size_t position) const;
  int32_t &smaller(size_t position) { return children_[2 * (position % kWindowSize)]; }
  int32_t &larger(size_t position) { return children_[2 * (position % kWindowSize) + 1]; }

  llvm::ArrayRef<uint8_t> input_;
  unsigned maxDepth_;
  std::vector<int32_t> head_;
  std::vector<int32_t> children_;  // per window slot: the smaller and the larger subtree
};

} // namespace romfit::efi
