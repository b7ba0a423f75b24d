#include "verify/boot_check.h"

#include <signal.h>

#include <atomic>
#include <thread>

#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>

#include "support/error.h"
#include "support/file_io.h"
#include "support/child_process.h"
#include "support/interrupt.h"

namespace romfit::verify {

using support::ChildProcess;
using support::GrowingFile;
using support::ScratchDirectory;

using Clock = std::chrono::steady_clock;

// Often enough that a pass is noticed well within a second, rarely enough
// that polling costs nothing next to an emulated CPU.
static constexpr auto kPollInterval = std::chrono::milliseconds(100);

// A working KVM gets SeaBIOS to "No bootable device." in well under a
// second; TCG needs about a quarter of one.
static constexpr auto kKvmProbeTimeout = std::chrono::seconds(3);

// What QEMU says when KVM, not the ROM, is the problem: it pauses the guest
// on an internal error rather than exiting, and refuses machines (SMM) that
// a nested hypervisor lacks.
static const std::vector<std::string> kAcceleratorFailures{
    "KVM internal error", "not supported by this hypervisor"};

// Set once a boot under KVM failed because of KVM: every later boot in this
// process goes straight to TCG.
static std::atomic<bool> kvmFailedDuringBoot{false};

// COM1. SeaBIOS reads "etc/sercon-port" as a little-endian integer.
static constexpr uint8_t kSerconPortBlob[] = {0xf8, 0x03};

llvm::Expected<Accelerator> parseAccelerator(llvm::StringRef text) {
  if (text == "auto")
    return Accelerator::Auto;
  if (text == "kvm")
    return Accelerator::Kvm;
  if (text == "tcg")
    return Accelerator::Tcg;
  return makeError("unknown accelerator '{}' (expected auto, kvm or tcg)", text.str());
}

llvm::StringRef outcomeName(BootOutcome outcome) {
  switch (outcome) {
  case BootOutcome::Passed:
    return "passed";
  case BootOutcome::TimedOut:
    return "timed-out";
  case BootOutcome::FirmwareGaveUp:
    return "firmware-gave-up";
  case BootOutcome::QemuExited:
    return "qemu-exited";
  case BootOutcome::AcceleratorFailed:
    return "accelerator-failed";
  }
  return "unknown";
}

FirmwareFiles BootToolOptions::filesFor(Firmware firmware) const {
  for (const auto &[overridden, files] : overrides)
    if (overridden == firmware)
      return files;
  return defaultFirmwareFiles(firmware);
}

const LocatedFirmware *BootTools::find(Firmware firmware) const {
  for (const LocatedFirmware &located : firmwares)
    if (located.firmware == firmware)
      return &located;
  return nullptr;
}

std::vector<std::string> FirmwareBootResult::missingLines() const {
  std::vector<std::string> missing;
  for (const ExpectedLine &line : expectedLines)
    if (!line.seen)
      missing.push_back(line.text);
  return missing;
}

std::vector<std::string> FirmwareBootResult::consoleTail(size_t lineCount) const {
  llvm::SmallVector<llvm::StringRef, 64> lines;
  llvm::StringRef(console).take_front(consoleTailEnd).split(lines, '\n', -1,
                                                             /*KeepEmpty=*/false);
  std::vector<std::string> tail;
  for (llvm::StringRef line : lines)
    if (!line.trim().empty())
      tail.push_back(line.rtrim().str());
  if (tail.size() > lineCount)
    tail.erase(tail.begin(), tail.end() - lineCount);
  return tail;
}

std::string cleanConsoleText(llvm::StringRef raw) {
  std::string text, line;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\x1b') {
      if (i + 1 < raw.size() && raw[i + 1] == '[') {
        // CSI: parameter and intermediate bytes up to one final byte.
        i += 2;
        while (i < raw.size() && !(raw[i] >= 0x40 && raw[i] <= 0x7e))
          ++i;
      } else {
        ++i;  // two-byte escapes such as ESC c (reset)
      }
      continue;
    }
    if (c == '\b') {
      if (!line.empty())
        line.pop_back();
      continue;
    }
    if (c == '\n') {
      text += line;
      text += '\n';
      line.clear();
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
      continue;  // '\r' and other controls carry nothing a reader sees
    line += c;
  }
  return text + line;
}

