#include <gtest/gtest.h>
#include <llvm/Support/Endian.h>

#include "support/file_io.h"
#include "rom/pci_rom.h"
#include "rom/pe_summary.h"

#include <llvm/Object/Binary.h>
#include "tests/test_support.h"

namespace romfit {
namespace {

std::vector<uint8_t> debianE1000Pe() {
  auto rom = readFileBytes(std::string(testing::kDebianRomDir) + "/efi-e1000.rom");
  EXPECT_TRUE(bool(rom));
  auto parsed = pci::parse(*rom);
  EXPECT_TRUE(bool(parsed));
  auto pe = pci::extractPe(*rom, parsed->images.at(1));
  EXPECT_TRUE(bool(pe));
  return *pe;
}

// iPXE's elf2efi places the debug directory inside the PE headers, which the
// format allows and LLVM 14's reader refuses; the summary must still read.
TEST(PeSummary, ReadsAPeWhoseDebugDirectoryLivesInTheHeaders) {
  std::vector<uint8_t> pe = debianE1000Pe();
  using namespace llvm::support::endian;
  uint32_t header = read32le(pe.data() + 0x3c);
  uint32_t optional = header + 24;
  ASSERT_EQ(read16le(pe.data() + optional), 0x20b);
  uint32_t debugEntry = optional + 112 + 8 * 6;
  uint32_t sizeOfHeaders = read32le(pe.data() + optional + 60);
  write32le(pe.data() + debugEntry, sizeOfHeaders - 28);  // inside the headers, as iPXE master does
  write32le(pe.data() + debugEntry + 4, 28);

  llvm::MemoryBufferRef buffer(llvm::toStringRef(pe), "pe");
  auto direct = llvm::object::createBinary(buffer);
  ASSERT_FALSE(bool(direct)) << "LLVM now reads it: the fallback may be unnecessary";
  llvm::consumeError(direct.takeError());

  auto summary = pe::summarize(pe);
  ASSERT_TRUE(bool(summary)) << llvm::toString(summary.takeError());
  EXPECT_EQ(summary->machine, 0x8664);
  EXPECT_EQ(summary->subsystem, 11);
}

TEST(PeSummary, StillRejectsWhatIsNotAPe) {
  std::vector<uint8_t> junk(4096, 0x4d);
  auto summary = pe::summarize(junk);
  ASSERT_FALSE(bool(summary));
  EXPECT_NE(llvm::toString(summary.takeError()).find("not a PE/COFF file"), std::string::npos);
}

} // namespace
} // namespace romfit
