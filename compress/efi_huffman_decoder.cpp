#include "compress/efi_huffman_decoder.h"

#include "compress/huffman.h"

namespace romfit::efi {

bool EfiHuffmanDecoder::assignLengths(llvm::ArrayRef<uint8_t> lengths) {
  onlySymbol_ = -1;
  countOfLength_.fill(0);
  uint64_t kraftSum = 0; // in units of 2^-kMaxCodeLength
  for (uint8_t length : lengths) {
    if (length > kMaxCodeLength)
      return false;
    if (length) {
      ++countOfLength_[length];
      kraftSum += uint64_t(1) << (kMaxCodeLength - length);
    }
  }
  if (kraftSum != (uint64_t(1) << kMaxCodeLength))
    return false;

  uint32_t code = 0, index = 0;
  for (unsigned length = 1; length <= kMaxCodeLength; ++length) {
    code = (code + countOfLength_[length - 1]) << 1;
    firstCodeOfLength_[length] = code;
    firstIndexOfLength_[length] = index;
    index += countOfLength_[length];
  }
  symbolsByCode_.assign(index, 0);
  std::array<uint32_t, kMaxCodeLength + 1> nextIndex = firstIndexOfLength_;
  for (size_t symbol = 0; symbol < lengths.size(); ++symbol)
    if (lengths[symbol])
      symbolsByCode_[nextIndex[lengths[symbol]]++] = static_cast<uint16_t>(symbol);

  fastTable_.fill(0);
  std::vector<uint16_t> codes = huffman::canonicalCodes(lengths);
  for (size_t symbol = 0; symbol < lengths.size(); ++symbol) {
    unsigned length = lengths[symbol];
    if (length == 0 || length > kFastBits)
      continue;
    uint32_t first = uint32_t(codes[symbol]) << (kFastBits - length);
    uint32_t span = 1u << (kFastBits - length);
    for (uint32_t slot = first; slot < first + span; ++slot)
      fastTable_[slot] = static_cast<uint16_t>(symbol << kLengthFieldBits | length);
  }
  return true;
}

void EfiHuffmanDecoder::assignSingleSymbol(unsigned symbol) {
  onlySymbol_ = static_cast<int>(symbol);
}

unsigned EfiHuffmanDecoder::decodeLong(MsbBitReader &reader, uint32_t bits) const {
  for (unsigned length = kFastBits + 1; length <= kMaxCodeLength; ++length) {
    uint32_t code = bits >> (kMaxCodeLength - length);
    uint32_t offset = code - firstCodeOfLength_[length];
    if (code >= firstCodeOfLength_[length] && offset < countOfLength_[length]) {
      reader.skip(length);
      return symbolsByCode_[firstIndexOfLength_[length] + offset];
    }
  }
  // Unreachable for a complete code: every 16-bit string has a prefix in it.
  reader.skip(kMaxCodeLength);
  return symbolsByCode_.empty() ? 0 : symbolsByCode_.front();
}

} // namespace romfit::efi
