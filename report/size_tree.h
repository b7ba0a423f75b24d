#pragma once
// The one shape every report has, whatever the data came from: a tree of
// rows (ROM, image, section, member, symbol, and overhead rows for headers,
// padding and gaps) where each parent is exactly the sum of its children, in
// raw bytes and in bytes the row occupies in the ROM file.
#include <cstdint>
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::report {

enum class RowKind { Rom, Image, Section, Member, Symbol, Overhead };

llvm::StringRef rowKindName(RowKind kind);

struct SizeNode {
  std::string name;
  RowKind kind = RowKind::Overhead;
  // Bytes in the linked (uncompressed) image; 0 for bytes that only exist
  // because of compression, such as an EFI stream's header.
  uint64_t raw = 0;
  // Bytes the row occupies in the ROM file. Inside a compressed stream this
  // is the row's share of the stream, apportioned from `bits`.
  uint64_t stored = 0;
  // Inside a compressed stream: the bits the encoder spent on the row.
  double bits = 0;
  bool apportioned = false;
  std::vector<SizeNode> children;

  SizeNode &add(SizeNode child) {
    children.push_back(std::move(child));
    return children.back();
  }
};

// A row outside any compressed stream: it occupies its raw bytes.
SizeNode plainRow(std::string name, RowKind kind, uint64_t bytes);
// A row inside a compressed stream: `raw` bytes that cost `bits`.
SizeNode compressedRow(std::string name, RowKind kind, uint64_t raw, double bits);

// Makes parents the sums of their children (raw and bits), then gives every
// apportioned row its whole-byte share of what its parent's stored bytes
// leave after the plain rows: largest remainders, so shares add up exactly.
// Apportioned rows must sit under a parent whose `stored` is set.
void finalizeTree(SizeNode &root);

// Every parent equals the sum of its children in raw and stored bytes; the
// error names the first row that does not.
llvm::Error checkReconciles(const SizeNode &root);

// Children largest first (by stored bytes, then raw, then name), so every
// format lists the biggest contributors first and output is deterministic.
void sortBySize(SizeNode &root);

// Splits `total` into whole parts proportional to `weights`, adding up to
// `total` exactly. Zero weights everywhere split evenly.
std::vector<uint64_t> apportion(uint64_t total, const std::vector<double> &weights);

} // namespace romfit::report
