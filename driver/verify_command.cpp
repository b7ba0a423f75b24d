// romfit verify --boot: boots a ROM in QEMU under SeaBIOS and/or OVMF and
// says, per firmware, whether it came up on the network.
#include <cmath>

#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include "support/error.h"
#include "driver/command.h"
#include "verify/boot_check.h"

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

std::vector<std::string> stderrLines(const verify::FirmwareBootResult &result) {
  llvm::SmallVector<llvm::StringRef, 16> lines;
  llvm::StringRef(result.qemuStderr).split(lines, '\n', -1, /*KeepEmpty=*/false);
  return {lines.begin(), lines.end()};
}

void printText(const std::string &rom, const std::string &nic, const verify::BootTools &tools,
               const std::vector<verify::FirmwareBootResult> &results) {
  fmt::print("{}: boot check on {} ({} accelerator: {})\n", rom, nic, tools.accelerator,
             tools.acceleratorReason);
  for (const verify::FirmwareBootResult &result : results) {
    fmt::print("  {:<8} {}  {:.1f} s  {}\n", verify::firmwareName(result.firmware).str(),
               result.passed() ? "PASS" : "FAIL", result.seconds, result.outcomeDetail);
    if (result.passed())
      continue;
    for (const std::string &missing : result.missingLines())
      fmt::print("    not seen: \"{}\"\n", missing);
    if (result.outcome == verify::BootOutcome::QemuExited)
      for (const std::string &line : stderrLines(result))
        fmt::print("    qemu: {}\n", line);
    std::vector<std::string> tail = result.consoleTail(kConsoleTailLines);
    if (tail.empty()) {
      fmt::print("    the serial console stayed empty\n");
      continue;
    }
    fmt::print("    last console lines:\n");
    for (const std::string &line : tail)
      fmt::print("    | {}\n", line);
  }
}

void printJson(const std::string &rom, const std::string &nic, const verify::BootTools &tools,
               const std::vector<verify::FirmwareBootResult> &results, bool passed) {
  llvm::json::Array firmwares;
  for (const verify::FirmwareBootResult &result : results) {
    llvm::json::Array expected;
    for (const verify::ExpectedLine &line : result.expectedLines)
      expected.push_back(llvm::json::Object{{"line", line.text}, {"seen", line.seen}});
    llvm::json::Array tail;
    for (const std::string &line : result.consoleTail(kConsoleTailLines))
      tail.push_back(line);
    llvm::json::Array command;
    for (const std::string &argument : result.qemuCommand)
      command.push_back(argument);
    llvm::json::Array qemuStderr;
    for (const std::string &line : stderrLines(result))
      qemuStderr.push_back(line);
    firmwares.push_back(llvm::json::Object{
        {"firmware", verify::firmwareName(result.firmware)},
        {"passed", result.passed()},
        {"outcome", verify::outcomeName(result.outcome)},
        {"detail", result.outcomeDetail},
        {"seconds", std::round(result.seconds * 100) / 100},
        {"expected", std::move(expected)},
        {"console_tail", std::move(tail)},
        {"qemu_stderr", std::move(qemuStderr)},
        {"qemu_command", std::move(command)},
    });
  }
  llvm::json::Object report{
      {"rom", rom},
      {"nic", nic},
      {"accelerator", tools.accelerator},
      {"accelerator_reason", tools.acceleratorReason},
      {"passed", passed},
      {"firmwares", std::move(firmwares)},
  };
  llvm::outs() << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  llvm::outs().flush();
}

llvm::Expected<int> runVerify(const ParsedArguments &arguments) {
  if (!arguments.has("--boot"))
    return makeError("nothing to verify: 'romfit verify' checks a ROM boots; give --boot");
  const std::string &rom = arguments.positionals.front();

  verify::BootCheckRequest request;
  request.romPath = rom;
  request.nicModel = arguments.get("--nic").value_or("e1000");
  request.expectedLines = arguments.getAll("--expect");
  auto firmwares = verify::parseFirmwareSelection(arguments.get("--firmware").value_or("both"));
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

  // Before the tools, so a typo is reported without waiting for the KVM probe.
  if (auto validated = verify::validateBootRequest(request); !validated)
    return validated.takeError();
  auto tools = verify::locateBootTools(toolOptions, request.firmwares);
  if (!tools)
    return tools.takeError();
  auto results = verify::checkBoot(*tools, request);
  if (!results)
    return results.takeError();

  bool passed = llvm::all_of(*results, [](const auto &result) { return result.passed(); });
  if (arguments.has("--json"))
    printJson(rom, request.nicModel, *tools, *results, passed);
  else
    printText(rom, request.nicModel, *tools, *results);
  return passed ? kExitOk : kExitCheckFailed;
}

RegisterCommand registration{
    CommandSpec{
        "verify",
        "prove a ROM still works (boots it in QEMU)",
        "--boot ROM [--nic MODEL] [--firmware seabios|ovmf|both] [--timeout SECONDS]\n"
        "       [--accel auto|kvm|tcg] [--json]",
        "With --boot, boots ROM as the option ROM of a QEMU NIC with no disks, so the\n"
        "NIC is the only boot option, and watches the serial console:\n"
        "  seabios  passes when iPXE's banner and 'net0: 10.0.2.15' appear (the\n"
        "           legacy image initialised and got a DHCP address);\n"
        "  ovmf     passes when '>>Start PXE over IPv4.' and 'Station IP address is\n"
        "           10.0.2.15' appear (OVMF has no driver for the NIC, so its PXE\n"
        "           client only gets an address through the ROM's EFI driver).\n"
        "QEMU's user network runs with restrict=on: no packet leaves the process.\n"
        "Each boot stops as soon as its lines appear, the firmware runs out of boot\n"
        "options, or the timeout passes. Needs qemu-system-x86_64, and SeaBIOS and\n"
        "OVMF from Debian's seabios and ovmf packages.\n"
        "exit status: 0 every firmware passed, 1 a boot failed, 2 usage or input error.",
        {
            {{"--boot"}, "", "boot the ROM in QEMU"},
            {{"--nic"}, "MODEL", "QEMU NIC device for the ROM (default e1000)"},
            {{"--expect"}, "LINE", "a line every firmware must show, instead of iPXE's (repeatable)", true},
            {{"--firmware"}, "NAME", "seabios, ovmf or both (default both)"},
            {{"--timeout"}, "SECONDS", "give up on each firmware after this long (default 60)"},
            {{"--accel"}, "NAME",
             "auto, kvm or tcg (default auto: KVM when a probe boot under it works)"},
            {{"--json"}, "", "print the results as JSON"},
        },
        1,
        1,
    },
    runVerify};

} // namespace
} // namespace romfit::driver
