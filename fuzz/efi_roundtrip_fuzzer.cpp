// The EFI encoder at both levels on arbitrary data: its stream must decode
// to exactly the input. scripts/fuzz bounds the input length (-max_len) so
// the optimal level's parse stays quick.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "compress/efi_compress.h"

namespace {

void expectRoundTrip(llvm::ArrayRef<uint8_t> input, romfit::efi::EfiLevel level) {
  const char *levelName = level == romfit::efi::EfiLevel::Fast ? "fast" : "optimal";
  std::vector<uint8_t> stream = romfit::efi::compress(input, level);
  auto decoded = romfit::efi::decompress(stream);
  if (!decoded) {
    std::fprintf(stderr, "%s level: own stream does not decode: %s\n", levelName,
                 llvm::toString(decoded.takeError()).c_str());
    std::abort();
  }
  if (*decoded != std::vector<uint8_t>(input.begin(), input.end())) {
    std::fprintf(stderr, "%s level: %zu input bytes decode to %zu different bytes\n", levelName,
                 input.size(), decoded->size());
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::ArrayRef<uint8_t> input(data, size);
  expectRoundTrip(input, romfit::efi::EfiLevel::Fast);
  expectRoundTrip(input, romfit::efi::EfiLevel::Optimal);
  return 0;
}
