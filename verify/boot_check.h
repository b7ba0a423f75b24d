#pragma once
// Proves a NIC option ROM still boots: QEMU runs it under real firmware
// (SeaBIOS for the legacy PXE image, OVMF for the EFI driver) and the serial
// console must show what only a working ROM prints. A ROM that fits its
// budget but no longer boots is worse than one that does not fit.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::verify {

enum class Firmware { SeaBios, Ovmf };

llvm::StringRef firmwareName(Firmware firmware);  // "seabios", "ovmf"
// "seabios", "ovmf" or "both".
llvm::Expected<std::vector<Firmware>> parseFirmwareSelection(llvm::StringRef text);

enum class Accelerator { Auto, Kvm, Tcg };
llvm::Expected<Accelerator> parseAccelerator(llvm::StringRef text);  // "auto", "kvm", "tcg"

// Where QEMU and the firmware images are expected; Debian's paths by default.
struct BootToolOptions {
  std::string qemuProgram = "qemu-system-x86_64";  // PATH lookup unless absolute
  std::string seabiosImage = "/usr/share/seabios/bios-256k.bin";
  std::string ovmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
  std::string ovmfVarsTemplate = "/usr/share/OVMF/OVMF_VARS_4M.fd";
  Accelerator accelerator = Accelerator::Auto;
};

// Everything resolved and checked once, so checking many ROMs (romfit build
// --verify) pays for the lookups and the KVM probe only once.
struct BootTools {
  std::string qemu;  // absolute path
  std::string seabiosImage;
  std::string ovmfCode;
  std::string ovmfVarsTemplate;
  std::string accelerator;  // "kvm" or "tcg", as QEMU's -accel spells it
  std::string acceleratorReason;  // why that one, for the report
};

// Fails, naming what is missing, when QEMU or a firmware image the selected
// firmwares need is absent. With Accelerator::Auto, KVM is used only when a
// short probe boot under it actually runs: /dev/kvm can open yet fail on the
// first real-mode instruction (nested or sandboxed hosts), which would look
// exactly like a ROM that hangs.
llvm::Expected<BootTools> locateBootTools(const BootToolOptions &options,
                                          llvm::ArrayRef<Firmware> firmwares);

// The files one QEMU run reads and writes, all inside one scratch directory.
struct BootWorkFiles {
  explicit BootWorkFiles(llvm::StringRef directory);
  std::string directory;
  std::string serialLog;
  std::string qemuStdout;
  std::string qemuStderr;
  std::string ovmfVars;    // a fresh copy per run: OVMF writes boot entries into it
  std::string tftpRoot;    // empty: the DHCP offer names a boot file that does not exist
  std::string serconPort;  // fw_cfg blob telling SeaBIOS to mirror its console on COM1
};

// One QEMU run: which firmware, which NIC, which ROM.
struct QemuBootSetup {
  Firmware firmware = Firmware::SeaBios;
  std::optional<std::string> romPath;  // nullopt: the NIC gets no option ROM at all
  std::string nicModel = "e1000";
};

// The one place QEMU's command line is built (argv[0] included).
std::vector<std::string> buildQemuCommand(const BootTools &tools, const QemuBootSetup &setup,
                                          const BootWorkFiles &files);

// What the serial console must show for a pass, and what means the firmware
// ran out of boot options (so waiting longer cannot help).
struct ConsoleExpectations {
  std::vector<std::string> requiredLines;
  std::vector<std::string> gaveUpMarkers;
};
ConsoleExpectations consoleExpectations(Firmware firmware);

enum class BootOutcome {
  Passed,
  TimedOut,
  FirmwareGaveUp,  // e.g. SeaBIOS "No bootable device."
  QemuExited,      // before the lines appeared, e.g. QEMU refused the ROM
};
llvm::StringRef outcomeName(BootOutcome outcome);

struct ExpectedLine {
  std::string text;
  bool seen = false;
};

struct FirmwareBootResult {
  Firmware firmware = Firmware::SeaBios;
  BootOutcome outcome = BootOutcome::TimedOut;
  std::string outcomeDetail;  // one sentence: what stopped the run
  std::vector<ExpectedLine> expectedLines;
  std::string console;     // the serial console with terminal control sequences removed
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
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // per firmware
  // When set, the lines every firmware must show instead of iPXE's and
  // OVMF's (for ROMs that are not iPXE, such as the test fixture's driver).
  std::vector<std::string> expectedLines;
};

// Checks what can be checked without QEMU: the ROM is a readable file (its
// path made absolute) and the NIC model is a plain device name. checkBoot
// does this too; callers call it first to fail fast.
llvm::Expected<BootCheckRequest> validateBootRequest(const BootCheckRequest &request);

// Boots once per firmware, one QEMU at a time. A boot that fails is a result,
// not an error; errors are for an unreadable ROM, a bad NIC model name, or
// QEMU that cannot be started or its scratch files not created.
llvm::Expected<std::vector<FirmwareBootResult>> checkBoot(const BootTools &tools,
                                                          const BootCheckRequest &request);

// Serial output with ANSI escape sequences, backspaces and carriage returns
// resolved into plain lines, as a person reading the screen would see them.
std::string cleanConsoleText(llvm::StringRef raw);

} // namespace romfit::verify
