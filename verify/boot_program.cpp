#include "verify/boot_program.h"

#include <cstdlib>

#include <fmt/format.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "support/error.h"

namespace romfit::verify {

llvm::Expected<Depth> parseDepth(llvm::StringRef text) {
  if (text == "full")
    return Depth::Full;
  if (text == "dhcp")
    return Depth::Dhcp;
  return makeError("unknown depth '{}' (expected full or dhcp)", text.str());
}

llvm::StringRef depthName(Depth depth) { return depth == Depth::Full ? "full" : "dhcp"; }

BootProgram bootProgramFor(Firmware firmware) {
  switch (firmware) {
  case Firmware::SeaBios:
    return {"undionly.kpxe", "ipxe", "all", "usr/lib/ipxe/undionly.kpxe", false};
  case Firmware::Ovmf:
    return {"snponly.efi", "ipxe", "all", "usr/lib/ipxe/snponly.efi", false};
  case Firmware::Ovmf32:
    return {"grubnetia32.efi", "grub-efi-ia32-bin", "amd64",
            "usr/lib/grub/i386-efi/monolithic/grubnetia32.efi", true};
  case Firmware::Aavmf:
    return {"grubnetaa64.efi", "grub-efi-arm64-bin", "arm64",
            "usr/lib/grub/arm64-efi/monolithic/grubnetaa64.efi", true};
  }
  return {};
}

std::string defaultBootProgramCache() {
  if (const char *explicitDir = std::getenv("ROMFIT_BOOT_PROGRAMS"); explicitDir && *explicitDir)
    return explicitDir;
  if (const char *cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
    return std::string(cache) + "/romfit/boot-programs";
  const char *home = std::getenv("HOME");
  return std::string(home && *home ? home : "/root") + "/.cache/romfit/boot-programs";
}

llvm::Expected<std::string> locateBootProgram(const BootProgram &program,
                                              llvm::StringRef cacheDirectory) {
  llvm::SmallString<256> path(cacheDirectory);
  llvm::sys::path::append(path, program.package, program.pathInPackage);
  llvm::sys::fs::make_absolute(path);
  if (!llvm::sys::fs::is_regular_file(path))
    return makeError("boot program '{}' is missing: expected at '{}' (Debian package {}; "
                     "scripts/fetch-boot-programs fetches it into {}, or --depth dhcp "
                     "checks without it)",
                     program.fileName, path.str().str(),
                     program.architecture == "arm64" ? program.package + ":arm64"
                                                     : program.package,
                     cacheDirectory.str());
  return std::string(path);
}

const char kGrubMarker[] = "romfit-proof: GRUB ran grub.cfg fetched over TFTP";

std::string grubConfig() {
  // GRUB expands the variables, so the marker is assembled only by running
  // the file: a console that merely echoed the file's text would not show it.
  return "set romfit_what=grub.cfg\n"
         "set romfit_how=TFTP\n"
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
    if (firmware == Firmware::SeaBios)
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

  BootProgram program = bootProgramFor(firmware);
  // The download is done either by the ROM's own iPXE (the legacy image, or
  // an EFI driver that keeps iPXE's boot stack) or by the firmware's PXE
  // client through the driver's SNP.
  ExpectedStep downloaded{{program.fileName + "... ok"}};
  if (isUefi(firmware))
    downloaded.anyOf.push_back("NBP file downloaded successfully");
  switch (firmware) {
  case Firmware::SeaBios:
    return {{downloaded, {{"using undionly on"}}, {{"net0: 10.0.2.15"}}}, {"No bootable device."}};
  case Firmware::Ovmf:
    return {{downloaded, {{"using SNP on SNP-"}}, {{"net0: 10.0.2.15"}}}, uefiGaveUp};
  case Firmware::Ovmf32:
  case Firmware::Aavmf:
    return {{downloaded, {{kGrubMarker}}}, uefiGaveUp};
  }
  return {};
}

size_t stepsSeenInOrder(llvm::StringRef console, const std::vector<ExpectedStep> &steps) {
  size_t position = 0, seen = 0;
  for (const ExpectedStep &step : steps) {
    size_t earliestEnd = llvm::StringRef::npos, earliestStart = llvm::StringRef::npos;
    for (const std::string &alternative : step.anyOf) {
      size_t found = console.find(alternative, position);
      if (found < earliestStart) {
        earliestStart = found;
        earliestEnd = found + alternative.size();
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
