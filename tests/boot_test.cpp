// ctest-labels: boot
// Boots ROMs in QEMU (tens of seconds under TCG), hence its own ctest label:
// `ctest -L boot` runs these, `ctest -L unit` leaves them out.
#include <algorithm>

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>

#include "support/file_io.h"
#include "verify/boot_check.h"
#include "tests/test_support.h"

namespace romfit::verify {
namespace {

const std::string kDebianE1000Rom = std::string(testing::kDebianRomDir) + "/efi-e1000.rom";

// Located once: the KVM probe inside is a QEMU run of its own.
const BootTools &tools() {
  static const BootTools located = [] {
    auto found = locateBootTools({}, {Firmware::SeaBios, Firmware::Ovmf});
    if (!found) {
      ADD_FAILURE() << llvm::toString(found.takeError());
      return BootTools{};
    }
    fmt::print("[ boot     ] accelerator {}: {}\n", found->accelerator, found->acceleratorReason);
    return *found;
  }();
  return located;
}

std::vector<FirmwareBootResult> boot(std::optional<std::string> rom,
                                     std::chrono::seconds timeout = std::chrono::seconds(90)) {
  BootCheckRequest request;
  request.romPath = std::move(rom);
  request.timeout = timeout;
  auto results = checkBoot(tools(), request);
  if (!results) {
    ADD_FAILURE() << llvm::toString(results.takeError());
    return {};
  }
  return std::move(*results);
}

std::string describe(const FirmwareBootResult &result) {
  std::string text = fmt::format("{}: {} after {:.1f} s ({})\n", firmwareName(result.firmware).str(),
                                 outcomeName(result.outcome).str(), result.seconds,
                                 result.outcomeDetail);
  for (const std::string &line : result.consoleTail(20))
    text += "  | " + line + "\n";
  return text + result.qemuStderr;
}

TEST(BootCheck, DebianE1000RomBootsUnderSeaBiosAndOvmf) {
  ASSERT_TRUE(testing::fileExists(kDebianE1000Rom));
  std::vector<FirmwareBootResult> results = boot(kDebianE1000Rom);
  ASSERT_EQ(results.size(), 2u);
  for (const FirmwareBootResult &result : results) {
    fmt::print("[ boot     ] {} reached its lines in {:.1f} s\n",
               firmwareName(result.firmware).str(), result.seconds);
    EXPECT_TRUE(result.passed()) << describe(result);
    for (const std::string &line : consoleExpectations(result.firmware).requiredLines)
      EXPECT_TRUE(llvm::StringRef(result.console).contains(line))
          << "'" << line << "' missing\n" << describe(result);
  }
  EXPECT_EQ(results[0].firmware, Firmware::SeaBios);
  EXPECT_EQ(results[1].firmware, Firmware::Ovmf);
  // What each firmware proves is specific to it: iPXE's legacy image under
  // SeaBIOS, OVMF's own PXE client over the ROM's SNP.
  EXPECT_TRUE(llvm::StringRef(results[0].console).contains("SeaBIOS"));
  // (Only what comes before the expected lines: QEMU stops right after them.)
  EXPECT_TRUE(llvm::StringRef(results[1].console).contains("BdsDxe"));
}

// The control run: the same machines with a NIC that has no ROM must not
// show the lines, or passing them would prove nothing about a ROM.
TEST(BootCheck, NicWithoutRomShowsNeitherFirmwaresLines) {
  std::vector<FirmwareBootResult> results = boot(std::nullopt, std::chrono::seconds(60));
  ASSERT_EQ(results.size(), 2u);
  for (const FirmwareBootResult &result : results) {
    fmt::print("[ boot     ] {} without a ROM: {} after {:.1f} s\n",
               firmwareName(result.firmware).str(), outcomeName(result.outcome).str(),
               result.seconds);
    EXPECT_FALSE(result.passed()) << describe(result);
    // The firmware itself did run, so an empty console cannot explain the miss.
    EXPECT_FALSE(result.console.empty()) << describe(result);
    for (const ExpectedLine &line : result.expectedLines)
      EXPECT_FALSE(line.seen) << line.text << "\n" << describe(result);
    EXPECT_EQ(result.missingLines().size(), result.expectedLines.size());
  }
}

TEST(BootCheck, ZeroByteRomFailsWithExitOne) {
  std::string scratch = testing::makeScratchDir("boot-empty");
  std::string rom = scratch + "/empty.rom";
  ASSERT_FALSE(bool(writeFileAtomically(rom, llvm::StringRef(""))));
  testing::CommandResult run = testing::runRomfit({"verify", "--boot", rom, "--timeout", "60"});
  llvm::sys::fs::remove_directories(scratch);
  EXPECT_EQ(run.status, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("FAIL"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("PASS"), std::string::npos) << run.out;
  // QEMU refuses a zero-length romfile outright; the report says so.
  EXPECT_NE(run.out.find("is empty"), std::string::npos) << run.out;
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
  EXPECT_NE(run.out.find("\"firmware\": \"seabios\""), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("\"firmware\": \"ovmf\""), std::string::npos) << run.out;
}

TEST(BootCheck, UsageErrorsExitTwo) {
  EXPECT_EQ(testing::runRomfit({"verify", kDebianE1000Rom}).status, 2);  // no --boot
  EXPECT_EQ(testing::runRomfit({"verify", "--boot", kDebianE1000Rom, "--firmware", "coreboot"})
                .status,
            2);
  EXPECT_EQ(testing::runRomfit({"verify", "--boot", kDebianE1000Rom, "--timeout", "0"}).status, 2);
  EXPECT_EQ(
      testing::runRomfit({"verify", "--boot", kDebianE1000Rom, "--nic", "e1000,romfile=x"}).status,
      2);
}

TEST(BootTools, MissingQemuOrFirmwareIsNamed) {
  BootToolOptions noQemu;
  noQemu.qemuProgram = "romfit-no-such-qemu";
  auto tools = locateBootTools(noQemu, {Firmware::SeaBios});
  ASSERT_FALSE(bool(tools));
  EXPECT_NE(llvm::toString(tools.takeError()).find("romfit-no-such-qemu"), std::string::npos);

  BootToolOptions noOvmf;
  noOvmf.ovmfCode = "/nonexistent/OVMF_CODE_4M.fd";
  noOvmf.accelerator = Accelerator::Tcg;
  tools = locateBootTools(noOvmf, {Firmware::Ovmf});
  ASSERT_FALSE(bool(tools));
  EXPECT_NE(llvm::toString(tools.takeError()).find("/nonexistent/OVMF_CODE_4M.fd"),
            std::string::npos);
  // Only the selected firmwares' files are required.
  tools = locateBootTools(noOvmf, {Firmware::SeaBios});
  EXPECT_TRUE(bool(tools)) << llvm::toString(tools.takeError());
}

TEST(BootCommandLine, IsolatesTheNetworkAndEscapesCommas) {
  BootTools fakeTools{"/usr/bin/qemu-system-x86_64", "/fw/bios.bin", "/fw/CODE.fd",
                      "/fw/VARS.fd", "tcg", "requested"};
  BootWorkFiles files("/tmp/work");
  std::vector<std::string> seabios =
      buildQemuCommand(fakeTools, {Firmware::SeaBios, "/roms/a,b.rom", "e1000"}, files);
  auto has = [](const std::vector<std::string> &command, const std::string &argument) {
    return std::find(command.begin(), command.end(), argument) != command.end();
  };
  EXPECT_TRUE(has(seabios, "e1000,netdev=n0,bootindex=0,romfile=/roms/a,,b.rom"));
  EXPECT_TRUE(has(seabios, "user,id=n0,restrict=on"));
  EXPECT_TRUE(has(seabios, "/fw/bios.bin"));
  std::vector<std::string> ovmf =
      buildQemuCommand(fakeTools, {Firmware::Ovmf, std::nullopt, "e1000"}, files);
  EXPECT_TRUE(has(ovmf, "e1000,netdev=n0,bootindex=0,romfile="));
  EXPECT_TRUE(has(ovmf, "user,id=n0,restrict=on,tftp=/tmp/work/tftp,bootfile=boot.efi"));
  EXPECT_TRUE(has(ovmf, "if=pflash,format=raw,unit=0,readonly=on,file=/fw/CODE.fd"));
  EXPECT_TRUE(has(ovmf, "if=pflash,format=raw,unit=1,file=/tmp/work/OVMF_VARS.fd"));
  EXPECT_TRUE(has(ovmf, "q35"));
}

TEST(ConsoleText, DropsEscapesAndAppliesBackspaces) {
  EXPECT_EQ(cleanConsoleText("\x1b[0;1miPXE\x1b[0m ok\r\nPress...\b \b\b \b\b \bnet0: up\r\n"),
            "iPXE ok\nPressnet0: up\n");
  EXPECT_EQ(cleanConsoleText("\x1b" "c\x1b[?7l\x1b[2JSeaBIOS"), "SeaBIOS");
}

} // namespace
} // namespace romfit::verify
