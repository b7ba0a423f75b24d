#include "compress/lzma.h"

#include <lzma.h>

#include "support/error.h"

namespace romfit::lzma {
namespace {

// The same preset zbin uses; the decoder needs the same dictionary size.
lzma_options_lzma ipxeOptions() {
  lzma_options_lzma options;
  lzma_lzma_preset(&options, LZMA_PRESET_DEFAULT | LZMA_PRESET_EXTREME);
  options.lc = kLiteralContextBits;
  options.lp = kLiteralPositionBits;
  options.pb = kPositionBits;
  return options;
}

struct StreamGuard {
  lzma_stream stream = LZMA_STREAM_INIT;
  ~StreamGuard() { lzma_end(&stream); }
};

} // namespace

llvm::Expected<std::vector<uint8_t>> compress(llvm::ArrayRef<uint8_t> input) {
  lzma_options_lzma options = ipxeOptions();
  const lzma_filter filters[] = {{LZMA_FILTER_LZMA1, &options}, {LZMA_VLI_UNKNOWN, nullptr}};
  // Worst case for incompressible input is a little over the input size.
  std::vector<uint8_t> output(input.size() + input.size() / 16 + 4096);
  size_t written = 0;
  lzma_ret status = lzma_raw_buffer_encode(filters, nullptr, input.data(), input.size(),
                                           output.data(), &written, output.size());
  if (status != LZMA_OK)
    return makeError("LZMA encoding failed (liblzma status {})", int(status));
  output.resize(written);
  return output;
}

llvm::Expected<std::vector<uint8_t>> decompress(llvm::ArrayRef<uint8_t> stream, size_t maxOutput) {
  lzma_options_lzma options = ipxeOptions();
  const lzma_filter filters[] = {{LZMA_FILTER_LZMA1, &options}, {LZMA_VLI_UNKNOWN, nullptr}};
  StreamGuard guard;
  lzma_stream &decoder = guard.stream;
  if (lzma_raw_decoder(&decoder, filters) != LZMA_OK)
    return makeError("LZMA decoder could not start");

  std::vector<uint8_t> output;
  decoder.next_in = stream.data();
  decoder.avail_in = stream.size();
  const size_t chunk = 64 * 1024;
  for (;;) {
    if (output.size() >= maxOutput)
      return makeError("LZMA stream: output exceeds the {} byte limit at input byte {}", maxOutput,
                       stream.size() - decoder.avail_in);
    size_t before = output.size();
    output.resize(std::min(before + chunk, maxOutput));
    decoder.next_out = output.data() + before;
    decoder.avail_out = output.size() - before;
    lzma_ret status = lzma_code(&decoder, LZMA_FINISH);
    output.resize(output.size() - decoder.avail_out);
    size_t consumed = stream.size() - decoder.avail_in;
    if (status == LZMA_STREAM_END)
      return output;
    if (status == LZMA_OK)
      continue;
    if (status == LZMA_BUF_ERROR)
      return makeError("LZMA stream: truncated at byte {} (no end marker)", consumed);
    return makeError("LZMA stream: corrupt data near byte {} (liblzma status {})", consumed,
                     int(status));
  }
}

} // namespace romfit::lzma
