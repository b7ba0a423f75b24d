// romfit verify --boot: boots each image of a ROM on the firmware of its own
// architecture and gives each image its verdict.
#include <cmath>

#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include "support/error.h"
#include "driver/command.h"
#include "driver/proof_options.h"
#include "verify/rom_verification.h"
#include "verify/verification_report.h"

namespace romfit::driver {
namespace {

constexpr size_t kConsoleTailLines = 15;
constexpr double kMaxTimeoutSeconds = 24 * 60 * 60;

llvm::Expected<std::chrono::milliseconds> parseTimeout(llvm::StringRef text) {
  double seconds = 0;
  if (!llvm::to_float(text, seconds) || !std::isfinite(seconds) || seconds <= 0 ||
      seconds > kMaxTimeoutSeconds)
    return makeError("--timeout wants a number of seconds above 0, got '{}'", text.str());
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

llvm::Expected<int> runVerify(const ParsedArguments &arguments) {
  if (!arguments.has("--boot"))
    return makeError("nothing to verify: 'romfit verify' checks a ROM boots; give --boot");
  const std::string &rom = arguments.positionals.front();

  auto proof = proofRequestFrom(arguments);
  if (!proof)
    return proof.takeError();
  verify::BootCheckRequest &request = *proof;
  request.romPath = rom;
  request.nicModel = arguments.get("--nic").value_or("e1000");
  auto firmwares = verify::parseFirmwareSelection(arguments.get("--firmware").value_or("all"));
  if (!firmwares)
    return firmwares.takeError();
  request.firmwares = *firmwares;
  if (auto text = arguments.get("--timeout")) {
    auto timeout = parseTimeout(*text);
    if (!timeout)
      return timeout.takeError();
    request.timeout = *timeout;
  }
  verify::BootToolOptions toolOptions;
  auto accelerator = verify::parseAccelerator(arguments.get("--accel").value_or("auto"));
  if (!accelerator)
    return accelerator.takeError();
  toolOptions.accelerator = *accelerator;

  // Bad input is reported before the tools are probed (the KVM probe is a
  // boot of its own).
  auto plan = verify::planRomVerification(rom);
  if (!plan)
    return plan.takeError();
  std::vector<verify::Firmware> needed = verify::firmwaresNeededAmong(*plan, request.firmwares);
  // Only the boot programs of the firmwares that will run are required.
  request.firmwares = needed;
  auto validated = verify::validateBootRequest(request);
  if (!validated)
    return validated.takeError();
  auto tools = verify::locateBootTools(toolOptions, needed);
  if (!tools)
    return tools.takeError();
  auto verification = verify::verifyRom(*tools, *validated, *plan);
  if (!verification)
    return verification.takeError();

  if (arguments.has("--json")) {
    llvm::json::Object report = verify::verificationJson(*verification, kConsoleTailLines);
    report["nic"] = request.nicModel;
    report["depth"] = verify::depthName(request.depth);
    llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
    llvm::outs().flush();
  } else {
    fmt::print("{}: boot proof on {}, depth {}\n", rom, request.nicModel,
               verify::depthName(request.depth).str());
    // Each row names the accelerator its boot really ran under; this says why
    // the first choice was made.
    if (!tools->firmwares.empty())
      fmt::print("  accelerator: {}\n", tools->firmwares.front().acceleratorReason);
    fmt::print("{}", verify::verificationText(*verification, kConsoleTailLines));
    fmt::print("{}\n", verify::verificationSummary(*verification));
  }
  return verification->passed() ? kExitOk : kExitCheckFailed;
}

RegisterCommand registration{
    CommandSpec{
        .name = "verify",
        .summary = "prove a ROM still works (boots it in QEMU)",
        .usage = "--boot ROM [--nic MODEL] [--firmware LIST] [--depth full|dhcp] [--boot-programs DIR]\n"
        "       [--timeout SECONDS] [--accel auto|kvm|tcg] [--expect LINE]... [--json]",
        .description = "With --boot, boots ROM as the option ROM of a QEMU NIC with no disks, so the\n"
        "NIC is the only boot option, once per firmware its images need:\n"
        "  legacy       SeaBIOS (qemu-system-x86_64; Debian package seabios)\n"
        "  efi:x86_64   OVMF (ovmf; q35)\n"
        "  efi:i386     32-bit OVMF (ovmf-ia32; qemu-system-i386, q35 with SMM)\n"
        "  efi:arm64    AAVMF (qemu-efi-aarch64; qemu-system-aarch64 -M virt, package\n"
        "               qemu-system-arm)\n"
        "  efi:riscv64  RISC-V EDK2 (Debian 13's qemu-efi-riscv64 and QEMU, -M virt)\n"
        "  efi:loong64  LoongArch EDK2 (Debian 13's qemu-efi-loongarch64 and QEMU)\n"
        "  other        not verified: no firmware for it here (never a pass)\n"
        "The Debian 13 firmwares run inside the root scripts/setup-debian13 makes\n"
        "($ROMFIT_DEBIAN13_ROOT, default ~/.cache/romfit/debian13); without it their\n"
        "images are not verified, and the reason names the root and that command.\n"
        "Neither has a network stack of its own: only an image with iPXE's own boot\n"
        "path (LoadFile into autoboot) boots there, and a pass starts with EDK2\n"
        "booting the ROM's own 'UEFI PXEv4' entry.\n"
        "At --depth full (the default) a pass means a boot program romfit did not\n"
        "write was fetched over TFTP through the ROM, ran, and reached the network\n"
        "through the same driver, seen on the serial console in this order:\n"
        "  seabios  undionly.kpxe downloaded, 'using undionly on', 'net0: 10.0.2.15'\n"
        "  ovmf     snponly.efi downloaded, 'using SNP on SNP-', 'net0: 10.0.2.15'\n"
        "  ovmf32, aavmf, riscv-edk2  GRUB's network image downloaded, then the line\n"
        "           the grub.cfg romfit serves over TFTP makes it print (riscv64's is\n"
        "           made from Debian 13's grub-efi-riscv64-bin in the root)\n"
        "  loongarch-edk2  iPXE's snponly.efi for loong64, given with --boot-program\n"
        "           efi:loong64=FILE (Debian has no loong64 GRUB), as for ovmf\n"
        "The boot programs come from Debian's ipxe, grub-efi-ia32-bin and\n"
        "grub-efi-arm64-bin packages, unpacked by scripts/fetch-boot-programs into\n"
        "--boot-programs DIR (default $ROMFIT_BOOT_PROGRAMS, else $XDG_CACHE_HOME/\n"
        "romfit/boot-programs, else ~/.cache/romfit/boot-programs). --depth dhcp\n"
        "passes on a DHCP address alone.\n"
        "QEMU's user network runs with restrict=on: no packet leaves the process.\n"
        "exit status: 0 every image that could be checked passed, 1 an image failed or\n"
        "none could be checked, 2 usage or input error (a missing QEMU, firmware or\n"
        "boot program is named with its Debian package).",
        .options = withProofOptions({
            {{"--boot"}, "", "boot the ROM in QEMU"},
            {{"--nic"}, "MODEL", "QEMU NIC device for the ROM (default e1000)"},
            {{"--firmware"}, "LIST",
             "seabios, ovmf, ovmf32, aavmf, comma-separated, or all (default all)"},
            {{"--timeout"}, "SECONDS", "give up on each firmware after this long (default 120)"},
            {{"--accel"}, "NAME",
             "auto, kvm or tcg (default auto: KVM when a probe boot under it works)"},
            {{"--json"}, "", "print the results as JSON"},
        }),
        .minPositionals = 1,
        .maxPositionals = 1,
    },
    runVerify};

} // namespace
} // namespace romfit::driver
