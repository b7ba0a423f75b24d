// Writes the seed corpora of the codec fuzzers from real ROMs, with the
// project's own library, so no binary seed is committed:
//   make_seed_corpus OUTDIR CHUNK ROM...
// OUTDIR/rom_parse        each ROM as it is, and re-packed with EFI compression
// OUTDIR/efi_decompress   the EFI streams of those re-packed ROMs, and streams
//                         of CHUNK-byte slices at both levels
// OUTDIR/efi_roundtrip    CHUNK-byte slices of the ROMs' PEs and legacy images
// OUTDIR/lzma             the same slices, and their LZMA streams, each behind
//                         the byte that tells lzma_fuzzer which way to go
// CHUNK is efi_roundtrip's -max_len.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "compress/efi_compress.h"
#include "support/file_io.h"
#include "compress/lzma.h"
#include "rom/pci_rom.h"
#include "rom/pci_rom_repack.h"

namespace {

using romfit::Bytes;

class CorpusWriter {
public:
  explicit CorpusWriter(std::string root) : root_(std::move(root)) {}

  void write(const std::string &target, const std::string &name, llvm::ArrayRef<uint8_t> bytes) {
    std::string directory = root_ + "/" + target;
    if (std::error_code error = llvm::sys::fs::create_directories(directory))
      fail(fmt::format("{}: {}", directory, error.message()));
    check(romfit::writeFileAtomically(directory + "/" + name, bytes));
  }

  static void check(llvm::Error error) {
    if (error)
      fail(llvm::toString(std::move(error)));
  }
  [[noreturn]] static void fail(const std::string &message) {
    std::fprintf(stderr, "make_seed_corpus: %s\n", message.c_str());
    std::exit(1);
  }

private:
  std::string root_;
};

// lzma_fuzzer's first byte: even decodes the rest, odd round-trips it.
constexpr uint8_t kLzmaDecode = 0, kLzmaRoundTrip = 1;

Bytes withDirection(uint8_t direction, llvm::ArrayRef<uint8_t> bytes) {
  Bytes prefixed{direction};
  prefixed.insert(prefixed.end(), bytes.begin(), bytes.end());
  return prefixed;
}

// Slices from the start, the quarters and the end: headers, code and data.
std::vector<llvm::ArrayRef<uint8_t>> slices(llvm::ArrayRef<uint8_t> bytes, size_t chunk) {
  std::vector<llvm::ArrayRef<uint8_t>> result;
  if (bytes.size() <= chunk)
    return {bytes};
  for (size_t quarter = 0; quarter < 4; ++quarter)
    result.push_back(bytes.slice(bytes.size() / 4 * quarter, chunk));
  result.push_back(bytes.take_back(chunk));
  return result;
}

void addPayload(CorpusWriter &corpus, const std::string &name, llvm::ArrayRef<uint8_t> payload,
                size_t chunk) {
  std::vector<llvm::ArrayRef<uint8_t>> pieces = slices(payload, chunk);
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::string piece = fmt::format("{}.{}", name, i);
    corpus.write("efi_roundtrip", piece, pieces[i]);
    auto lzmaStream = romfit::lzma::compress(pieces[i]);
    if (!lzmaStream)
      CorpusWriter::check(lzmaStream.takeError());
    corpus.write("lzma", piece + ".payload", withDirection(kLzmaRoundTrip, pieces[i]));
    corpus.write("lzma", piece + ".lzma", withDirection(kLzmaDecode, *lzmaStream));
    corpus.write("efi_decompress", piece + ".fast",
                 romfit::efi::compress(pieces[i], romfit::efi::EfiLevel::Fast));
    corpus.write("efi_decompress", piece + ".optimal",
                 romfit::efi::compress(pieces[i], romfit::efi::EfiLevel::Optimal));
  }
}

void addRom(CorpusWriter &corpus, const std::string &path, size_t chunk) {
  auto bytes = romfit::readFileBytes(path);
  if (!bytes)
    CorpusWriter::check(bytes.takeError());
  std::string name = llvm::sys::path::stem(path).str();
  corpus.write("rom_parse", name + ".rom", *bytes);
  auto rom = romfit::pci::parse(*bytes);
  if (!rom)
    CorpusWriter::check(rom.takeError());

  for (size_t index = 0; index < rom->images.size(); ++index) {
    const romfit::pci::Image &image = rom->images[index];
    std::string imageName = fmt::format("{}.image{}", name, index);
    if (!image.efi) {
      addPayload(corpus, imageName, romfit::pci::imageBytes(*bytes, image), chunk);
      continue;
    }
    auto pe = romfit::pci::extractPe(*bytes, image);
    if (!pe)
      CorpusWriter::check(pe.takeError());
    addPayload(corpus, imageName + ".pe", *pe, chunk);
  }
  if (!llvm::any_of(rom->images, [](const romfit::pci::Image &image) { return image.efi; }))
    return;

  // Debian ships its EFI drivers uncompressed; the fast level gives the
  // parser and the decoder real compressed images in a few seconds.
  auto repacked = romfit::pci::repack(*bytes, /*compress=*/true, romfit::efi::EfiLevel::Fast);
  if (!repacked)
    CorpusWriter::check(repacked.takeError());
  corpus.write("rom_parse", name + ".compressed.rom", repacked->rom);
  auto compressedRom = romfit::pci::parse(repacked->rom);
  if (!compressedRom)
    CorpusWriter::check(compressedRom.takeError());
  for (size_t index = 0; index < compressedRom->images.size(); ++index) {
    const romfit::pci::Image &image = compressedRom->images[index];
    if (!image.efi || !image.efi->isCompressed())
      continue;
    llvm::ArrayRef<uint8_t> stream = romfit::pci::imageBytes(repacked->rom, image)
                                         .drop_front(image.efi->peOffset)
                                         .take_front(*image.efi->compressedSize);
    corpus.write("efi_decompress", fmt::format("{}.image{}.stream", name, index), stream);
  }
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: make_seed_corpus OUTDIR CHUNK ROM...\n");
    return 2;
  }
  CorpusWriter corpus(argv[1]);
  size_t chunk = std::strtoul(argv[2], nullptr, 0);
  if (chunk == 0)
    CorpusWriter::fail(fmt::format("CHUNK '{}' is not a positive number", argv[2]));
  for (int i = 3; i < argc; ++i)
    addRom(corpus, argv[i], chunk);
  return 0;
}
