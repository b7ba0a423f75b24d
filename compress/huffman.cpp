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
