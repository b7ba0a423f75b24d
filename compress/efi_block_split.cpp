#include "compress/efi_block_split.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "compress/efi_block_coder.h"

namespace romfit::efi {

namespace {

// Boundaries are only considered between chunks of this many tokens, which
// bounds the number of blocks planned.
constexpr size_t kMinChunkTokens = 256;
constexpr size_t kTargetChunkCount = 256;
constexpr size_t kMaxChunkTokens = kMaxBlockSymbols / 4;

class BlockSplitter {
  static constexpr uint64_t kTooLarge = std::numeric_limits<uint64_t>::max() / 4;

public:
  BlockSplitter(llvm::ArrayRef<LzToken> tokens) : tokens_(tokens) {
    chunkTokens_ = std::clamp((tokens.size() + kTargetChunkCount - 1) / kTargetChunkCount,
                              kMinChunkTokens, kMaxChunkTokens);
    size_t chunkCount = (tokens.size() + chunkTokens_ - 1) / chunkTokens_;
    prefixCounts_.resize(chunkCount + 1);
    for (size_t chunk = 0; chunk < chunkCount; ++chunk) {
      prefixCounts_[chunk + 1] = prefixCounts_[chunk];
      prefixCounts_[chunk + 1].addAll(tokens.slice(chunkStart(chunk),
                                                   chunkStart(chunk + 1) - chunkStart(chunk)));
    }
  }

  std::vector<size_t> blockStarts() {
    std::vector<size_t> starts;
    if (tokens_.empty())
      return starts;
    split(0, prefixCounts_.size() - 1, starts);
    return starts;
  }

private:
  size_t chunkStart(size_t chunk) const { return std::min(chunk * chunkTokens_, tokens_.size()); }

  // Each half a split weighs is weighed again as the whole, or a half, of
  // the split of that half: planned once.
  uint64_t blockBits(size_t firstChunk, size_t endChunk) {
    auto [known, inserted] = plannedBits_.try_emplace(firstChunk * prefixCounts_.size() + endChunk, 0);
    if (!inserted)
      return known->second;
    EfiSymbolCounts counts = prefixCounts_[endChunk];
    counts -= prefixCounts_[firstChunk];
    known->second = counts.tokens > kMaxBlockSymbols ? kTooLarge : planBlock(counts).totalBits();
    return known->second;
  }

  // Splits [first, end) at its best chunk boundary while that saves bits.
  void split(size_t firstChunk, size_t endChunk, std::vector<size_t> &starts) {
    uint64_t wholeBits = blockBits(firstChunk, endChunk);
    // A range over the block size limit must split even if both halves are
    // over it too.
    if (wholeBits == kTooLarge)
      wholeBits = std::numeric_limits<uint64_t>::max();
    uint64_t bestBits = wholeBits;
    size_t bestMiddle = 0;
    for (size_t middle = firstChunk + 1; middle < endChunk; ++middle) {
      uint64_t bits = blockBits(firstChunk, middle) + blockBits(middle, endChunk);
      if (bits < bestBits) {
        bestBits = bits;
        bestMiddle = middle;
      }
    }
    if (bestMiddle == 0) {
      starts.push_back(chunkStart(firstChunk));
      return;
    }
    split(firstChunk, bestMiddle, starts);
    split(bestMiddle, endChunk, starts);
  }

  llvm::ArrayRef<LzToken> tokens_;
  size_t chunkTokens_ = kMinChunkTokens;
  std::vector<EfiSymbolCounts> prefixCounts_;
  std::unordered_map<size_t, uint64_t> plannedBits_;  // by first chunk and end chunk
};

} // namespace

std::vector<size_t> chooseBlockStarts(llvm::ArrayRef<LzToken> tokens) {
  return BlockSplitter(tokens).blockStarts();
}

} // namespace romfit::efi
