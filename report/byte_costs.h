#pragma once
// What each byte of an image costs in the ROM: itself when the image is
// stored as is, or the bits the EFI stream spent on it (a literal's code, or
// a match's codes shared evenly by the bytes it copies).
#include <cstdint>
#include <string>
#include <vector>

#include "compress/efi_decode_trace.h"
#include "report/size_tree.h"

namespace romfit::report {

// The bits a traced EFI stream spent on each of the first `size` bytes it
// decoded to: a literal's to its byte, a match's shared evenly by its bytes.
std::vector<double> bitsPerByte(const efi::DecodeTrace &trace, uint64_t size);

class ByteCosts {
public:
  static ByteCosts stored();
  static ByteCosts fromTrace(const efi::DecodeTrace &trace, uint64_t size);
  // Any other account of what each byte cost, in bits.
  static ByteCosts fromBitsPerByte(const std::vector<double> &bitsPerByte);

  bool compressed() const { return compressed_; }
  double bits(uint64_t begin, uint64_t end) const;

  // A row for the bytes [begin, end) of the image.
  SizeNode row(std::string name, RowKind kind, uint64_t begin, uint64_t end) const;
  // An empty row that extend() grows range by range.
  SizeNode emptyRow(std::string name, RowKind kind) const;
  void extend(SizeNode &row, uint64_t begin, uint64_t end) const;

private:
  bool compressed_ = false;
  std::vector<double> prefixBits_;  // bits spent on bytes [0, i)
};

} // namespace romfit::report
