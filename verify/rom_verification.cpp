#include "verify/rom_verification.h"

#include <fmt/format.h>
#include <llvm/ADT/STLExtras.h>

#include "rom/pci_rom.h"
#include "rom/pe_summary.h"
#include "support/error.h"
#include "support/file_io.h"

namespace romfit::verify {

llvm::Expected<std::vector<ImagePlan>> planRomVerification(llvm::ArrayRef<uint8_t> bytes,
                                                           llvm::StringRef path) {
  auto rom = pci::parse(bytes);
  if (!rom)
    return withContext(rom.takeError(), path.str());
  std::vector<ImagePlan> plan;
  for (size_t index = 0; index < rom->images.size(); ++index) {
    const pci::Image &image = rom->images[index];
    ImagePlan entry;
    entry.index = index;
    entry.offset = image.offset;
    if (image.pcir.codeType == pci::kCodeTypeLegacy) {
      entry.kind = "legacy";
      entry.firmware = Firmware::SeaBios;
    } else if (image.efi) {
      auto firmware = firmwareForEfiImage(image.efi->machine);
      if (!firmware)
        return withContext(firmware.takeError(),
                           fmt::format("{}: image {} at offset 0x{:x}", path.str(), index,
                                       image.offset));
      entry.kind = *pe::efiImageKind(image.efi->machine);
      entry.firmware = firmware->firmware;
      entry.notVerifiedReason = firmware->why;
    } else {
      entry.kind = fmt::format("code-type-{}", image.pcir.codeType);
      entry.notVerifiedReason = "no firmware runs this code type";
    }
    plan.push_back(std::move(entry));
  }
  return plan;
}

llvm::Expected<std::vector<ImagePlan>> planRomVerification(llvm::StringRef path) {
  auto bytes = readFileBytes(path);
  if (!bytes)
    return bytes.takeError();
  return planRomVerification(*bytes, path);
}

llvm::StringRef imageStatusName(ImageStatus status) {
  switch (status) {
  case ImageStatus::Passed:
    return "passed";
  case ImageStatus::Failed:
    return "failed";
  case ImageStatus::NotVerified:
    return "not verified";
  }
  return "unknown";
}

bool RomVerification::anyFailed() const {
  return llvm::any_of(images, [](const ImageVerdict &v) { return v.status == ImageStatus::Failed; });
}

bool RomVerification::passed() const {
  return !anyFailed() &&
         llvm::any_of(images, [](const ImageVerdict &v) { return v.status == ImageStatus::Passed; });
}

std::vector<Firmware> firmwaresNeeded(const std::vector<ImagePlan> &plan) {
  std::vector<Firmware> needed;
  for (Firmware firmware : allFirmwares())
    if (llvm::any_of(plan, [&](const ImagePlan &image) { return image.firmware == firmware; }))
      needed.push_back(firmware);
  return needed;
}

std::vector<Firmware> firmwaresNeededAmong(const std::vector<ImagePlan> &plan,
                                           const std::vector<Firmware> &selection) {
  std::vector<Firmware> needed;
  for (Firmware firmware : firmwaresNeeded(plan))
    if (llvm::is_contained(selection, firmware))
      needed.push_back(firmware);
  return needed;
}

BootTools locateAvailableTools(const BootToolOptions &options, llvm::ArrayRef<Firmware> firmwares,
                               const BootCheckRequest &request,
                               std::vector<MissingFirmware> &missing) {
  BootTools tools;
  for (Firmware firmware : firmwares) {
    auto located = locateFirmware(options, firmware);
    if (!located) {
      missing.push_back({firmware, llvm::toString(located.takeError())});
      continue;
    }
    if (request.servesBootPrograms())
      if (auto program = locateBootProgram(firmware, request.bootPrograms);
          !program) {
        missing.push_back({firmware, llvm::toString(program.takeError())});
        continue;
      }
    tools.firmwares.push_back(std::move(*located));
  }
  return tools;
}

llvm::Expected<RomVerification> verifyRom(const BootTools &tools, const BootCheckRequest &request,
                                          const std::vector<ImagePlan> &plan,
                                          llvm::ArrayRef<MissingFirmware> missingReasons,
                                          support::ProcessRunner &runner) {
  RomVerification verification;
  verification.romPath = request.romPath.value_or("");
  BootCheckRequest boots = request;
  boots.firmwares.clear();
  for (Firmware firmware : firmwaresNeeded(plan))
    if (tools.find(firmware) && llvm::is_contained(request.firmwares, firmware))
      boots.firmwares.push_back(firmware);
  std::vector<FirmwareBootResult> results;
  if (!boots.firmwares.empty()) {
    auto booted = checkBoot(tools, boots, runner);
    if (!booted)
      return booted.takeError();
    results = std::move(*booted);
  }

  for (const ImagePlan &image : plan) {
    ImageVerdict verdict;
    verdict.plan = image;
    if (!image.firmware) {
      verdict.reason = image.notVerifiedReason;
    } else if (auto result = llvm::find_if(
                   results, [&](const FirmwareBootResult &r) { return r.firmware == *image.firmware; });
               result != results.end()) {
      verdict.boot = *result;
      verdict.status = result->passed() ? ImageStatus::Passed : ImageStatus::Failed;
      verdict.reason = result->outcomeDetail;
    } else if (auto missing = llvm::find_if(
                   missingReasons, [&](const MissingFirmware &m) { return m.firmware == *image.firmware; });
               missing != missingReasons.end()) {
      verdict.reason = missing->reason;
    } else {
      verdict.reason = fmt::format("{} was not selected", firmwareName(*image.firmware).str());
    }
    verification.images.push_back(std::move(verdict));
  }
  return verification;
}

} // namespace romfit::verify
