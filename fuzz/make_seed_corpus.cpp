// Writes the seed corpora of the codec fuzzers from real ROMs, with the
// project's own library, so no binary seed is committed:
//   make_seed_corpus OUTDIR CHUNK ROM...
// OUTDIR/rom_parse        each ROM as it is, and re-packed with EFI compression
// OUTDIR/efi_decompress   the EFI streams of those re-packed ROMs, and streams
//                         of CHUNK-byte slices at both levels
// OUTDIR/efi_roundtrip    CHUNK-byte slices of the ROMs' PEs and legacy images
// OUTDIR/lzma             the same slices, and their LZMA streams, each behind
//                         the byte that tells lzma_fuzzer which way to go
// OUTDIR/prune_record, proof_record, make_dry_run, console_text
//                         one well-formed input each, written by the
//                         project's own writers where it has one
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
#include "prune/prune_record.h"
#include "verify/proof_record.h"

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

void addTextSeeds(CorpusWriter &corpus) {
  auto asBytes = [](const std::string &text) {
    return llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(text.data()), text.size());
  };
  romfit::prune::PruneRecord prune;
  prune.rules = "efi-snp-only.rules";
  prune.preconditions = {{"defined efi_snp_driver", true, "efi_snp.o defines it"}};
  prune.ruleSetsPassedOver = {"none"};
  prune.archive = "bin-x86_64-efi/blib.a";
  prune.membersBefore = 361;
  prune.membersAfter = 102;
  prune.bytesBefore = 400000;
  prune.bytesAfter = 120000;
  prune.iterations = 3;
  prune.stubs = {{"ipxe", -1}};
  prune.droppedRequires = {{"obj_tls", "config.o"}};
  prune.keptRequires = {{"obj_efi_snp", "efi_drivers", {"snp_driver"}, 2048}};
  prune.members = {"efi_snp.o", "efi_init.o"};
  prune.removedMembers = {{"tls.o", 15013}};
  corpus.write("prune_record", "prune.json", asBytes(romfit::prune::pruneRecordText(prune)));

  romfit::verify::ProofRecord proofs;
  romfit::verify::ProofKey key{std::string(64, 'a'), "full", "e1000", {"a line"},
                               {{"ovmf qemu", "/usr/bin/qemu-system-x86_64", std::string(64, 'b')}}};
  proofs.add({"8086100e", key, "2026-12-06T08:00:00Z", "passed: 3 of 3 images passed\n"});
  corpus.write("proof_record", "proofs.json", asBytes(proofs.text()));

  corpus.write("make_dry_run", "efi-link.txt",
               asBytes("gcc -DARCH=x86_64 -Os -c core/version.c -o "
                       "bin-x86_64-efi/version.romfit-probe.o\n"
                       "ld -m elf_x86_64 -T scripts/efi.lds -u _efidrv_start \\\n"
                       "  bin-x86_64-efi/version.8086100e.efidrv.o bin-x86_64-efi/blib.a \\\n"
                       "  -o bin-x86_64-efi/8086100e.efidrv.tmp -Map "
                       "bin-x86_64-efi/8086100e.efidrv.tmp.map\n"
                       "#echo \"  [FINISH] bin-x86_64-efi/8086100e.efidrv\"\n"
                       "./util/elf2efi64 --subsystem=11 bin-x86_64-efi/8086100e.efidrv.tmp "
                       "bin-x86_64-efi/8086100e.efidrv\n"));
  corpus.write("console_text", "ovmf.txt",
               asBytes("\x1b[2J\x1b[01;01H\x1b[=3h\x1b[2J\x1b[01;01HBdsDxe: loading Boot0001\r\n"
                       "iPXE 1.21.1+ -- Open Source Network Boot Firmware\b\b\r\n"
                       "net0: 52:54:00:12:34:56 using 82540em\x1b[0m\r\r\n"));
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
  addTextSeeds(corpus);
  return 0;
}
