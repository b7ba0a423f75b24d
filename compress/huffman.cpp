#include "compress/huffman.h"

#include <algorithm>
#include <cassert>

namespace romfit::huffman {

namespace {

struct Leaf {
  uint64_t weight;
  uint32_t symbol;
};

// An entry of one package-merge list: a leaf (by index into the sorted
// leaves) or a package of two entries of the next deeper list.
struct Entry {
  uint64_t weight;
  int32_t leafIndex; // -1 for a package
};

// Plain Huffman code lengths for leaves sorted by weight (the two-queue
// method), written to `lengths`. Returns false, leaving `lengths` unspecified,
// when some code is longer than maxLength. A code within the limit is
// optimal among limited codes too, so package-merge is only needed when
// this fails.
bool unlimitedCodeLengths(const std::vector<Leaf> &leaves, unsigned maxLength,
                          std::vector<uint8_t> &lengths) {
  const size_t leafCount = leaves.size(), nodeCount = 2 * leafCount - 1;
  std::vector<uint64_t> weight(nodeCount);
  std::vector<uint32_t> parent(nodeCount, 0);
  for (size_t i = 0; i < leafCount; ++i)
    weight[i] = leaves[i].weight;
  size_t nextLeaf = 0, nextInternal = leafCount, created = leafCount;
  auto lightest = [&] {
    if (nextLeaf < leafCount && (nextInternal >= created || weight[nextLeaf] <= weight[nextInternal]))
      return nextLeaf++;
    return nextInternal++;
  };
  while (created < nodeCount) {
    size_t first = lightest();
    size_t second = lightest();
    weight[created] = weight[first] + weight[second];
    parent[first] = parent[second] = static_cast<uint32_t>(created);
    ++created;
  }
  // Parents are created after their children: one pass from the root down.
  std::vector<uint32_t> depth(nodeCount, 0);
  for (size_t node = nodeCount - 1; node-- > 0;) {
    depth[node] = depth[parent[node]] + 1;
    if (node < leafCount) {
      if (depth[node] > maxLength)
        return false;
      lengths[leaves[node].symbol] = static_cast<uint8_t>(depth[node]);
    }
  }
  return true;
}

// The search tables of costAwareCodeLengths.
struct CostAwareTables {
  // How a state was reached: a leaf placed at its depth, or the level above
  // split.
  static constexpr uint8_t kLeaf = 1, kSplit = 2;
  std::vector<uint64_t> cost, nextCost;
  std::vector<uint8_t> reachedBy;
};

} // namespace

std::vector<uint8_t> limitedCodeLengths(llvm::ArrayRef<uint32_t> frequencies, unsigned maxLength) {
  std::vector<uint8_t> lengths(frequencies.size(), 0);
  std::vector<Leaf> leaves;
  for (uint32_t symbol = 0; symbol < frequencies.size(); ++symbol)
    if (frequencies[symbol])
      leaves.push_back({frequencies[symbol], symbol});
  if (leaves.size() < 2)
    return lengths;
  assert(maxLength < 32 && leaves.size() <= (size_t(1) << maxLength));
  std::sort(leaves.begin(), leaves.end(), [](const Leaf &a, const Leaf &b) {
    return a.weight != b.weight ? a.weight < b.weight : a.symbol < b.symbol;
  });
  if (unlimitedCodeLengths(leaves, maxLength, lengths))
    return lengths;
  std::fill(lengths.begin(), lengths.end(), 0);

  // Only the first 2n-2 entries of any list can ever be selected, so longer
  // lists are cut there.
  const size_t selected = 2 * leaves.size() - 2;
  std::vector<std::vector<Entry>> lists(maxLength);
  for (size_t i = 0; i < leaves.size(); ++i)
    lists[0].push_back({leaves[i].weight, static_cast<int32_t>(i)});
  for (unsigned level = 1; level < maxLength; ++level) {
    const std::vector<Entry> &deeper = lists[level - 1];
    std::vector<Entry> &list = lists[level];
    list.reserve(std::min(selected, leaves.size() + deeper.size() / 2));
    size_t leafIndex = 0, pairIndex = 0;
    while (list.size() < selected) {
      bool haveLeaf = leafIndex < leaves.size();
      bool havePackage = pairIndex + 1 < deeper.size();
      if (!haveLeaf && !havePackage)
        break;
      uint64_t packageWeight =
          havePackage ? deeper[pairIndex].weight + deeper[pairIndex + 1].weight : 0;
      if (haveLeaf && (!havePackage || leaves[leafIndex].weight <= packageWeight)) {
        list.push_back({leaves[leafIndex].weight, static_cast<int32_t>(leafIndex)});
        ++leafIndex;
      } else {
        list.push_back({packageWeight, -1});
        pairIndex += 2;
      }
    }
  }

  // Every selected leaf entry is one level of depth for its symbol; selected
  // packages select the same number of pairs from the deeper list.
  size_t take = selected;
  for (unsigned level = maxLength; level-- > 0;) {
    size_t packages = 0;
    for (size_t i = 0; i < take && i < lists[level].size(); ++i) {
      const Entry &entry = lists[level][i];
      if (entry.leafIndex >= 0)
        ++lengths[leaves[entry.leafIndex].symbol];
      else
        ++packages;
    }
    take = 2 * packages;
  }
  return lengths;
}

std::vector<uint8_t> costAwareCodeLengths(llvm::ArrayRef<uint32_t> frequencies, unsigned maxLength,
                                          llvm::ArrayRef<uint32_t> lengthCost) {
  assert(lengthCost.size() == maxLength + 1);
  std::vector<uint8_t> lengths(frequencies.size(), 0);
  std::vector<uint32_t> symbols;
  for (uint32_t symbol = 0; symbol < frequencies.size(); ++symbol)
    if (frequencies[symbol])
      symbols.push_back(symbol);
  const size_t used = symbols.size();
  if (used < 2)
    return lengths;
  assert(maxLength < 32 && used <= (size_t(1) << maxLength));
  // Some optimal code gives more frequent symbols lengths no longer than
  // less frequent ones (swapping two lengths leaves the per-length costs
  // alone), so lengths are handed out in order of decreasing frequency.
  std::stable_sort(symbols.begin(), symbols.end(),
                   [&](uint32_t a, uint32_t b) { return frequencies[a] > frequencies[b]; });

  // Builds the code tree top down, one depth at a time. A state is (depth,
  // symbols placed, open nodes at this depth); from it, either the next
  // symbol becomes a leaf at this depth, or every open node splits into two
  // at the next depth. Open nodes never outnumber the symbols still to
  // place, since each must end as at least one leaf; a depth-d level holds
  // at most 2^d nodes; an open node holds at most 2^(maxLength - d) leaves.
  // Only states within those bounds are read, so the tables are reset no
  // further.
  const size_t width = used + 1;
  auto at = [&](size_t placed, size_t open) { return placed * width + open; };
  auto levelNodes = [](unsigned depth) { return size_t(1) << depth; };
  constexpr uint64_t kUnreachable = UINT64_MAX;
  // Reused across calls: fresh tables of this size cost more in page faults
  // than the search costs in arithmetic.
  thread_local CostAwareTables tables;
  tables.cost.resize(std::max(tables.cost.size(), width * width));
  tables.nextCost.resize(std::max(tables.nextCost.size(), width * width));
  tables.reachedBy.resize(std::max(tables.reachedBy.size(), (maxLength + 1) * width * width));
  uint64_t *cost = tables.cost.data(), *nextCost = tables.nextCost.data();
  auto reachedBy = [&](unsigned depth) { return tables.reachedBy.data() + depth * width * width; };
  auto resetLevel = [&](uint64_t *level, unsigned depth) {
    for (size_t placed = 0; placed <= std::min(used, levelNodes(depth)); ++placed)
      std::fill_n(level + at(placed, 0), std::min(used - placed, levelNodes(depth)) + 1, kUnreachable);
  };
  resetLevel(cost, 1);
  cost[at(0, 2)] = 0;
  reachedBy(1)[at(0, 2)] = CostAwareTables::kSplit;
  uint64_t bestCost = kUnreachable;
  unsigned bestDepth = 0;
  for (unsigned depth = 1; depth <= maxLength; ++depth) {
    if (depth < maxLength)
      resetLevel(nextCost, depth + 1);
    const unsigned depthLeft = maxLength - depth;
    uint8_t *reachedHere = reachedBy(depth);
    uint8_t *reachedNext = depth < maxLength ? reachedBy(depth + 1) : nullptr;
    for (size_t placed = 0; placed <= std::min(used, levelNodes(depth)); ++placed) {
      const size_t left = used - placed;
      const size_t fewestOpen = (left + (size_t(1) << depthLeft) - 1) >> depthLeft;
      const size_t mostOpen = std::min(left, levelNodes(depth));
      const size_t mostSplit = reachedNext ? left / 2 : 0;
      const uint64_t leafCost = left ? uint64_t(frequencies[symbols[placed]]) * depth + lengthCost[depth] : 0;
      const uint64_t *row = cost + at(placed, 0);
      uint64_t *splitRow = nextCost + at(placed, 0);
      for (size_t open = fewestOpen; open <= mostOpen; ++open) {
        const uint64_t here = row[open];
        if (here == kUnreachable)
          continue;
        if (open == 0) {
          if (left == 0 && here < bestCost) {
            bestCost = here;
            bestDepth = depth;
          }
          continue;
        }
        if (left && here + leafCost < cost[at(placed + 1, open - 1)]) {
          cost[at(placed + 1, open - 1)] = here + leafCost;
          reachedHere[at(placed + 1, open - 1)] = CostAwareTables::kLeaf;
        }
        if (open <= mostSplit && here < splitRow[2 * open]) {
          splitRow[2 * open] = here;
          reachedNext[at(placed, 2 * open)] = CostAwareTables::kSplit;
        }
      }
    }
    std::swap(cost, nextCost);
  }
  assert(bestCost != kUnreachable);

  size_t placed = used, open = 0;
  for (unsigned depth = bestDepth; depth >= 1 && !(depth == 1 && placed == 0);) {
    if (reachedBy(depth)[at(placed, open)] == CostAwareTables::kLeaf) {
      --placed;
      lengths[symbols[placed]] = static_cast<uint8_t>(depth);
      ++open;
    } else {
      open /= 2;
      --depth;
    }
  }
  return lengths;
}

std::vector<uint16_t> canonicalCodes(llvm::ArrayRef<uint8_t> lengths) {
  unsigned maxLength = 0;
  for (uint8_t length : lengths)
    maxLength = std::max<unsigned>(maxLength, length);
  std::vector<uint32_t> countOfLength(maxLength + 2, 0), nextCode(maxLength + 2, 0);
  for (uint8_t length : lengths)
    if (length)
      ++countOfLength[length];
  uint32_t code = 0;
  for (unsigned length = 1; length <= maxLength; ++length) {
    code = (code + countOfLength[length - 1]) << 1;
    nextCode[length] = code;
  }
  std::vector<uint16_t> codes(lengths.size(), 0);
  for (size_t symbol = 0; symbol < lengths.size(); ++symbol)
    if (lengths[symbol])
      codes[symbol] = static_cast<uint16_t>(nextCode[lengths[symbol]]++);
  return codes;
}

} // namespace romfit::huffman
