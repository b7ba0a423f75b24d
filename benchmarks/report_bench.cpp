// How long `romfit report` takes to attribute a ROM, symbols and compressed
// costs included. It measures Debian's efi-e1000.rom (an uncompressed EFI
// image, so sections only); ROMFIT_BENCH_ROMS (colon-separated paths) adds
// ROMs of your own, e.g. a romfit build's OUTDIR/8086100e.unpruned.rom,
// whose EFI-compressed x86_64 image has about 5,000 symbols.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <llvm/ADT/SmallVector.h>
#include <llvm/ADT/StringRef.h>

#include "report/rom_attribution.h"

namespace {

void BM_Report(benchmark::State &state, const std::string &path) {
  size_t rows = 0;
  for (auto _ : state) {
    auto report = romfit::report::attributeRom(path);
    if (!report) {
      state.SkipWithError(llvm::toString(report.takeError()).c_str());
      return;
    }
    rows = report->tree.children.size();
    benchmark::DoNotOptimize(report->tree.stored);
  }
  state.counters["images"] = double(rows);
}

int registerAll() {
  std::vector<std::string> roms{"/usr/lib/ipxe/qemu/efi-e1000.rom"};
  if (const char *extra = std::getenv("ROMFIT_BENCH_ROMS")) {
    llvm::SmallVector<llvm::StringRef, 4> paths;
    llvm::StringRef(extra).split(paths, ':', -1, false);
    for (llvm::StringRef path : paths)
      roms.push_back(path.str());
  }
  for (const std::string &rom : roms)
    benchmark::RegisterBenchmark(("BM_Report/" + rom).c_str(), BM_Report, rom)
        ->Unit(benchmark::kMillisecond);
  return 0;
}

const int kRegistered = registerAll();

} // namespace

BENCHMARK_MAIN();