// QEMU splits option values at commas; a literal comma is written twice.
static std::string qemuOptionValue(llvm::StringRef value) {
  std::string escaped;
  for (char c : value) {
    escaped += c;
    if (c == ',')
      escaped += ',';
  }
  return escaped;
}

BootWorkFiles::BootWorkFiles(llvm::StringRef dir)
    : directory(dir.str()), serialLog(directory + "/serial.log"),
      qemuStdout(directory + "/qemu.stdout"), qemuStderr(directory + "/qemu.stderr"),
      uefiVars(directory + "/UEFI_VARS.fd"), tftpRoot(directory + "/tftp"),
      serconPort(directory + "/sercon-port") {}

std::vector<std::string> buildQemuCommand(const LocatedFirmware &firmware,
                                          const QemuBootSetup &setup, const BootWorkFiles &files) {
  std::string romfile = setup.romPath ? qemuOptionValue(*setup.romPath) : "";
  // restrict=on keeps every packet inside QEMU's user-mode network.
  std::string netdev = "user,id=n0,restrict=on,tftp=" + qemuOptionValue(files.tftpRoot);
  if (!setup.bootFile.empty())
    netdev += ",bootfile=" + qemuOptionValue(setup.bootFile);
  std::vector<std::string> command{
      firmware.qemu,
      "-accel", firmware.accelerator,
      // No default devices: without disks the NIC is the only boot option.
      "-nodefaults", "-display", "none", "-smp", "1",
      // A triple fault ends the run instead of rebooting into the same fault.
      "-no-reboot",
      "-chardev", "file,id=console,path=" + qemuOptionValue(files.serialLog),
      "-serial", "chardev:console",
      "-netdev", netdev,
      // On the arm64 virt machine too the NIC sits on the PCIe bus, where
      // AAVMF dispatches its option ROM like any PCI firmware.
      "-device", setup.nicModel + ",netdev=n0,bootindex=0,romfile=" + romfile,
  };
  const FirmwareSpec &spec = firmwareSpec(setup.firmware);
  command.insert(command.end(), spec.machine.begin(), spec.machine.end());
  command.insert(command.end(), {"-m", spec.memory});
  switch (spec.flash) {
  case FlashStyle::Bios:
    command.insert(command.end(), {
        "-bios", firmware.code,
        // SeaBIOS's sercon mirrors the int 10h text console, which is where
        // iPXE's legacy image prints, onto COM1. QEMU warns that the name
        // lacks "opt/", but SeaBIOS looks for exactly this name.
        "-fw_cfg", "name=etc/sercon-port,file=" + qemuOptionValue(files.serconPort)});
    break;
  case FlashStyle::PflashDrives:
    command.insert(command.end(), {
        "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + qemuOptionValue(firmware.code),
        "-drive", "if=pflash,format=raw,unit=1,file=" + qemuOptionValue(files.uefiVars)});
    break;
  case FlashStyle::PflashMachineProps:
    // The machine's own -machine argument comes first in spec.machine; its
    // flash properties are added to it.
    command.insert(command.end(), {
        "-machine", "pflash0=romfit-code,pflash1=romfit-vars",
        "-blockdev", "node-name=romfit-code,driver=file,read-only=on,filename=" +
                         qemuOptionValue(firmware.code),
        "-blockdev", "node-name=romfit-vars,driver=file,filename=" +
                         qemuOptionValue(files.uefiVars)});
    break;
  }
  if (spec.source == ToolSource::Debian13Root)
    return support::ToolRoot{firmware.toolRoot}.wrap(command);
  return command;
}

static llvm::Error prepareWorkFiles(const LocatedFirmware &firmware, const BootWorkFiles &files,
                                    const std::optional<std::string> &bootProgramPath) {
  // Created before QEMU starts so polling never races its creation.
  if (llvm::Error error = writeFileAtomically(files.serialLog, llvm::StringRef("")))
    return error;
  if (std::error_code ec = llvm::sys::fs::create_directory(files.tftpRoot))
    return makeError("cannot create TFTP directory '{}': {}", files.tftpRoot, ec.message());
  if (bootProgramPath) {
    std::string served = files.tftpRoot + "/" + llvm::sys::path::filename(*bootProgramPath).str();
    if (std::error_code ec = llvm::sys::fs::copy_file(*bootProgramPath, served))
      return makeError("cannot copy boot program '{}' to '{}': {}", *bootProgramPath, served,
                       ec.message());
    if (bootProgramFor(firmware.firmware).readsGrubConfig) {
      // GRUB's network images look for grub.cfg under the prefix "/grub".
      std::string grubDir = files.tftpRoot + "/grub";
      if (std::error_code ec = llvm::sys::fs::create_directory(grubDir))
        return makeError("cannot create '{}': {}", grubDir, ec.message());
      if (llvm::Error error = writeFileAtomically(grubDir + "/grub.cfg", grubConfig()))
        return error;
    }
  }
  if (!isUefi(firmware.firmware))
    return writeFileAtomically(files.serconPort, llvm::ArrayRef<uint8_t>(kSerconPortBlob));
  if (std::error_code ec = llvm::sys::fs::copy_file(firmware.varsTemplate, files.uefiVars))
    return makeError("cannot copy UEFI variables '{}' to '{}': {}", firmware.varsTemplate,
                     files.uefiVars, ec.message());
  return llvm::Error::success();
}

