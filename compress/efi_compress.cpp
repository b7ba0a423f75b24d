#include "compress/efi_compress.h"

#include "compress/error.h"

// Placeholder until the codec lands: stored-only behaviour is not valid EFI
// compression, so both directions refuse.
namespace romfit::efi {

std::vector<uint8_t> compress(llvm::ArrayRef<uint8_t> input) { return {}; }

llvm::Expected<std::vector<uint8_t>> decompress(llvm::ArrayRef<uint8_t> stream, size_t maxOutput) {
  return makeError("EFI decompression is not implemented yet");
}

} // namespace romfit::efi
