#pragma once
// Proves a NIC option ROM still boots: QEMU runs it under real firmware
// (SeaBIOS for the legacy PXE image, a UEFI firmware of each EFI driver's
// architecture) and the serial console must show, in order, what only a
// working ROM makes happen. A ROM that fits its budget but no longer boots is
// worse than one that does not fit.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include "support/process_runner.h"
#include "support/tool_root.h"
#include "verify/boot_program.h"
#include "verify/firmware.h"

namespace romfit::verify {

enum class Accelerator { Auto, Kvm, Tcg };
llvm::Expected<Accelerator> parseAccelerator(llvm::StringRef text);  // "auto", "kvm", "tcg"

// Where QEMU and the firmware images are expected: Debian's paths unless
// overridden for a firmware.
struct BootToolOptions {
  std::vector<std::pair<Firmware, FirmwareFiles>> overrides;
  // Where the Debian 13 firmwares' QEMU and files are (support::ToolRoot).
  std::string toolRoot = support::ToolRoot::fromEnvironment().path;
  Accelerator accelerator = Accelerator::Auto;
  FirmwareFiles filesFor(Firmware firmware) const;
};

// One firmware, resolved and checked once, so checking many ROMs (romfit
// build) pays for the lookups and the KVM probe only once.
struct LocatedFirmware {
  Firmware firmware = Firmware::SeaBios;
  std::string qemu;  // absolute path (inside the Debian 13 root for its firmwares)
  std::string code;  // as QEMU opens it (inside the root likewise)
  std::string varsTemplate;  // on the host: romfit copies it
  std::string accelerator;        // "kvm" or "tcg", as QEMU's -accel spells it
  std::string acceleratorReason;  // why that one, for the report
  bool acceleratorRequested = false;  // --accel kvm|tcg: never switched behind the user's back
  std::string toolRoot;  // the Debian 13 root its QEMU runs in (ToolSource::Debian13Root)
};

struct BootTools {
  std::vector<LocatedFirmware> firmwares;
  const LocatedFirmware *find(Firmware firmware) const;
};

// Fails, naming the file and the Debian package to install, when QEMU or a
// firmware image is absent. With Accelerator::Auto, KVM is used only when a
// short probe boot under it actually runs: /dev/kvm can open yet fail on the
// first real-mode instruction (nested or sandboxed hosts), which would look
// exactly like a ROM that hangs. Arm64 firmware always runs under TCG here.
llvm::Expected<LocatedFirmware> locateFirmware(const BootToolOptions &options, Firmware firmware);
llvm::Expected<BootTools> locateBootTools(const BootToolOptions &options,
                                          llvm::ArrayRef<Firmware> firmwares);

// The files one QEMU run reads and writes, all inside one scratch directory.
struct BootWorkFiles {
  explicit BootWorkFiles(llvm::StringRef directory);
  std::string directory;
  std::string serialLog;
  std::string qemuStdout;
  std::string qemuStderr;
  std::string uefiVars;    // a fresh copy per run: UEFI writes boot entries into it
  std::string tftpRoot;    // the boot program, and grub/grub.cfg for GRUB
  std::string serconPort;  // fw_cfg blob telling SeaBIOS to mirror its console on COM1
};

// One QEMU run: which firmware, which NIC, which ROM, which boot file DHCP
// names (empty: none).
struct QemuBootSetup {
  Firmware firmware = Firmware::SeaBios;
  std::optional<std::string> romPath;  // nullopt: the NIC gets no option ROM at all
  std::string nicModel = "e1000";
  std::string bootFile;
};

// The one place QEMU's command line is built (argv[0] included).
std::vector<std::string> buildQemuCommand(const LocatedFirmware &firmware,
                                          const QemuBootSetup &setup, const BootWorkFiles &files);

enum class BootOutcome {
  Passed,
  TimedOut,
  FirmwareGaveUp,  // e.g. SeaBIOS "No bootable device."
  QemuExited,      // before the lines appeared, e.g. QEMU refused the ROM
  AcceleratorFailed,  // KVM stopped the guest: the run says nothing about the ROM
};
llvm::StringRef outcomeName(BootOutcome outcome);

struct ExpectedLine {
  std::string text;  // one step's label: its alternatives
  bool seen = false;
};

struct FirmwareBootResult {
  Firmware firmware = Firmware::SeaBios;
  Depth depth = Depth::Full;
  std::string bootProgram;    // what TFTP served, empty at DHCP depth
  std::string notExercised;   // what this firmware's full-depth pass does not prove
  std::string accelerator;    // what QEMU ran the guest with
  BootOutcome outcome = BootOutcome::TimedOut;
  std::string outcomeDetail;  // one sentence: what stopped the run
  std::vector<ExpectedLine> expectedLines;  // in the order they must appear
  std::string console;     // the serial console with terminal control sequences removed
  // Where the console's tail ends. A firmware that gives up goes on printing
  // (a shell's countdown) for as long as the poll happens to take, so its
  // tail ends with the line that gave up, and shows what led there.
  size_t consoleTailEnd = std::string::npos;
  std::string qemuStderr;
  double seconds = 0;      // from QEMU's start to the outcome
  std::vector<std::string> qemuCommand;

  bool passed() const { return outcome == BootOutcome::Passed; }
  std::vector<std::string> missingLines() const;
  std::vector<std::string> consoleTail(size_t lineCount) const;
};

struct BootCheckRequest {
  std::optional<std::string> romPath;  // nullopt: boot the NIC without a ROM (a control run)
  std::string nicModel = "e1000";
  std::vector<Firmware> firmwares{Firmware::SeaBios, Firmware::Ovmf};
  Depth depth = Depth::Full;
  BootProgramSources bootPrograms{defaultBootProgramCache(),
                                  support::ToolRoot::fromEnvironment().path, {}};
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};  // per firmware
  // When set, the lines (in order) every firmware must show instead of the
  // depth's, for ROMs that are not iPXE, such as the test fixture's driver.
  std::vector<std::string> expectedLines;

  // Whether boots serve a boot program over TFTP (and so need it cached).
  bool servesBootPrograms() const { return depth == Depth::Full && expectedLines.empty(); }
};

// Checks what can be checked without QEMU: the ROM is a readable file (its
// path made absolute), the NIC model is a plain device name, and at full
// depth every boot program is in the cache. checkBoot does this too;
// callers call it first to fail fast.
llvm::Expected<BootCheckRequest> validateBootRequest(const BootCheckRequest &request);

// Boots once per firmware, one QEMU at a time. A boot that fails is a result,
// not an error; errors are for an unreadable ROM, a bad NIC model name, a
// boot program missing from the cache, or QEMU that cannot be started or its
// scratch files not created.
// QEMU runs through `runner`: real processes unless a test hands in a fake.
llvm::Expected<std::vector<FirmwareBootResult>> checkBoot(
    const BootTools &tools, const BootCheckRequest &request,
    support::ProcessRunner &runner = support::systemProcessRunner());

// Serial output with ANSI escape sequences, backspaces and carriage returns
// resolved into plain lines, as a person reading the screen would see them.
std::string cleanConsoleText(llvm::StringRef raw);

} // namespace romfit::verify