// QEMU warns about every fw_cfg name outside "opt/", including the one
// SeaBIOS needs; that warning says nothing about the ROM.
static std::string withoutSerconWarning(llvm::StringRef stderrText) {
  std::string kept;
  llvm::SmallVector<llvm::StringRef, 16> lines;
  stderrText.split(lines, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef line : lines)
    if (!(line.contains("etc/sercon-port") && line.contains("should be prefixed with")))
      kept += line.str() + "\n";
  return kept;
}

static bool containsAny(llvm::StringRef text, const std::vector<std::string> &needles,
                        std::string *found) {
  for (const std::string &needle : needles)
    if (text.contains(needle)) {
      *found = needle;
      return true;
    }
  return false;
}

static llvm::Expected<FirmwareBootResult> bootOnce(const LocatedFirmware &firmware,
                                                   const QemuBootSetup &setup,
                                                   const BootCheckRequest &request,
                                                   support::ProcessRunner &runner) {
  auto scratch = ScratchDirectory::create("romfit-boot");
  if (!scratch)
    return scratch.takeError();
  BootWorkFiles files(scratch->path());

  FirmwareBootResult result;
  result.firmware = setup.firmware;
  result.depth = request.depth;
  result.accelerator = firmware.accelerator;
  ConsoleExpectations expectations = consoleExpectations(setup.firmware, request.depth);
  if (!request.expectedLines.empty()) {
    expectations.steps.clear();
    for (const std::string &line : request.expectedLines)
      expectations.steps.push_back({{line}});
  }
  std::optional<std::string> bootProgramPath;
  QemuBootSetup runSetup = setup;
  if (request.servesBootPrograms()) {
    BootProgram program = bootProgramFor(setup.firmware);
    auto located = locateBootProgram(setup.firmware, request.bootPrograms);
    if (!located)
      return located.takeError();
    bootProgramPath = *located;
    runSetup.bootFile = program.fileName;
    result.bootProgram = program.fileName;
    result.notExercised = firmwareSpec(setup.firmware).fullDepthLimits;
  } else if (isUefi(setup.firmware)) {
    // A boot file that does not exist: the PXE client gets its address,
    // then fails the download.
    runSetup.bootFile = "boot.efi";
  }
  if (llvm::Error error = prepareWorkFiles(firmware, files, bootProgramPath))
    return error;
  if (runSetup.romPath && firmwareSpec(setup.firmware).source == ToolSource::Debian13Root) {
    // Inside the Debian 13 root only the host's non-system directories keep
    // their paths: a ROM under /usr (Debian's own) is copied beside the run.
    std::string copy = files.directory + "/option.rom";
    if (std::error_code ec = llvm::sys::fs::copy_file(*runSetup.romPath, copy))
      return makeError("cannot copy ROM '{}' to '{}': {}", *runSetup.romPath, copy, ec.message());
    runSetup.romPath = copy;
  }
  result.qemuCommand = buildQemuCommand(firmware, runSetup, files);
  for (const ExpectedStep &step : expectations.steps)
    result.expectedLines.push_back({step.label(), false});

  auto markSeen = [&](llvm::StringRef console) {
    size_t seen = stepsSeenInOrder(console, expectations.steps);
    for (size_t i = 0; i < result.expectedLines.size(); ++i)
      result.expectedLines[i].seen = i < seen;
    return seen == expectations.steps.size();
  };

  Clock::time_point started = Clock::now();
  auto qemu = runner.start(result.qemuCommand, files.qemuStdout, files.qemuStderr);
  if (!qemu)
    return qemu.takeError();
  std::unique_ptr<support::RunningProcess> process = std::move(*qemu);
  GrowingFile serial(files.serialLog), qemuStderr(files.qemuStderr);
  for (;;) {
    // A QEMU ended by an interrupt did not fail its boot: no verdict at all.
    if (support::interruptSignal()) {
      process->stop();
      return support::interruptedError();
    }
    // Asked before reading so that the output of a QEMU that just exited is
    // read in full before its exit is reported.
    std::optional<int> exitStatus = process->exitStatus();
    auto elapsed = Clock::now() - started;
    if (serial.refresh())
      result.console = cleanConsoleText(serial.text());
    qemuStderr.refresh();
    std::string marker;
    if (markSeen(result.console)) {
      result.outcome = BootOutcome::Passed;
      result.outcomeDetail = "every expected line appeared, in order";
    } else if (containsAny(qemuStderr.text(), kAcceleratorFailures, &marker)) {
      result.outcome = BootOutcome::AcceleratorFailed;
      result.outcomeDetail = fmt::format("KVM could not run the guest ('{}')", marker);
    } else if (containsAny(result.console, expectations.gaveUpMarkers, &marker)) {
      result.outcome = BootOutcome::FirmwareGaveUp;
      result.outcomeDetail = fmt::format("the firmware ran out of boot options ('{}')", marker);
      result.consoleTailEnd = result.console.find('\n', result.console.find(marker));
    } else if (exitStatus) {
      result.outcome = BootOutcome::QemuExited;
      result.outcomeDetail =
          fmt::format("QEMU exited with status {} before the expected lines appeared", *exitStatus);
    } else if (elapsed >= request.timeout) {
      result.outcome = BootOutcome::TimedOut;
      result.outcomeDetail = fmt::format(
          "the expected lines did not appear within {} s",
          std::chrono::duration_cast<std::chrono::milliseconds>(request.timeout).count() / 1000.0);
    } else {
      std::this_thread::sleep_for(kPollInterval);
      continue;
    }
    result.seconds = std::chrono::duration<double>(elapsed).count();
    break;
  }
  process->stop();
  if (serial.refresh())
    result.console = cleanConsoleText(serial.text());
  qemuStderr.refresh();
  result.qemuStderr = withoutSerconWarning(qemuStderr.text());
  return result;
}

