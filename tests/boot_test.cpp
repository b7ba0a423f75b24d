// ctest-labels: boot
// Boots ROMs in QEMU (tens of seconds under TCG), hence its own ctest label:
// `ctest -L boot` runs these, `ctest -L unit` leaves them out. The boot
// programs come from scripts/fetch-boot-programs (run by scripts/setup).
#include <algorithm>

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>

#include "support/file_io.h"
#include "verify/rom_verification.h"
#include "verify/verification_report.h"
#include "tests/test_support.h"

namespace romfit::verify {
namespace {

const std::string kDebianE1000Rom = std::string(testing::kDebianRomDir) + "/efi-e1000.rom";

// Located once: the KVM probe inside is a QEMU run of its own.
const BootTools &tools() {
  static const BootTools located = [] {
    std::vector<Firmware> all = allFirmwares();
    auto found = locateBootTools({}, all);
    if (!found) {
      ADD_FAILURE() << llvm::toString(found.takeError());
      return BootTools{};
    }
    for (const LocatedFirmware &firmware : found->firmwares)
      fmt::print("[ boot     ] {}: {} ({})\n", firmwareName(firmware.firmware).str(),
                 firmware.accelerator, firmware.acceleratorReason);
    return *found;
  }();
  return located;
}

// Controls never get as far as a download; loong64's boot program, which
// only an iPXE tree has, is a stand-in file there.
BootCheckRequest controlRequest(std::optional<std::string> rom, std::vector<Firmware> firmwares) {
  static const std::string standIn = [] {
    std::string path = testing::makeScratchDir("boot-control") + "/snponly.efi";
    if (llvm::Error error = writeFileAtomically(path, llvm::StringRef("not reached")))
      ADD_FAILURE() << llvm::toString(std::move(error));
    return path;
  }();
  BootCheckRequest request;
  request.romPath = std::move(rom);
  request.firmwares = std::move(firmwares);
  request.timeout = std::chrono::seconds(90);
  request.bootPrograms.given = {{"efi:loong64", standIn}};
  return request;
}

RomVerification proveRom(const std::string &rom) {
  auto plan = planRomVerification(rom);
  if (!plan) {
    ADD_FAILURE() << llvm::toString(plan.takeError());
    return {};
  }
  BootCheckRequest request;
  request.romPath = rom;
  request.firmwares = firmwaresNeeded(*plan);
  auto verification = verifyRom(tools(), request, *plan);
  if (!verification) {
    ADD_FAILURE() << llvm::toString(verification.takeError());
    return {};
  }
  return std::move(*verification);
}

std::string describe(const FirmwareBootResult &result) {
  std::string text = fmt::format("{}: {} after {:.1f} s ({})\n", firmwareName(result.firmware).str(),
                                 outcomeName(result.outcome).str(), result.seconds,
                                 result.outcomeDetail);
  for (const std::string &line : result.consoleTail(20))
    text += "  | " + line + "\n";
  return text + result.qemuStderr;
}

// Where `needle` first appears at or after `from` (npos when it does not).
size_t findFrom(const std::string &text, const std::string &needle, size_t from) {
  return from == std::string::npos ? std::string::npos : text.find(needle, from);
}

void expectFullNetworkBoots(const RomVerification &verification) {
  ASSERT_EQ(verification.images.size(), 2u);
  EXPECT_TRUE(verification.passed()) << verificationText(verification);
  const ImageVerdict &legacy = verification.images[0];
  const ImageVerdict &efi = verification.images[1];
  EXPECT_EQ(legacy.plan.kind, "legacy");
  EXPECT_EQ(efi.plan.kind, "efi:x86_64");
  ASSERT_TRUE(legacy.boot && efi.boot);
  EXPECT_EQ(legacy.boot->firmware, Firmware::SeaBios);
  EXPECT_EQ(efi.boot->firmware, Firmware::Ovmf);
  for (const ImageVerdict *image : {&legacy, &efi}) {
    fmt::print("[ boot     ] {} on {}: {} in {:.1f} s\n", image->plan.kind,
               firmwareName(image->boot->firmware).str(), imageStatusName(image->status).str(),
               image->boot->seconds);
    EXPECT_EQ(image->status, ImageStatus::Passed) << describe(*image->boot);
  }
  // The boot program's own lines come after its download, and its own DHCP
  // address after it took the NIC over through the ROM's interface.
  const std::string &bios = legacy.boot->console;
  size_t downloaded = bios.find("undionly.kpxe... ok");
  size_t undi = findFrom(bios, "using undionly on", downloaded);
  EXPECT_NE(findFrom(bios, "net0: 10.0.2.15", undi), std::string::npos) << describe(*legacy.boot);
  const std::string &uefi = efi.boot->console;
  size_t snp = uefi.find("using SNP on SNP-");
  EXPECT_NE(findFrom(uefi, "net0: 10.0.2.15", snp), std::string::npos) << describe(*efi.boot);
  EXPECT_EQ(legacy.boot->bootProgram, "undionly.kpxe");
  EXPECT_EQ(efi.boot->bootProgram, "snponly.efi");
}

TEST(BootProof, DebianE1000RomPassesFullNetworkBoots) {
  ASSERT_TRUE(testing::fileExists(kDebianE1000Rom));
  expectFullNetworkBoots(proveRom(kDebianE1000Rom));
}

// The control runs: the same machines with a NIC that has no ROM must not
// pass on any firmware, or passing would prove nothing about a ROM.
TEST(BootProof, NicWithoutRomFailsOnEveryFirmware) {
  BootCheckRequest request = controlRequest(std::nullopt, allFirmwares());
  auto results = checkBoot(tools(), request);
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  ASSERT_EQ(results->size(), allFirmwares().size());
  for (const FirmwareBootResult &result : *results) {
    fmt::print("[ boot     ] {} without a ROM: {} after {:.1f} s\n",
               firmwareName(result.firmware).str(), outcomeName(result.outcome).str(),
               result.seconds);
    EXPECT_FALSE(result.passed()) << describe(result);
    // The firmware itself did run, so an empty console cannot explain the miss.
    EXPECT_FALSE(result.console.empty()) << describe(result);
    for (const ExpectedLine &line : result.expectedLines)
      EXPECT_FALSE(line.seen) << line.text << "\n" << describe(result);
    // It ran out of boot options rather than hanging.
    EXPECT_EQ(result.outcome, BootOutcome::FirmwareGaveUp) << describe(result);
  }
}

// The second control for the firmwares with no network stack of their own:
// a ROM with images for other architectures only (Debian's x86 e1000 ROM)
// gives them nothing, and they end in their shell.
TEST(BootProof, X86OnlyRomGivesRiscvAndLoongArchFirmwareNothing) {
  BootCheckRequest request =
      controlRequest(kDebianE1000Rom, {Firmware::RiscvEdk2, Firmware::LoongArchEdk2});
  auto results = checkBoot(tools(), request);
  ASSERT_TRUE(bool(results)) << llvm::toString(results.takeError());
  ASSERT_EQ(results->size(), 2u);
  for (const FirmwareBootResult &result : *results) {
    fmt::print("[ boot     ] {} with an x86-only ROM: {} after {:.1f} s\n",
               firmwareName(result.firmware).str(), outcomeName(result.outcome).str(),
               result.seconds);
    EXPECT_FALSE(result.passed()) << describe(result);
    EXPECT_EQ(result.outcome, BootOutcome::FirmwareGaveUp) << describe(result);
    EXPECT_FALSE(result.expectedLines.front().seen) << describe(result);
  }
}

TEST(BootProof, DhcpDepthKeepsTheQuickCheck) {
  testing::CommandResult run = testing::runRomfit(
      {"verify", "--boot", kDebianE1000Rom, "--firmware", "seabios", "--depth", "dhcp", "--json"});
  EXPECT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("\"depth\": \"dhcp\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"status\": \"passed\""), std::string::npos) << run.out;
  // OVMF was not selected: its image is not verified, and says why.
  EXPECT_NE(run.out.find("ovmf was not selected"), std::string::npos) << run.out;
}

TEST(BootCheck, ZeroByteRomIsBadInput) {
  std::string scratch = testing::makeScratchDir("boot-empty");
  std::string rom = scratch + "/empty.rom";
  ASSERT_FALSE(bool(writeFileAtomically(rom, llvm::StringRef(""))));
  testing::CommandResult run = testing::runRomfit({"verify", "--boot", rom, "--timeout", "60"});
  llvm::sys::fs::remove_directories(scratch);
  EXPECT_EQ(run.status, 2) << run.out << run.err;
  EXPECT_NE(run.err.find(rom), std::string::npos) << run.err;
  EXPECT_EQ(run.out.find("PASS"), std::string::npos) << run.out;
}

TEST(BootCheck, MissingRomExitsTwoNamingThePath) {
  std::string rom = "/nonexistent/romfit-boot-test/no-such.rom";
  testing::CommandResult run = testing::runRomfit({"verify", "--boot", rom});
  EXPECT_EQ(run.status, 2) << run.out << run.err;
  EXPECT_NE(run.err.find(rom), std::string::npos) << run.err;
}

TEST(BootCheck, CommandPassesDebianRomUnderSeaBiosAsJson) {
  testing::CommandResult run = testing::runRomfit(
      {"verify", "--boot", kDebianE1000Rom, "--firmware", "seabios", "--json"});
  EXPECT_EQ(run.status, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("\"passed\": true"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"boot_program\": \"undionly.kpxe\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"status\": \"not verified\""), std::string::npos) << run.out;
}

TEST(BootCheck, MissingBootProgramExitsTwoNamingThePackage) {
  testing::CommandResult run = testing::runRomfit(
      {"verify", "--boot", kDebianE1000Rom, "--boot-programs", "/nonexistent/romfit-cache"});
  EXPECT_EQ(run.status, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("undionly.kpxe"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("Debian package ipxe"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("scripts/fetch-boot-programs"), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

TEST(BootCheck, UsageErrorsExitTwo) {
  EXPECT_EQ(testing::runRomfit({"verify", kDebianE1000Rom}).status, 2);  // no --boot
  EXPECT_EQ(testing::runRomfit({"verify", "--boot", kDebianE1000Rom, "--firmware", "coreboot"})
                .status,
            2);
  EXPECT_EQ(testing::runRomfit({"verify", "--boot", kDebianE1000Rom, "--timeout", "0"}).status, 2);
  EXPECT_EQ(testing::runRomfit({"verify", "--boot", kDebianE1000Rom, "--depth", "tftp"}).status, 2);
  EXPECT_EQ(
      testing::runRomfit({"verify", "--boot", kDebianE1000Rom, "--nic", "e1000,romfile=x"}).status,
      2);
}

} // namespace
} // namespace romfit::verify
