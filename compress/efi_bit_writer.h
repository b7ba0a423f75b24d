#pragma once
// MSB-first bit packing, the bit order of the EFI compression format.
#include <cstdint>
#include <vector>

namespace romfit::efi {

class MsbBitWriter {
public:
  explicit MsbBitWriter(std::vector<uint8_t> &output) : output_(output) {}

  // Appends the low `bitCount` bits of value, most significant first.
  void write(unsigned bitCount, uint32_t value) {
    if (bitCount == 0)
      return;
    pending_ = (pending_ << bitCount) | (value & ((uint64_t(1) << bitCount) - 1));
    pendingBits_ += bitCount;
    while (pendingBits_ >= 8) {
      pendingBits_ -= 8;
      output_.push_back(static_cast<uint8_t>(pending_ >> pendingBits_));
    }
  }

  // Pads the last partial byte with zero bits.
  void flush() {
    if (pendingBits_)
      output_.push_back(static_cast<uint8_t>(pending_ << (8 - pendingBits_)));
    pendingBits_ = 0;
  }

private:
  std::vector<uint8_t> &output_;
  uint64_t pending_ = 0;
  unsigned pendingBits_ = 0;
};

} // namespace romfit::efi
