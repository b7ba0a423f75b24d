// ctest-labels: slow
// romfit build --rom-set qemu on the fixture: QEMU's 8 ROMs, QEMU's names,
// one closing table, and --install-dir writing them under those names.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "rom/pci_rom.h"
#include "support/file_io.h"
#include "tests/build_fixture.h"

namespace romfit::testing {
namespace {

struct QemuRom { const char *file, *id; uint16_t vendor, device; };
const QemuRom kQemuRoms[] = {
    {"efi-e1000.rom", "8086100e", 0x8086, 0x100e},   {"efi-e1000e.rom", "808610d3", 0x8086, 0x10d3},
    {"efi-eepro100.rom", "80861209", 0x8086, 0x1209}, {"efi-ne2k_pci.rom", "10500940", 0x1050, 0x0940},
    {"efi-pcnet.rom", "10222000", 0x1022, 0x2000},   {"efi-rtl8139.rom", "10ec8139", 0x10ec, 0x8139},
    {"efi-virtio.rom", "1af41000", 0x1af4, 0x1000},  {"efi-vmxnet3.rom", "15ad07b0", 0x15ad, 0x07b0},
};

TEST(RomSet, QemuSetIsNamedTabledAndInstalled) {
  std::string scratch = makeScratchDir("rom-set");
  std::string tree = copyMinipxe(scratch);
  std::string out = scratch + "/out", installed = scratch + "/pc-bios";
  auto build = runRomfit({"build", "--ipxe", tree, "--config", "qemu", "--rom-set", "qemu",
                          "--no-verify", "-o", out, "--install-dir", installed});
  ASSERT_EQ(build.status, 0) << build.out << build.err;
  // The columns widen to the largest figure, so the header is found by its words.
  size_t table = build.out.find("\nROM               ID  ");
  ASSERT_NE(table, std::string::npos) << build.out;
  ASSERT_NE(build.out.find("bytes  budget  boot proof\n", table), std::string::npos) << build.out;
  size_t at = table;
  for (const QemuRom &rom : kQemuRoms) {
    SCOPED_TRACE(rom.file);
    // Rows in QEMU's order, each naming the file and its ROM ID.
    at = build.out.find(fmt::format("\n{:<16}  {}  ", rom.file, rom.id), at);
    ASSERT_NE(at, std::string::npos) << build.out;
    EXPECT_NE(build.out.find("unverified (--no-verify)", at), std::string::npos);
    auto shipped = readFileBytes(installed + "/" + rom.file);
    ASSERT_TRUE(bool(shipped));
    EXPECT_TRUE(*shipped == *readFileBytes(out + "/" + rom.id + ".unverified.rom"));
    auto parsed = pci::parse(*shipped);
    ASSERT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
    // QEMU's images: legacy, then x86_64 EFI.
    ASSERT_EQ(parsed->images.size(), 2u);
    EXPECT_TRUE(parsed->images[0].legacy);
    EXPECT_TRUE(parsed->images[1].efi);
    for (const pci::Image &image : parsed->images) {
      EXPECT_EQ(image.pcir.vendor, rom.vendor);
      EXPECT_EQ(image.pcir.device, rom.device);
    }
  }
  llvm::sys::fs::remove_directories(scratch);
}

TEST(RomSet, BadSetsAreUsageErrors) {
  auto unknown = runRomfit({"build", "--ipxe", "/nonexistent", "--rom-set", "fedora", "-o", "/tmp/x"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("unknown --rom-set 'fedora' (known: qemu)"), std::string::npos)
      << unknown.err;
  auto both = runRomfit({"build", "--ipxe", "/nonexistent", "--rom-set", "qemu", "--rom",
                         "8086100e", "-o", "/tmp/x"});
  EXPECT_EQ(both.status, 2);
  EXPECT_NE(both.err.find("give it or --rom, not both"), std::string::npos) << both.err;
}

} // namespace
} // namespace romfit::testing