static llvm::Error checkNicModel(llvm::StringRef model) {
  // Spliced into -device: a comma or '=' would smuggle in other properties.
  bool plain = !model.empty() && llvm::all_of(model, [](char c) {
    return llvm::isAlnum(c) || c == '-' || c == '_' || c == '.';
  });
  if (!plain)
    return makeError("NIC model '{}' is not a QEMU device name", model.str());
  return llvm::Error::success();
}

static llvm::Expected<std::string> checkReadableRom(llvm::StringRef path) {
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return makeError("cannot read ROM '{}': {}", path.str(), ec.message());
  if (!llvm::sys::fs::is_regular_file(status))
    return makeError("cannot read ROM '{}': not a regular file", path.str());
  llvm::Expected<llvm::sys::fs::file_t> handle = llvm::sys::fs::openNativeFileForRead(path);
  if (!handle)
    return makeError("cannot read ROM '{}': {}", path.str(), llvm::toString(handle.takeError()));
  llvm::sys::fs::closeFile(*handle);
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  return std::string(absolute);
}

llvm::Expected<BootCheckRequest> validateBootRequest(const BootCheckRequest &request) {
  if (llvm::Error error = checkNicModel(request.nicModel))
    return error;
  BootCheckRequest validated = request;
  if (request.romPath) {
    auto absolute = checkReadableRom(*request.romPath);
    if (!absolute)
      return absolute.takeError();
    validated.romPath = *absolute;
  }
  if (request.servesBootPrograms())
    for (Firmware firmware : request.firmwares)
      if (auto located = locateBootProgram(firmware, request.bootPrograms);
          !located)
        return located.takeError();
  return validated;
}

