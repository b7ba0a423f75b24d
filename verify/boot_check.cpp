#include "verify/boot_check.h"

#include <signal.h>

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

namespace romfit::verify {

using support::ChildProcess;
using support::GrowingFile;
using support::readWholeFile;
using support::ScratchDirectory;

using Clock = std::chrono::steady_clock;

// Often enough that a pass is noticed well within a second, rarely enough
// that polling costs nothing next to an emulated CPU.
static constexpr auto kPollInterval = std::chrono::milliseconds(100);

// A working KVM gets SeaBIOS to "No bootable device." in well under a
// second; TCG needs about a quarter of one.
static constexpr auto kKvmProbeTimeout = std::chrono::seconds(3);

// COM1. SeaBIOS reads "etc/sercon-port" as a little-endian integer.
static constexpr uint8_t kSerconPortBlob[] = {0xf8, 0x03};

llvm::StringRef firmwareName(Firmware firmware) {
  switch (firmware) {
  case Firmware::SeaBios:
    return "seabios";
  case Firmware::Ovmf:
    return "ovmf";
  }
  return "unknown";
}

llvm::Expected<std::vector<Firmware>> parseFirmwareSelection(llvm::StringRef text) {
  if (text == "seabios")
    return std::vector<Firmware>{Firmware::SeaBios};
  if (text == "ovmf")
    return std::vector<Firmware>{Firmware::Ovmf};
  if (text == "both")
    return std::vector<Firmware>{Firmware::SeaBios, Firmware::Ovmf};
  return makeError("unknown firmware '{}' (expected seabios, ovmf or both)", text.str());
}

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
  }
  return "unknown";
}

