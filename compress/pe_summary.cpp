#include "compress/pe_summary.h"

#include <algorithm>

#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Object/Binary.h>
#include <llvm/Object/COFF.h>

#include "compress/error.h"

namespace romfit::pe {

llvm::Expected<Summary> summarize(llvm::ArrayRef<uint8_t> pe) {
  llvm::MemoryBufferRef buffer(
      llvm::StringRef(reinterpret_cast<const char *>(pe.data()), pe.size()), "EFI driver");
  auto binary = llvm::object::createBinary(buffer);
  if (!binary)
    return makeError("not a PE/COFF file: {}", llvm::toString(binary.takeError()));
  auto *coff = llvm::dyn_cast<llvm::object::COFFObjectFile>(binary->get());
  if (!coff)
    return makeError("not a PE/COFF file");

  Summary summary;
  summary.machine = coff->getMachine();
  if (const auto *header = coff->getPE32PlusHeader()) {
    summary.pe32Plus = true;
    summary.subsystem = header->Subsystem;
    summary.entryPoint = header->AddressOfEntryPoint;
    summary.fileExtent = header->SizeOfHeaders;
  } else if (const auto *header = coff->getPE32Header()) {
    summary.subsystem = header->Subsystem;
    summary.entryPoint = header->AddressOfEntryPoint;
    summary.fileExtent = header->SizeOfHeaders;
  } else {
    return makeError("COFF object without a PE optional header");
  }
  for (const llvm::object::SectionRef &sectionRef : coff->sections()) {
    const llvm::object::coff_section *section = coff->getCOFFSection(sectionRef);
    Section out;
    auto name = sectionRef.getName();
    out.name = name ? name->str() : std::string(llvm::StringRef(section->Name, 8).split('\0').first);
    if (!name)
      llvm::consumeError(name.takeError());
    out.virtualAddress = section->VirtualAddress;
    out.virtualSize = section->VirtualSize;
    out.rawSize = section->SizeOfRawData;
    if (section->SizeOfRawData)
      summary.fileExtent = std::max<uint64_t>(
          summary.fileExtent, uint64_t(section->PointerToRawData) + section->SizeOfRawData);
    summary.sections.push_back(std::move(out));
  }
  summary.fileExtent = std::min<uint64_t>(summary.fileExtent, pe.size());
  return summary;
}

std::string machineName(uint16_t machine) {
  switch (machine) {
  case kMachineIa32: return "IA32";
  case kMachineX64: return "X64";
  case kMachineAArch64: return "AArch64";
  case kMachineArmThumb: return "ARM";
  case kMachineRiscV32: return "RISC-V32";
  case kMachineRiscV64: return "RISC-V64";
  case kMachineLoongArch64: return "LoongArch64";
  case kMachineEbc: return "EBC";
  default: return fmt::format("{:#06x}", machine);
  }
}

std::string machineFileTag(uint16_t machine) {
  std::string name = machineName(machine);
  name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
  return llvm::StringRef(name).lower();
}

std::string subsystemName(uint16_t subsystem) {
  switch (subsystem) {
  case 10: return "EFI application";
  case 11: return "EFI boot service driver";
  case 12: return "EFI runtime driver";
  case 13: return "EFI ROM";
  default: return fmt::format("subsystem {}", subsystem);
  }
}

} // namespace romfit::pe