llvm::Expected<std::vector<FirmwareBootResult>> checkBoot(const BootTools &tools,
                                                          const BootCheckRequest &request,
                                                          support::ProcessRunner &runner) {
  auto validated = validateBootRequest(request);
  if (!validated)
    return validated.takeError();
  std::vector<FirmwareBootResult> results;
  for (Firmware firmware : validated->firmwares) {
    const LocatedFirmware *located = tools.find(firmware);
    if (!located)
      return makeError("{} was not located before the boot check", firmwareName(firmware).str());
    QemuBootSetup setup{firmware, validated->romPath, validated->nicModel, ""};
    bool automatic = !located->acceleratorRequested;
    bool kvm = located->accelerator == "kvm";
    LocatedFirmware emulated = *located;
    emulated.accelerator = "tcg";
    bool skipKvm = kvm && automatic && kvmFailedDuringBoot;
    auto result = bootOnce(skipKvm ? emulated : *located, setup, *validated, runner);
    if (!result)
      return result.takeError();
    if (kvm && !skipKvm && automatic && !result->passed()) {
      // A KVM that passed the probe can still fail a real boot (nested or
      // sandboxed hosts), and that says nothing about the ROM: the verdict
      // is TCG's, which needs nothing of the host, and says what KVM did.
      bool kvmBroke = result->outcome == BootOutcome::AcceleratorFailed;
      kvmFailedDuringBoot = kvmFailedDuringBoot || kvmBroke;
      std::string underKvm = result->outcomeDetail;
      result = bootOnce(emulated, setup, *validated, runner);
      if (!result)
        return result.takeError();
      result->outcomeDetail += fmt::format(" (under TCG; under KVM: {})", underKvm);
    }
    results.push_back(std::move(*result));
  }
  return results;
}

