#include "compress/efi_compress.h"
#include "compress/efi_decode_trace.h"

#include <vector>

#include "compress/efi_bit_reader.h"
#include "compress/efi_format.h"
#include "compress/efi_huffman_decoder.h"
#include "support/error.h"

namespace romfit::efi {

namespace {

uint32_t getLittleEndian32(const uint8_t *source) {
  return uint32_t(source[0]) | uint32_t(source[1]) << 8 | uint32_t(source[2]) << 16 |
         uint32_t(source[3]) << 24;
}

class StreamDecoder {
public:
  StreamDecoder(llvm::ArrayRef<uint8_t> body, std::vector<uint8_t> &output, DecodeTrace *trace)
      : reader_(body, kHeaderSize), output_(output), trace_(trace) {}

  llvm::Error run() {
    size_t produced = 0;
    uint32_t blockSymbolsLeft = 0;
    while (produced < output_.size()) {
      if (blockSymbolsLeft == 0) {
        size_t blockOffset = reader_.byteOffset();
        uint64_t blockStartBits = reader_.consumedBits();
        // A zero count stands for 65536 in the specification's decoder,
        // which decrements before it tests.
        blockSymbolsLeft = reader_.read(16);
        if (blockSymbolsLeft == 0)
          blockSymbolsLeft = 0x10000;
        if (llvm::Error error = readBlockHeader(blockOffset))
          return error;
        if (trace_)
          trace_->blockHeaderBits += reader_.consumedBits() - blockStartBits;
      }
      --blockSymbolsLeft;
      size_t symbolOffset = reader_.byteOffset();
      uint64_t symbolStartBits = reader_.consumedBits();
      size_t symbolOutput = produced;
      size_t distance = 0;
      unsigned symbol = charLen_.decode(reader_);
      if (symbol < 256) {
        output_[produced++] = static_cast<uint8_t>(symbol);
      } else {
        unsigned length = symbol - kMatchSymbolBias;
        unsigned position = positions_.decode(reader_);
        uint32_t distanceCode = position == 0 ? 0 : (1u << (position - 1)) + reader_.read(position - 1);
        distance = size_t(distanceCode) + 1;
        if (reader_.overran())
          return truncated();
        if (distance > produced)
          return makeError("EFI stream: match at byte {} reaches {} bytes back but only {} "
                           "bytes are decoded",
                           symbolOffset, distance, produced);
        if (length > output_.size() - produced)
          return makeError("EFI stream: match at byte {} runs {} bytes past the original size {}",
                           symbolOffset, length - (output_.size() - produced), output_.size());
        // Byte by byte: the source may overlap what this match writes.
        uint8_t *destination = output_.data() + produced;
        const uint8_t *source = destination - distance;
        for (unsigned i = 0; i < length; ++i)
          destination[i] = source[i];
        produced += length;
      }
      if (reader_.overran())
        return truncated();
      if (trace_)
        trace_->tokens.push_back({uint32_t(symbolOutput), uint32_t(produced - symbolOutput),
                                  uint32_t(reader_.consumedBits() - symbolStartBits),
                                  uint32_t(distance)});
    }
    return llvm::Error::success();
  }

private:
  llvm::Error truncated() const {
    return makeError("EFI stream: truncated at byte {}", reader_.endOffset());
  }

  llvm::Error invalidTable(const char *set, size_t blockOffset) const {
    return makeError("EFI stream: invalid Huffman table ({} set) in block at byte {}", set,
                     blockOffset);
  }

  llvm::Error readBlockHeader(size_t blockOffset) {
    if (!readSmallSet(codeLengths_, kCodeLengthSymbols, kCodeLengthCountBits, true))
      return reader_.overran() ? truncated() : invalidTable("code-length", blockOffset);
    if (!readCharLenSet())
      return reader_.overran() ? truncated() : invalidTable("char/length", blockOffset);
    if (!readSmallSet(positions_, kPositionSymbols, kPositionCountBits, false))
      return reader_.overran() ? truncated() : invalidTable("position", blockOffset);
    return reader_.overran() ? truncated() : llvm::Error::success();
  }

