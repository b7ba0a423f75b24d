#include "verify/boot_program.h"

#include <cstdlib>

#include <fmt/format.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "support/error.h"
#include "support/tool_root.h"

namespace romfit::verify {

llvm::Expected<Depth> parseDepth(llvm::StringRef text) {
  if (text == "full")
    return Depth::Full;
  if (text == "dhcp")
    return Depth::Dhcp;
  return makeError("unknown depth '{}' (expected full or dhcp)", text.str());
}

llvm::StringRef depthName(Depth depth) { return depth == Depth::Full ? "full" : "dhcp"; }

BootProgram bootProgramFor(Firmware firmware) { return firmwareSpec(firmware).bootProgram; }

std::string defaultBootProgramCache() {
  if (const char *explicitDir = std::getenv("ROMFIT_BOOT_PROGRAMS"); explicitDir && *explicitDir)
    return explicitDir;
  if (const char *cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
    return std::string(cache) + "/romfit/boot-programs";
  const char *home = std::getenv("HOME");
  return std::string(home && *home ? home : "/root") + "/.cache/romfit/boot-programs";
}

static std::string debianPackageSpec(const BootProgram &program) {
  return program.architecture == "all" || program.architecture == "amd64"
             ? program.package
             : program.package + ":" + program.architecture;
}

llvm::Expected<std::string> locateBootProgram(Firmware firmware,
                                              const BootProgramSources &sources) {
  const FirmwareSpec &spec = firmwareSpec(firmware);
  const BootProgram &program = spec.bootProgram;
  llvm::SmallString<256> path;
  switch (program.source) {
  case ToolSource::Host:
    path = sources.cacheDirectory;
    llvm::sys::path::append(path, program.package, program.pathInPackage);
    llvm::sys::fs::make_absolute(path);
    if (!llvm::sys::fs::is_regular_file(path))
      return makeError("boot program '{}' is missing: expected at '{}' (Debian package {}; "
                       "scripts/fetch-boot-programs fetches it into {}, or --depth dhcp "
                       "checks without it)",
                       program.fileName, path.str().str(), debianPackageSpec(program),
                       sources.cacheDirectory);
    return std::string(path);
  case ToolSource::Debian13Root: {
    support::ToolRoot root{sources.toolRoot};
    if (llvm::Error notReady = root.checkReady())
      return makeError("boot program '{}' for {} comes from the Debian 13 root: {}",
                       program.fileName, spec.name, llvm::toString(std::move(notReady)));
    path = root.hostPath(program.pathInRoot);
    if (!llvm::sys::fs::is_regular_file(path))
      return makeError("boot program '{}' is missing: expected at '{}' in the Debian 13 root "
                       "(made from Debian package {} by {})",
                       program.fileName, path.str().str(), debianPackageSpec(program),
                       support::kToolRootSetupCommand);
    return std::string(path);
  }
  case ToolSource::GivenByUser:
    for (const auto &[kind, file] : sources.given)
      if (kind == spec.imageKind) {
        path = file;
        llvm::sys::fs::make_absolute(path);
        if (!llvm::sys::fs::is_regular_file(path))
          return makeError("boot program '{}' given for {} is not a readable file",
                           path.str().str(), kind);
        return std::string(path);
      }
    return makeError("no boot program for {}: Debian has none for it; give iPXE's {} for it "
                     "with --boot-program {}=FILE (romfit build makes it from the tree), or "
                     "--depth dhcp checks without it",
                     spec.imageKind, program.fileName, spec.imageKind);
  }
  llvm_unreachable("every ToolSource is handled");
}

const char kGrubMarker[] = "romfit-proof: GRUB ran grub.cfg fetched over TFTP";

std::string grubConfig() {
  // GRUB expands the variables, so the marker is assembled only by running
  // the file: a console that merely echoed the file's text would not show it.
  // The empty line first puts the marker at the start of a line: a program
  // that wrote to the serial port without the firmware's console (a test
  // driver) leaves that console's cursor mid-line, and GRUB would wrap the
  // marker at column 80 from there.
  return "set romfit_what=grub.cfg\n"
         "set romfit_how=TFTP\n"
         "echo \"\"\n"
         "echo \"romfit-proof: GRUB ran ${romfit_what} fetched over ${romfit_how}\"\n"
         "sleep 30\n";
}

std::string ExpectedStep::label() const {
  std::string text;
  for (const std::string &alternative : anyOf)
    text += (text.empty() ? "\"" : " | \"") + alternative + "\"";
  return text;
}

ConsoleExpectations consoleExpectations(Firmware firmware, Depth depth) {
  // Builds without the UEFI shell end with BdsDxe's own message instead.
  const std::vector<std::string> uefiGaveUp{"UEFI Interactive Shell",
                                            "No bootable option or device was found"};
  if (depth == Depth::Dhcp) {
    if (!isUefi(firmware))
      // The banner proves iPXE's legacy image initialised and got the console;
      // the address proves its driver moved DHCP packets through the NIC.
      return {{{{"Open Source Network Boot Firmware"}}, {{"net0: 10.0.2.15"}}},
              {"No bootable device."}};
    // No UEFI firmware here has a driver for QEMU's NICs: its PXE client can
    // only get an address through the SNP that the ROM's EFI driver
    // installed; a driver that keeps iPXE's boot stack gets its own.
    return {{{{">>Start PXE over IPv4.", "Open Source Network Boot Firmware"}},
             {{"Station IP address is 10.0.2.15", "net0: 10.0.2.15"}}},
            uefiGaveUp};
  }

  const FirmwareSpec &spec = firmwareSpec(firmware);
  const BootProgram &program = spec.bootProgram;
  std::vector<ExpectedStep> steps;
  if (!spec.romEntrySeen.empty())
    steps.push_back({spec.romEntrySeen});
  // The download is done either by the ROM's own iPXE (the legacy image, or
  // an EFI driver that keeps iPXE's boot stack) or by the firmware's PXE
  // client through the driver's SNP, where the firmware has one.
  ExpectedStep downloaded{{program.fileName + "... ok"}};
  if (spec.uefi && spec.ownNetworkStack)
    downloaded.anyOf.push_back("NBP file downloaded successfully");
  steps.push_back(downloaded);
  if (program.readsGrubConfig)
    steps.push_back({{kGrubMarker}});
  for (const std::string &line : program.provingLines)
    steps.push_back({{line}});
  return {steps, spec.uefi ? uefiGaveUp : std::vector<std::string>{"No bootable device."}};
}

// Where `pattern` first occurs at or after `from`: its '*'s stand for any
// text within one line. {npos, npos} when it does not occur.
static std::pair<size_t, size_t> findPattern(llvm::StringRef console, llvm::StringRef pattern,
                                             size_t from) {
  auto [first, rest] = pattern.split('*');
  for (size_t start = console.find(first, from); start != llvm::StringRef::npos;
       start = console.find(first, start + 1)) {
    size_t end = start + first.size();
    size_t lineEnd = console.find('\n', start);
    llvm::StringRef remaining = rest;
    bool matched = true;
    while (matched && pattern.contains('*') && !remaining.empty()) {
      auto [part, after] = remaining.split('*');
      size_t found = console.find(part, end);
      matched = found != llvm::StringRef::npos && found + part.size() <= lineEnd;
      end = found + part.size();
      remaining = after;
    }
    if (matched)
      return {start, end};
    if (!pattern.contains('*'))
      break;
  }
  return {llvm::StringRef::npos, llvm::StringRef::npos};
}

size_t stepsSeenInOrder(llvm::StringRef console, const std::vector<ExpectedStep> &steps) {
  size_t position = 0, seen = 0;
  for (const ExpectedStep &step : steps) {
    size_t earliestEnd = llvm::StringRef::npos, earliestStart = llvm::StringRef::npos;
    for (const std::string &alternative : step.anyOf) {
      auto [start, end] = findPattern(console, alternative, position);
      if (start < earliestStart) {
        earliestStart = start;
        earliestEnd = end;
      }
    }
    if (earliestStart == llvm::StringRef::npos)
      break;
    position = earliestEnd;
    ++seen;
  }
  return seen;
}

} // namespace romfit::verify