// Boots SeaBIOS with nothing to boot under KVM; only a KVM that can run
// real-mode firmware gets it to "No bootable device.".
static bool kvmRunsFirmware(const std::string &qemu, const std::string &seabiosImage,
                            std::string *why) {
  auto scratch = ScratchDirectory::create("romfit-kvm-probe");
  if (!scratch) {
    *why = llvm::toString(scratch.takeError());
    return false;
  }
  BootWorkFiles files(scratch->path());
  std::string debugLog = files.directory + "/seabios.log";
  if (llvm::Error error = writeFileAtomically(debugLog, llvm::StringRef(""))) {
    *why = llvm::toString(std::move(error));
    return false;
  }
  std::vector<std::string> command{
      qemu, "-accel", "kvm", "-nodefaults", "-display", "none", "-m", "64",
      "-bios", seabiosImage,
      "-chardev", "file,id=debug,path=" + qemuOptionValue(debugLog),
      "-device", "isa-debugcon,iobase=0x402,chardev=debug"};
  auto process = ChildProcess::start(command, files.qemuStdout, files.qemuStderr);
  if (!process) {
    *why = llvm::toString(process.takeError());
    return false;
  }
  GrowingFile log(debugLog), qemuStderr(files.qemuStderr);
  Clock::time_point started = Clock::now();
  while (Clock::now() - started < kKvmProbeTimeout) {
    std::optional<int> exitStatus = process->exitStatus();
    log.refresh();
    qemuStderr.refresh();
    if (llvm::StringRef(log.text()).contains("No bootable device."))
      return true;
    // QEMU pauses the guest on this error rather than exiting.
    if (llvm::StringRef(qemuStderr.text()).contains("KVM internal error")) {
      *why = "a probe boot under KVM stopped with 'KVM internal error'";
      return false;
    }
    if (exitStatus) {
      *why = fmt::format("a probe boot under KVM exited with status {}", *exitStatus);
      return false;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  *why = "a probe boot under KVM did not finish SeaBIOS's POST";
  return false;
}

static bool kvmDeviceOpens() {
  llvm::Expected<llvm::sys::fs::file_t> handle = llvm::sys::fs::openNativeFile(
      "/dev/kvm", llvm::sys::fs::CD_OpenExisting, llvm::sys::fs::FA_Read | llvm::sys::fs::FA_Write,
      llvm::sys::fs::OF_None);
  if (!handle) {
    llvm::consumeError(handle.takeError());
    return false;
  }
  llvm::sys::fs::closeFile(*handle);
  return true;
}

// KVM runs only guests of the host's own architecture: x86 here.
static void chooseAccelerator(const BootToolOptions &options, LocatedFirmware &located) {
  bool hostArchitecture = firmwareSpec(located.firmware).hostArchitecture;
  if (options.accelerator == Accelerator::Tcg ||
      (options.accelerator == Accelerator::Kvm && hostArchitecture)) {
    located.accelerator = options.accelerator == Accelerator::Tcg ? "tcg" : "kvm";
    located.acceleratorReason = "requested";
    located.acceleratorRequested = true;
    return;
  }
  located.accelerator = "tcg";
  if (!hostArchitecture) {
    located.acceleratorReason =
        fmt::format("an {} guest on this host runs only under TCG",
                    firmwareSpec(located.firmware).imageKind);
    return;
  }
  // One probe per process: every x86 firmware shares its answer.
  static const std::pair<bool, std::string> probe = [&] {
    if (!kvmDeviceOpens())
      return std::pair<bool, std::string>{false, "/dev/kvm cannot be opened for reading and writing"};
    FirmwareFiles seabios = options.filesFor(Firmware::SeaBios);
    auto qemu = llvm::sys::findProgramByName("qemu-system-x86_64");
    if (!qemu || !llvm::sys::fs::is_regular_file(seabios.code))
      return std::pair<bool, std::string>{false, "KVM could not be probed without "
                                                 "qemu-system-x86_64 and the SeaBIOS image"};
    std::string why;
    if (kvmRunsFirmware(*qemu, seabios.code, &why))
      return std::pair<bool, std::string>{true, "a probe boot under KVM succeeded"};
    return std::pair<bool, std::string>{false, "/dev/kvm opens but " + why};
  }();
  if (probe.first)
    located.accelerator = "kvm";
  located.acceleratorReason = probe.second;
}

llvm::Expected<LocatedFirmware> locateFirmware(const BootToolOptions &options, Firmware firmware) {
  FirmwareFiles files = options.filesFor(firmware);
  LocatedFirmware located;
  located.firmware = firmware;
  // A Debian 13 firmware's files are named as the root sees them; romfit
  // checks and copies them at their host paths.
  std::optional<support::ToolRoot> root;
  auto onHost = [&](const std::string &path) { return root ? root->hostPath(path) : path; };
  if (firmwareSpec(firmware).source == ToolSource::Debian13Root) {
    root = support::ToolRoot{options.toolRoot};
    if (llvm::Error notReady = root->checkReady())
      return makeError("{} runs from the Debian 13 root: {}", firmwareName(firmware).str(),
                       llvm::toString(std::move(notReady)));
    located.toolRoot = root->path;
    if (!llvm::sys::fs::can_execute(onHost(files.qemuProgram)))
      return makeError("QEMU '{}' for {} is missing from the Debian 13 root '{}' (Debian 13 "
                       "package {}; {} installs it)",
                       files.qemuProgram, firmwareName(firmware).str(), root->path,
                       files.qemuPackage, support::kToolRootSetupCommand);
    located.qemu = files.qemuProgram;
  } else if (llvm::sys::path::is_absolute(files.qemuProgram)) {
    if (!llvm::sys::fs::can_execute(files.qemuProgram))
      return makeError("QEMU '{}' for {} is missing or not executable (Debian package {})",
                       files.qemuProgram, firmwareName(firmware).str(), files.qemuPackage);
    located.qemu = files.qemuProgram;
  } else {
    auto found = llvm::sys::findProgramByName(files.qemuProgram);
    if (!found)
      return makeError("QEMU '{}' for {} was not found on PATH (Debian package {})",
                       files.qemuProgram, firmwareName(firmware).str(), files.qemuPackage);
    located.qemu = *found;
  }
  auto requireFile = [&](const std::string &path, llvm::StringRef what) -> llvm::Error {
    if (!llvm::sys::fs::is_regular_file(onHost(path)))
      return makeError("{} {} '{}' is missing (Debian package {})", firmwareName(firmware).str(),
                       what.str(), onHost(path), files.firmwarePackage);
    return llvm::Error::success();
  };
  if (llvm::Error error = requireFile(files.code, isUefi(firmware) ? "code image" : "image"))
    return error;
  located.code = files.code;
  if (isUefi(firmware)) {
    if (llvm::Error error = requireFile(files.varsTemplate, "variable store"))
      return error;
    located.varsTemplate = onHost(files.varsTemplate);
  }
  chooseAccelerator(options, located);
  return located;
}

llvm::Expected<BootTools> locateBootTools(const BootToolOptions &options,
                                          llvm::ArrayRef<Firmware> firmwares) {
  BootTools tools;
  for (Firmware firmware : firmwares) {
    auto located = locateFirmware(options, firmware);
    if (!located)
      return located.takeError();
    tools.firmwares.push_back(std::move(*located));
  }
  return tools;
}

} // namespace romfit::verify