  bool readSmallSet(EfiHuffmanDecoder &decoder, unsigned symbolCount, unsigned countBits,
                    bool hasZeroSkip) {
    unsigned count = reader_.read(countBits);
    if (count == 0) {
      unsigned only = reader_.read(countBits);
      if (only >= symbolCount)
        return false;
      decoder.assignSingleSymbol(only);
      return true;
    }
    if (count > symbolCount)
      return false;
    std::vector<uint8_t> lengths(symbolCount, 0);
    unsigned index = 0;
    while (index < count) {
      unsigned length = reader_.read(kSmallLengthBits);
      if (length == kExtendedLengthMarker) {
        while (reader_.read(1)) {
          if (++length > kMaxCodeLength || reader_.overran())
            return false;
        }
      }
      lengths[index++] = static_cast<uint8_t>(length);
      if (hasZeroSkip && index == kCodeLengthSkipAfter) {
        unsigned skipped = reader_.read(2);
        if (index + skipped > symbolCount)
          return false;
        index += skipped; // those lengths are already zero
      }
    }
    return !reader_.overran() && decoder.assignLengths(lengths);
  }

  bool readCharLenSet() {
    unsigned count = reader_.read(kCharLenCountBits);
    if (count == 0) {
      unsigned only = reader_.read(kCharLenCountBits);
      if (only >= kCharLenSymbols)
        return false;
      charLen_.assignSingleSymbol(only);
      return true;
    }
    if (count > kCharLenSymbols)
      return false;
    std::vector<uint8_t> lengths(kCharLenSymbols, 0);
    unsigned index = 0;
    while (index < count) {
      unsigned symbol = codeLengths_.decode(reader_);
      if (reader_.overran())
        return false;
      if (symbol >= kLengthSymbolBias + 1) {
        lengths[index++] = static_cast<uint8_t>(symbol - kLengthSymbolBias);
        continue;
      }
      unsigned run = symbol == kZeroRunSingle  ? 1
                     : symbol == kZeroRunShort ? kShortRunBase + reader_.read(kShortRunExtraBits)
                                               : kLongRunBase + reader_.read(kLongRunExtraBits);
      if (index + run > kCharLenSymbols)
        return false;
      index += run; // those lengths are already zero
    }
    return !reader_.overran() && charLen_.assignLengths(lengths);
  }

  MsbBitReader reader_;
  std::vector<uint8_t> &output_;
  DecodeTrace *trace_;
  EfiHuffmanDecoder codeLengths_, charLen_, positions_;
};

} // namespace

namespace {

llvm::Expected<std::vector<uint8_t>> decode(llvm::ArrayRef<uint8_t> stream, size_t maxOutput,
                                            DecodeTrace *trace) {
  if (stream.size() < kHeaderSize)
    return makeError("EFI stream: truncated at byte {}: the header needs {} bytes", stream.size(),
                     kHeaderSize);
  uint32_t compressedSize = getLittleEndian32(stream.data());
  uint32_t originalSize = getLittleEndian32(stream.data() + 4);
  if (compressedSize > stream.size() - kHeaderSize)
    return makeError("EFI stream: truncated at byte {}: the header at byte 0 promises {} "
                     "compressed bytes, {} follow",
                     stream.size(), compressedSize, stream.size() - kHeaderSize);
  if (originalSize > maxOutput)
    return makeError("EFI stream: original size {} in the header at byte 4 exceeds the limit of {} "
                     "bytes",
                     originalSize, maxOutput);
  std::vector<uint8_t> output(originalSize);
  StreamDecoder decoder(stream.slice(kHeaderSize, compressedSize), output, trace);
  if (llvm::Error error = decoder.run())
    return error;
  if (trace)
    trace->bodyBits = uint64_t(compressedSize) * 8;
  return output;
}

} // namespace

llvm::Expected<std::vector<uint8_t>> decompress(llvm::ArrayRef<uint8_t> stream, size_t maxOutput) {
  return decode(stream, maxOutput, nullptr);
}

llvm::Expected<std::vector<uint8_t>> decompressTraced(llvm::ArrayRef<uint8_t> stream,
                                                      DecodeTrace &trace, size_t maxOutput) {
  trace = DecodeTrace{};
  return decode(stream, maxOutput, &trace);
}

} // namespace romfit::efi
