#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "compress/efi_compress.h"

namespace {

using Bytes = std::vector<uint8_t>;

unsigned le16(const Bytes &data, size_t offset) {
  return offset + 2 <= data.size() ? data[offset] | data[offset + 1] << 8 : 0;
}

// The x86_64 EFI PE of Debian's efi-e1000.rom: the second image (at byte
// 75,264), PE offset at image offset 0x16, up to the end of the last section.
const Bytes &e1000Pe() {
  static const Bytes pe = [] {
    std::ifstream input("/usr/lib/ipxe/qemu/efi-e1000.rom", std::ios::binary);
    Bytes rom(std::istreambuf_iterator<char>(input), {});
    constexpr size_t kImageStart = 75'264;
    if (rom.size() < kImageStart + 0x40)
      return Bytes{};
    size_t start = kImageStart + le16(rom, kImageStart + 0x16);
    Bytes tail(rom.begin() + start, rom.end());
    auto le32 = [&](size_t offset) { return le16(tail, offset) | uint32_t(le16(tail, offset + 2)) << 16; };
    size_t ntHeaders = le32(0x3C), end = 0;
    size_t sections = ntHeaders + 24 + le16(tail, ntHeaders + 20);
    for (unsigned i = 0; i < le16(tail, ntHeaders + 6); ++i)
      end = std::max<size_t>(end, size_t(le32(sections + 40 * i + 20)) + le32(sections + 40 * i + 16));
    tail.resize(std::min(end, tail.size()));
    return tail;
  }();
  return pe;
}

void BM_EfiCompressE1000(benchmark::State &state, romfit::efi::EfiLevel level) {
  const Bytes &pe = e1000Pe();
  if (pe.empty()) {
    state.SkipWithError("efi-e1000.rom not found");
    return;
  }
  size_t streamSize = 0;
  for (auto _ : state) {
    Bytes stream = romfit::efi::compress(pe, level);
    streamSize = stream.size();
    benchmark::DoNotOptimize(stream.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(pe.size()));
  state.counters["stream_bytes"] = double(streamSize);
}
BENCHMARK_CAPTURE(BM_EfiCompressE1000, fast, romfit::efi::EfiLevel::Fast)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_EfiCompressE1000, optimal, romfit::efi::EfiLevel::Optimal)
    ->Unit(benchmark::kMillisecond);

void BM_EfiDecompressE1000(benchmark::State &state) {
  const Bytes &pe = e1000Pe();
  if (pe.empty()) {
    state.SkipWithError("efi-e1000.rom not found");
    return;
  }
  // Fast, as in the figures measured before the level became a parameter.
  Bytes stream = romfit::efi::compress(pe, romfit::efi::EfiLevel::Fast);
  for (auto _ : state) {
    auto decoded = romfit::efi::decompress(stream);
    if (!decoded) {
      state.SkipWithError(llvm::toString(decoded.takeError()).c_str());
      return;
    }
    benchmark::DoNotOptimize(decoded->data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(pe.size()));
}
BENCHMARK(BM_EfiDecompressE1000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
