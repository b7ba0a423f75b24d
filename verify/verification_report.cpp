#include "verify/verification_report.h"

#include <cmath>

#include <fmt/format.h>
#include <llvm/ADT/SmallVector.h>

namespace romfit::verify {

static std::vector<std::string> stderrLines(const FirmwareBootResult &result) {
  llvm::SmallVector<llvm::StringRef, 16> lines;
  llvm::StringRef(result.qemuStderr).split(lines, '\n', -1, /*KeepEmpty=*/false);
  return {lines.begin(), lines.end()};
}

static std::string statusWord(ImageStatus status) {
  switch (status) {
  case ImageStatus::Passed:
    return "PASS";
  case ImageStatus::Failed:
    return "FAIL";
  case ImageStatus::NotVerified:
    return "NOT VERIFIED";
  }
  return "?";
}

std::string verificationSummary(const RomVerification &verification) {
  size_t passed = 0, failed = 0, unverified = 0;
  for (const ImageVerdict &image : verification.images) {
    passed += image.status == ImageStatus::Passed;
    failed += image.status == ImageStatus::Failed;
    unverified += image.status == ImageStatus::NotVerified;
  }
  std::string verdict = verification.passed() ? "passed" : failed ? "failed" : "not verified";
  return fmt::format("{}: {} of {} images passed, {} failed, {} not verified", verdict, passed,
                     verification.images.size(), failed, unverified);
}

std::string verificationText(const RomVerification &verification, size_t consoleTailLines) {
  std::string text;
  for (const ImageVerdict &image : verification.images) {
    std::string firmware = image.plan.firmware ? firmwareName(*image.plan.firmware).str() : "-";
    std::string how;
    if (image.boot)
      how = fmt::format("{:.1f} s {}  {}{}", image.boot->seconds, image.boot->accelerator,
                        image.boot->bootProgram.empty() ? "" : image.boot->bootProgram + ": ",
                        image.reason);
    else
      how = image.reason;
    text += fmt::format("  {:<12} {:<8} {:<4}  {}\n", image.plan.kind, firmware,
                        statusWord(image.status), how);
    if (image.boot && !image.boot->notExercised.empty())
      text += fmt::format("    not exercised: {}\n", image.boot->notExercised);
    if (image.status != ImageStatus::Failed || !image.boot)
      continue;
    const FirmwareBootResult &boot = *image.boot;
    for (const ExpectedLine &line : boot.expectedLines)
      if (!line.seen)
        text += fmt::format("    not seen (in order): {}\n", line.text);
    if (boot.outcome == BootOutcome::QemuExited)
      for (const std::string &line : stderrLines(boot))
        text += fmt::format("    qemu: {}\n", line);
    std::vector<std::string> tail = boot.consoleTail(consoleTailLines);
    if (tail.empty()) {
      text += "    the serial console stayed empty\n";
      continue;
    }
    text += "    last console lines:\n";
    for (const std::string &line : tail)
      text += fmt::format("    | {}\n", line);
  }
  return text;
}

llvm::json::Object verificationJson(const RomVerification &verification,
                                    size_t consoleTailLines) {
  llvm::json::Array images;
  for (const ImageVerdict &image : verification.images) {
    llvm::json::Object entry{
        {"index", int64_t(image.plan.index)},
        {"offset", int64_t(image.plan.offset)},
        {"kind", image.plan.kind},
        {"firmware", image.plan.firmware ? llvm::json::Value(firmwareName(*image.plan.firmware))
                                         : llvm::json::Value(nullptr)},
        {"status", imageStatusName(image.status)},
        {"passed", image.status == ImageStatus::Passed},
        {"reason", image.reason},
    };
    if (image.boot) {
      const FirmwareBootResult &boot = *image.boot;
      llvm::json::Array expected, tail, command, qemuStderr;
      for (const ExpectedLine &line : boot.expectedLines)
        expected.push_back(llvm::json::Object{{"line", line.text}, {"seen", line.seen}});
      for (const std::string &line : boot.consoleTail(consoleTailLines))
        tail.push_back(line);
      for (const std::string &argument : boot.qemuCommand)
        command.push_back(argument);
      for (const std::string &line : stderrLines(boot))
        qemuStderr.push_back(line);
      entry["depth"] = depthName(boot.depth);
      entry["boot_program"] = boot.bootProgram;
      if (!boot.notExercised.empty())
        entry["not_exercised"] = boot.notExercised;
      entry["outcome"] = outcomeName(boot.outcome);
      entry["seconds"] = std::round(boot.seconds * 100) / 100;
      entry["accelerator"] = boot.accelerator;
      entry["expected"] = std::move(expected);
      entry["console_tail"] = std::move(tail);
      entry["qemu_stderr"] = std::move(qemuStderr);
      entry["qemu_command"] = std::move(command);
    }
    images.push_back(std::move(entry));
  }
  return llvm::json::Object{
      {"rom", verification.romPath},
      {"passed", verification.passed()},
      {"summary", verificationSummary(verification)},
      {"images", std::move(images)},
  };
}

} // namespace romfit::verify
