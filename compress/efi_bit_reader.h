#pragma once
// MSB-first bit reading for the EFI decoder. Reading past the end yields
// zero bits instead of touching memory; callers check overran() and report
// truncation, so a lookahead near the end stays harmless.
#include <cstddef>
#include <cstdint>

#include <llvm/ADT/ArrayRef.h>

namespace romfit::efi {

class MsbBitReader {
public:
  // `streamOffset` is where `data` starts in the whole stream, for messages.
  MsbBitReader(llvm::ArrayRef<uint8_t> data, size_t streamOffset)
      : data_(data), streamOffset_(streamOffset) {}

  // The next bitCount (0..32) bits without consuming them.
  uint32_t peek(unsigned bitCount) {
    if (bitCount == 0)
      return 0;
    refill();
    return static_cast<uint32_t>(window_ >> (64 - bitCount));
  }

  void skip(unsigned bitCount) {
    if (bitCount == 0)
      return;
    refill();
    window_ <<= bitCount;
    windowBits_ -= bitCount;
    consumedBits_ += bitCount;
  }

  uint32_t read(unsigned bitCount) {
    uint32_t value = peek(bitCount);
    skip(bitCount);
    return value;
  }

  bool overran() const { return consumedBits_ > uint64_t(data_.size()) * 8; }
  // The stream byte holding the next unread bit.
  size_t byteOffset() const { return streamOffset_ + consumedBits_ / 8; }
  size_t endOffset() const { return streamOffset_ + data_.size(); }
  uint64_t consumedBits() const { return consumedBits_; }

private:
  void refill() {
    while (windowBits_ <= 56) {
      uint64_t byte = nextByte_ < data_.size() ? data_[nextByte_] : 0;
      ++nextByte_;
      window_ |= byte << (56 - windowBits_);
      windowBits_ += 8;
    }
  }

  llvm::ArrayRef<uint8_t> data_;
  size_t streamOffset_;
  size_t nextByte_ = 0;
  uint64_t window_ = 0;
  unsigned windowBits_ = 0;
  uint64_t consumedBits_ = 0;
};

} // namespace romfit::efi
