#pragma once
// Byte counts as people write and read them.
#include <cstdint>
#include <string>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit {

// "262144", "256KiB", "256K", "0x40000", "1MiB", "1M".
llvm::Expected<uint64_t> parseByteSize(llvm::StringRef text);

// "262,144" — exact bytes are what firmware people compare.
std::string withThousands(uint64_t value);
// A signed count the same way: "-1,234"; a change shows its plus sign too
// ("+1,234"), an amount such as a headroom does not ("1,234").
std::string signedThousands(int64_t value, bool showPlus = true);

// "812 B", "12.3 KiB", "1.25 MiB": a size at a glance.
std::string humanBytes(uint64_t bytes);

} // namespace romfit
