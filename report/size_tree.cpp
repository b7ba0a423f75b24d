#include "report/size_tree.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "support/error.h"

namespace romfit::report {

llvm::StringRef rowKindName(RowKind kind) {
  switch (kind) {
  case RowKind::Rom: return "rom";
  case RowKind::Image: return "image";
  case RowKind::Section: return "section";
  case RowKind::Member: return "member";
  case RowKind::Symbol: return "symbol";
  case RowKind::Overhead: return "overhead";
  }
  return "overhead";
}

SizeNode plainRow(std::string name, RowKind kind, uint64_t bytes) {
  SizeNode node;
  node.name = std::move(name);
  node.kind = kind;
  node.raw = bytes;
  node.stored = bytes;
  return node;
}

SizeNode compressedRow(std::string name, RowKind kind, uint64_t raw, double bits) {
  SizeNode node;
  node.name = std::move(name);
  node.kind = kind;
  node.raw = raw;
  node.bits = bits;
  node.apportioned = true;
  return node;
}

std::vector<uint64_t> apportion(uint64_t total, const std::vector<double> &weights) {
  std::vector<uint64_t> shares(weights.size(), 0);
  if (weights.empty())
    return shares;
  double weightSum = 0;
  for (double weight : weights)
    weightSum += std::max(weight, 0.0);
  std::vector<double> remainders(weights.size(), 0);
  uint64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    double exact = weightSum > 0 ? double(total) * std::max(weights[i], 0.0) / weightSum
                                 : double(total) / double(weights.size());
    shares[i] = std::min<uint64_t>(uint64_t(std::floor(exact)), total - given);
    given += shares[i];
    remainders[i] = exact - double(shares[i]);
  }
  // Floating-point rounding can leave the floors a few bytes off either
  // way; the largest remainders take what is left, ties by position.
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (size_t k = 0; given < total; k = (k + 1) % order.size()) {
    ++shares[order[k]];
    ++given;
  }
  return shares;
}

namespace {

void sumChildren(SizeNode &node) {
  if (node.children.empty())
    return;
  uint64_t raw = 0;
  double bits = 0;
  bool anyApportioned = false;
  uint64_t stored = 0;
  for (SizeNode &child : node.children) {
    sumChildren(child);
    raw += child.raw;
    bits += child.bits;
    anyApportioned |= child.apportioned;
    stored += child.stored;
  }
  node.raw = raw;
  node.bits = bits;
  // A parent of plain rows only is plain; its bytes are its children's.
  if (!anyApportioned && !node.apportioned)
    node.stored = stored;
}

void apportionChildren(SizeNode &node) {
  if (node.children.empty())
    return;
  uint64_t plain = 0;
  std::vector<double> weights;
  for (const SizeNode &child : node.children) {
    if (child.apportioned)
      weights.push_back(child.bits);
    else
      plain += child.stored;
  }
  if (!weights.empty()) {
    std::vector<uint64_t> shares = apportion(node.stored > plain ? node.stored - plain : 0, weights);
    size_t next = 0;
    for (SizeNode &child : node.children)
      if (child.apportioned)
        child.stored = shares[next++];
  }
  for (SizeNode &child : node.children)
    apportionChildren(child);
}

llvm::Error checkNode(const SizeNode &node, const std::string &path) {
  if (node.children.empty())
    return llvm::Error::success();
  uint64_t raw = 0, stored = 0;
  for (const SizeNode &child : node.children) {
    raw += child.raw;
    stored += child.stored;
  }
  if (raw != node.raw || stored != node.stored)
    return makeError("report row '{}' does not reconcile: {} raw and {} stored bytes, its rows add "
                     "up to {} and {}",
                     path, node.raw, node.stored, raw, stored);
  for (const SizeNode &child : node.children)
    if (llvm::Error error = checkNode(child, path + "/" + child.name))
      return error;
  return llvm::Error::success();
}

void dropEmptyRows(SizeNode &node) {
  std::erase_if(node.children, [](const SizeNode &child) {
    return child.raw == 0 && child.stored == 0;
  });
  for (SizeNode &child : node.children)
    dropEmptyRows(child);
}

} // namespace

void finalizeTree(SizeNode &root) {
  sumChildren(root);
  apportionChildren(root);
  // Only now are shares known: a row of no raw bytes may still hold a share
  // of a stream (block headers), and a row of bytes may round to none.
  dropEmptyRows(root);
}

llvm::Error checkReconciles(const SizeNode &root) { return checkNode(root, root.name); }

void sortBySize(SizeNode &root) {
  std::stable_sort(root.children.begin(), root.children.end(),
                   [](const SizeNode &a, const SizeNode &b) {
                     if (a.stored != b.stored)
                       return a.stored > b.stored;
                     if (a.raw != b.raw)
                       return a.raw > b.raw;
                     return a.name < b.name;
                   });
  for (SizeNode &child : root.children)
    sortBySize(child);
}

} // namespace romfit::report
