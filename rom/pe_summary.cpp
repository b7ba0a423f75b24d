#include "rom/pe_summary.h"

#include <algorithm>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <llvm/ADT/StringExtras.h>
#include <llvm/Object/Binary.h>
#include <llvm/Object/COFF.h>
#include <llvm/Support/Endian.h>

#include "support/error.h"

namespace romfit::pe {

// LLVM 14 resolves every data directory through the section table, but the
// PE format lets a directory live in the headers, and iPXE's elf2efi puts its
// debug directory there. Such a PE is read through a copy with that one
// directory entry cleared; nothing the summary reports depends on it.
static std::optional<std::vector<uint8_t>> withoutHeaderDebugDirectory(llvm::ArrayRef<uint8_t> pe) {
  using namespace llvm::support::endian;
  if (pe.size() < 0x40)
    return std::nullopt;
  uint64_t header = read32le(pe.data() + 0x3c);
  uint64_t optional = header + 24;
  if (optional + 2 > pe.size())
    return std::nullopt;
  bool plus = read16le(pe.data() + optional) == 0x20b;
  uint64_t countOffset = optional + (plus ? 108 : 92);
  uint64_t headersSizeOffset = optional + 60;
  if (countOffset + 4 > pe.size())
    return std::nullopt;
  uint32_t count = read32le(pe.data() + countOffset);
  uint32_t sizeOfHeaders = read32le(pe.data() + headersSizeOffset);
  constexpr uint32_t kDebugDirectory = 6;
  uint64_t entry = countOffset + 4 + 8 * uint64_t(kDebugDirectory);
  if (count <= kDebugDirectory || entry + 8 > pe.size())
    return std::nullopt;
  uint32_t rva = read32le(pe.data() + entry);
  if (rva == 0 || rva >= sizeOfHeaders)
    return std::nullopt;
  std::vector<uint8_t> copy(pe.begin(), pe.end());
  std::fill(copy.begin() + entry, copy.begin() + entry + 8, 0);
  return copy;
}

llvm::Expected<Summary> summarize(llvm::ArrayRef<uint8_t> pe) {
  llvm::MemoryBufferRef buffer(
      llvm::StringRef(reinterpret_cast<const char *>(pe.data()), pe.size()), "EFI driver");
  auto binary = llvm::object::createBinary(buffer);
  if (!binary) {
    if (auto copy = withoutHeaderDebugDirectory(pe)) {
      llvm::consumeError(binary.takeError());
      return summarize(*copy);
    }
    return makeError("not a PE/COFF file: {}", llvm::toString(binary.takeError()));
  }
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
    summary.headersSize = header->SizeOfHeaders;
  } else if (const auto *header = coff->getPE32Header()) {
    summary.subsystem = header->Subsystem;
    summary.entryPoint = header->AddressOfEntryPoint;
    summary.fileExtent = header->SizeOfHeaders;
    summary.headersSize = header->SizeOfHeaders;
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
    out.rawOffset = section->PointerToRawData;
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

std::optional<std::string> efiImageKind(uint16_t machine) {
  switch (machine) {
  case kMachineIa32: return "efi:i386";
  case kMachineX64: return "efi:x86_64";
  case kMachineArmThumb: return "efi:arm32";
  case kMachineAArch64: return "efi:arm64";
  case kMachineRiscV64: return "efi:riscv64";
  case kMachineLoongArch64: return "efi:loong64";
  case kMachineEbc: return "efi:ebc";
  default: return std::nullopt;
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
