#include "report/byte_costs.h"

#include <algorithm>

namespace romfit::report {

ByteCosts ByteCosts::stored() { return ByteCosts(); }

ByteCosts ByteCosts::fromBitsPerByte(const std::vector<double> &bitsPerByte) {
  ByteCosts costs;
  costs.compressed_ = true;
  costs.prefixBits_.assign(bitsPerByte.size() + 1, 0.0);
  for (size_t i = 0; i < bitsPerByte.size(); ++i)
    costs.prefixBits_[i + 1] = costs.prefixBits_[i] + bitsPerByte[i];
  return costs;
}

std::vector<double> bitsPerByte(const efi::DecodeTrace &trace, uint64_t size) {
  std::vector<double> perByte(size, 0.0);
  for (const efi::DecodeTrace::Token &token : trace.tokens) {
    if (token.length == 0 || token.outputOffset >= size)
      continue;
    uint64_t end = std::min<uint64_t>(uint64_t(token.outputOffset) + token.length, size);
    double share = double(token.bits) / double(token.length);
    for (uint64_t i = token.outputOffset; i < end; ++i)
      perByte[i] += share;
  }
  return perByte;
}

ByteCosts ByteCosts::fromTrace(const efi::DecodeTrace &trace, uint64_t size) {
  return fromBitsPerByte(bitsPerByte(trace, size));
}

double ByteCosts::bits(uint64_t begin, uint64_t end) const {
  if (!compressed_ || prefixBits_.empty())
    return 8.0 * double(end - begin);
  uint64_t last = prefixBits_.size() - 1;
  begin = std::min(begin, last);
  end = std::min(end, last);
  return end > begin ? prefixBits_[end] - prefixBits_[begin] : 0.0;
}

SizeNode ByteCosts::emptyRow(std::string name, RowKind kind) const {
  return compressed_ ? compressedRow(std::move(name), kind, 0, 0.0)
                     : plainRow(std::move(name), kind, 0);
}

void ByteCosts::extend(SizeNode &row, uint64_t begin, uint64_t end) const {
  if (end <= begin)
    return;
  row.raw += end - begin;
  if (compressed_)
    row.bits += bits(begin, end);
  else
    row.stored += end - begin;
}

SizeNode ByteCosts::row(std::string name, RowKind kind, uint64_t begin, uint64_t end) const {
  SizeNode node = emptyRow(std::move(name), kind);
  extend(node, begin, end);
  return node;
}

} // namespace romfit::report