ConsoleExpectations consoleExpectations(Firmware firmware) {
  switch (firmware) {
  case Firmware::SeaBios:
    // The banner proves iPXE's legacy image initialised and got the console;
    // the address proves its driver moved DHCP packets through the NIC.
    return {{"Open Source Network Boot Firmware", "net0: 10.0.2.15"},
            {"No bootable device."}};
  case Firmware::Ovmf:
    // OVMF has no e1000 driver: its own PXE client can only get an address
    // through the SNP that the ROM's EFI driver installed.
    return {{">>Start PXE over IPv4.", "Station IP address is 10.0.2.15"},
            {"UEFI Interactive Shell"}};
  }
  return {};
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
  llvm::StringRef(console).split(lines, '\n', -1, /*KeepEmpty=*/false);
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
      ovmfVars(directory + "/OVMF_VARS.fd"), tftpRoot(directory + "/tftp"),
      serconPort(directory + "/sercon-port") {}

std::vector<std::string> buildQemuCommand(const BootTools &tools, const QemuBootSetup &setup,
                                          const BootWorkFiles &files) {
  std::string romfile = setup.romPath ? qemuOptionValue(*setup.romPath) : "";
  // restrict=on keeps every packet inside QEMU's user-mode network.
  std::string netdev = "user,id=n0,restrict=on";
  if (setup.firmware == Firmware::Ovmf)
    netdev += ",tftp=" + qemuOptionValue(files.tftpRoot) + ",bootfile=boot.efi";
  std::vector<std::string> command{
      tools.qemu,
      "-accel", tools.accelerator,
      // No default devices: without disks the NIC is the only boot option.
      "-nodefaults", "-display", "none", "-m", "256", "-smp", "1",
      // A triple fault ends the run instead of rebooting into the same fault.
      "-no-reboot",
      "-chardev", "file,id=console,path=" + qemuOptionValue(files.serialLog),
      "-serial", "chardev:console",
      "-netdev", netdev,
      "-device", setup.nicModel + ",netdev=n0,bootindex=0,romfile=" + romfile,
  };
  switch (setup.firmware) {
  case Firmware::SeaBios:
    command.insert(command.end(), {
        "-machine", "pc",
        "-bios", tools.seabiosImage,
        // SeaBIOS's sercon mirrors the int 10h text console, which is where
        // iPXE's legacy image prints, onto COM1. QEMU warns that the name
        // lacks "opt/", but SeaBIOS looks for exactly this name.
        "-fw_cfg", "name=etc/sercon-port,file=" + qemuOptionValue(files.serconPort),
    });
    break;
  case Firmware::Ovmf:
    command.insert(command.end(), {
        "-machine", "q35",
        "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" +
                      qemuOptionValue(tools.ovmfCode),
        "-drive", "if=pflash,format=raw,unit=1,file=" + qemuOptionValue(files.ovmfVars),
    });
    break;
  }
  return command;
}


static llvm::Error prepareWorkFiles(const BootTools &tools, Firmware firmware,
                                    const BootWorkFiles &files) {
  // Created before QEMU starts so polling never races its creation.
  if (llvm::Error error = writeFileAtomically(files.serialLog, llvm::StringRef("")))
    return error;
  switch (firmware) {
  case Firmware::SeaBios:
    return writeFileAtomically(files.serconPort, llvm::ArrayRef<uint8_t>(kSerconPortBlob));
  case Firmware::Ovmf:
    if (std::error_code ec = llvm::sys::fs::copy_file(tools.ovmfVarsTemplate, files.ovmfVars))
      return makeError("cannot copy OVMF variables '{}' to '{}': {}", tools.ovmfVarsTemplate,
                       files.ovmfVars, ec.message());
    if (std::error_code ec = llvm::sys::fs::create_directory(files.tftpRoot))
      return makeError("cannot create TFTP directory '{}': {}", files.tftpRoot, ec.message());
    return llvm::Error::success();
  }
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

static llvm::Expected<FirmwareBootResult> bootOnce(const BootTools &tools,
                                                   const QemuBootSetup &setup,
                                                   std::chrono::milliseconds timeout,
                                                   const std::vector<std::string> &expectedLines) {
  auto scratch = ScratchDirectory::create("romfit-boot");
  if (!scratch)
    return scratch.takeError();
  BootWorkFiles files(scratch->path());
  if (llvm::Error error = prepareWorkFiles(tools, setup.firmware, files))
    return error;

  FirmwareBootResult result;
  result.firmware = setup.firmware;
  result.qemuCommand = buildQemuCommand(tools, setup, files);
  ConsoleExpectations expectations = consoleExpectations(setup.firmware);
  if (!expectedLines.empty())
    expectations.requiredLines = expectedLines;
  for (const std::string &line : expectations.requiredLines)
    result.expectedLines.push_back({line, false});

  auto markSeen = [&](llvm::StringRef console) {
    bool all = true;
    for (ExpectedLine &line : result.expectedLines) {
      line.seen = line.seen || console.contains(line.text);
      all = all && line.seen;
    }
    return all;
  };

  Clock::time_point started = Clock::now();
  auto process = ChildProcess::start(result.qemuCommand, files.qemuStdout, files.qemuStderr);
  if (!process)
    return process.takeError();
  GrowingFile serial(files.serialLog);
  for (;;) {
    // Asked before reading so that the output of a QEMU that just exited is
    // read in full before its exit is reported.
    std::optional<int> exitStatus = process->exitStatus();
    auto elapsed = Clock::now() - started;
    if (serial.refresh())
      result.console = cleanConsoleText(serial.text());
    std::string marker;
    if (markSeen(result.console)) {
      result.outcome = BootOutcome::Passed;
      result.outcomeDetail = "all expected lines appeared";
    } else if (containsAny(result.console, expectations.gaveUpMarkers, &marker)) {
      result.outcome = BootOutcome::FirmwareGaveUp;
      result.outcomeDetail = fmt::format("the firmware ran out of boot options ('{}')", marker);
    } else if (exitStatus) {
      result.outcome = BootOutcome::QemuExited;
      result.outcomeDetail =
          fmt::format("QEMU exited with status {} before the expected lines appeared", *exitStatus);
    } else if (elapsed >= timeout) {
      result.outcome = BootOutcome::TimedOut;
      result.outcomeDetail = fmt::format(
          "the expected lines did not appear within {} s",
          std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count() / 1000.0);
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
  result.qemuStderr = withoutSerconWarning(readWholeFile(files.qemuStderr));
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
  return validated;
}

llvm::Expected<std::vector<FirmwareBootResult>> checkBoot(const BootTools &tools,
                                                          const BootCheckRequest &request) {
  auto validated = validateBootRequest(request);
  if (!validated)
    return validated.takeError();
  std::vector<FirmwareBootResult> results;
  for (Firmware firmware : validated->firmwares) {
    QemuBootSetup setup{firmware, validated->romPath, validated->nicModel};
    auto result = bootOnce(tools, setup, validated->timeout, validated->expectedLines);
    if (!result)
      return result.takeError();
    results.push_back(std::move(*result));
  }
  return results;
}

// Boots SeaBIOS with nothing to boot under KVM; only a KVM that can run
// real-mode firmware gets it to "No bootable device.".
static bool kvmRunsFirmware(const BootTools &tools, std::string *why) {
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
      tools.qemu, "-accel", "kvm", "-nodefaults", "-display", "none", "-m", "64",
      "-bios", tools.seabiosImage,
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

llvm::Expected<BootTools> locateBootTools(const BootToolOptions &options,
                                          llvm::ArrayRef<Firmware> firmwares) {
  BootTools tools;
  if (llvm::sys::path::is_absolute(options.qemuProgram)) {
    if (!llvm::sys::fs::can_execute(options.qemuProgram))
      return makeError("QEMU '{}' is missing or not executable", options.qemuProgram);
    tools.qemu = options.qemuProgram;
  } else {
    auto found = llvm::sys::findProgramByName(options.qemuProgram);
    if (!found)
      return makeError("QEMU '{}' was not found on PATH (Debian package qemu-system-x86)",
                       options.qemuProgram);
    tools.qemu = *found;
  }

  auto requireFile = [](const std::string &path, llvm::StringRef what,
                        llvm::StringRef package) -> llvm::Error {
    if (!llvm::sys::fs::is_regular_file(path))
      return makeError("{} '{}' is missing (Debian package {})", what.str(), path, package.str());
    return llvm::Error::success();
  };
  for (Firmware firmware : firmwares) {
    if (firmware == Firmware::SeaBios) {
      if (llvm::Error error = requireFile(options.seabiosImage, "SeaBIOS image", "seabios"))
        return error;
      tools.seabiosImage = options.seabiosImage;
    } else {
      if (llvm::Error error = requireFile(options.ovmfCode, "OVMF code image", "ovmf"))
        return error;
      if (llvm::Error error =
              requireFile(options.ovmfVarsTemplate, "OVMF variable store", "ovmf"))
        return error;
      tools.ovmfCode = options.ovmfCode;
      tools.ovmfVarsTemplate = options.ovmfVarsTemplate;
    }
  }

  switch (options.accelerator) {
  case Accelerator::Kvm:
    tools.accelerator = "kvm";
    tools.acceleratorReason = "requested";
    break;
  case Accelerator::Tcg:
    tools.accelerator = "tcg";
    tools.acceleratorReason = "requested";
    break;
  case Accelerator::Auto: {
    tools.accelerator = "tcg";
    std::string why;
    if (!kvmDeviceOpens()) {
      tools.acceleratorReason = "/dev/kvm cannot be opened for reading and writing";
    } else if (!llvm::sys::fs::is_regular_file(options.seabiosImage)) {
      tools.acceleratorReason = "KVM could not be probed without the SeaBIOS image";
    } else {
      BootTools probeTools = tools;
      probeTools.seabiosImage = options.seabiosImage;
      if (kvmRunsFirmware(probeTools, &why)) {
        tools.accelerator = "kvm";
        tools.acceleratorReason = "a probe boot under KVM succeeded";
      } else {
        tools.acceleratorReason = "/dev/kvm opens but " + why;
      }
    }
    break;
  }
  }
  return tools;
}

} // namespace romfit::verify
