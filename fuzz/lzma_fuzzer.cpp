// The LZMA wrapper both ways. The first byte picks the direction, because
// liblzma's encoder spends milliseconds setting up its match finder on every
// call and would otherwise slow the cheap decoding runs down tenfold:
//   even: the rest is a stream to decode (an error, never a crash or more
//         output than the cap);
//   odd:  the rest is a payload, whose compressed form must decode to
//         exactly the payload.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "compress/lzma.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  bool roundTrip = data[0] & 1;
  llvm::ArrayRef<uint8_t> bytes(data + 1, size - 1);
  if (!roundTrip) {
    auto decoded = romfit::lzma::decompress(bytes);
    if (!decoded)
      llvm::consumeError(decoded.takeError());
    else if (decoded->size() > romfit::lzma::kMaxDecompressedSize)
      std::abort();
    return 0;
  }

  auto stream = romfit::lzma::compress(bytes);
  if (!stream) {
    std::fprintf(stderr, "compress failed: %s\n", llvm::toString(stream.takeError()).c_str());
    std::abort();
  }
  auto decoded = romfit::lzma::decompress(*stream);
  if (!decoded) {
    std::fprintf(stderr, "own stream does not decode: %s\n",
                 llvm::toString(decoded.takeError()).c_str());
    std::abort();
  }
  if (*decoded != std::vector<uint8_t>(bytes.begin(), bytes.end()))
    std::abort();
  return 0;
}
