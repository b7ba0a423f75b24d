#pragma once
// What an EFI driver's PE/COFF headers say about it, read with llvm::object:
// enough to label a ROM image and to know where the PE file ends inside the
// zero padding that rounds a ROM image to 512 bytes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

namespace romfit::pe {

inline constexpr uint16_t kMachineIa32 = 0x014c;
inline constexpr uint16_t kMachineX64 = 0x8664;
inline constexpr uint16_t kMachineAArch64 = 0xaa64;
inline constexpr uint16_t kMachineArmThumb = 0x01c2;
inline constexpr uint16_t kMachineRiscV32 = 0x5032;
inline constexpr uint16_t kMachineRiscV64 = 0x5064;
inline constexpr uint16_t kMachineLoongArch64 = 0x6264;
inline constexpr uint16_t kMachineEbc = 0x0ebc;

// "efi:x86_64", "efi:i386", "efi:arm32", "efi:arm64", "efi:riscv64",
// "efi:loong64", "efi:ebc": an EFI image's kind as romfit build's --image
// and the boot proof name it (iPXE's ARCH); nullopt for another machine.
std::optional<std::string> efiImageKind(uint16_t machine);

struct Section {
  std::string name;
  uint32_t virtualAddress = 0;
  uint32_t virtualSize = 0;
  uint32_t rawSize = 0;
  uint32_t rawOffset = 0;  // where the section's bytes start in the file
};

struct Summary {
  uint16_t machine = 0;
  uint16_t subsystem = 0;
  bool pe32Plus = false;
  uint64_t entryPoint = 0;  // relative virtual address
  uint32_t headersSize = 0;  // DOS, PE and section headers, as SizeOfHeaders gives
  std::vector<Section> sections;
  // Bytes the headers and section contents occupy from the file's start.
  uint64_t fileExtent = 0;
};

llvm::Expected<Summary> summarize(llvm::ArrayRef<uint8_t> pe);

// "X64", "AArch64", ...; "0x1234" for machines PCI ROMs do not name.
std::string machineName(uint16_t machine);
// "x64", "aarch64", ...: the form used in file names.
std::string machineFileTag(uint16_t machine);
// "EFI boot service driver", ...
std::string subsystemName(uint16_t subsystem);

} // namespace romfit::pe
