// The EFI decoder on arbitrary streams, at the size cap the ROM parser uses:
// every corrupt or truncated stream must come back as an error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "compress/efi_compress.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto decoded = romfit::efi::decompress(llvm::ArrayRef<uint8_t>(data, size));
  if (!decoded) {
    llvm::consumeError(decoded.takeError());
    return 0;
  }
  // A stream that decodes holds exactly the size its header promises.
  uint32_t originalSize = uint32_t(data[4]) | uint32_t(data[5]) << 8 | uint32_t(data[6]) << 16 |
                          uint32_t(data[7]) << 24;
  if (decoded->size() != originalSize)
    std::abort();
  return 0;
}
