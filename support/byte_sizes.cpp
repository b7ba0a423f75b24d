#include "support/byte_sizes.h"

#include <fmt/format.h>

#include "support/error.h"

namespace romfit {

llvm::Expected<uint64_t> parseByteSize(llvm::StringRef text) {
  llvm::StringRef number = text.trim();
  uint64_t multiplier = 1;
  struct Suffix { const char *name; uint64_t factor; };
  static constexpr Suffix suffixes[] = {
      {"KiB", 1024}, {"MiB", 1024 * 1024}, {"K", 1024}, {"M", 1024 * 1024},
      {"k", 1024},   {"B", 1},
  };
  for (const Suffix &suffix : suffixes) {
    if (number.endswith(suffix.name)) {
      number = number.drop_back(llvm::StringRef(suffix.name).size()).rtrim();
      multiplier = suffix.factor;
      break;
    }
  }
  uint64_t value = 0;
  // getAsInteger with radix 0 accepts decimal and 0x-prefixed hex.
  if (number.empty() || number.getAsInteger(0, value))
    return makeError("'{}' is not a size (examples: 262144, 256KiB, 0x40000)", text.str());
  if (value > UINT64_MAX / multiplier)
    return makeError("size '{}' is too large", text.str());
  return value * multiplier;
}

std::string withThousands(uint64_t value) {
  std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

std::string humanBytes(uint64_t bytes) {
  if (bytes < 1024)
    return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024)
    return fmt::format("{:.1f} KiB", double(bytes) / 1024);
  return fmt::format("{:.2f} MiB", double(bytes) / (1024.0 * 1024));
}

std::string signedThousands(int64_t value, bool showPlus) {
  std::string digits = withThousands(value < 0 ? uint64_t(0) - uint64_t(value) : uint64_t(value));
  if (value < 0)
    return "-" + digits;
  return value > 0 && showPlus ? "+" + digits : digits;
}

} // namespace romfit
