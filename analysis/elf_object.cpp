#include "analysis/elf_object.h"

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Object/ELF.h>
#include <llvm/Object/ELFObjectFile.h>

#include "support/error.h"
#include "support/text.h"

namespace romfit::analysis {

bool ElfSection::isAllocated() const { return flags & llvm::ELF::SHF_ALLOC; }
bool ElfSymbol::isUndefined() const { return sectionIndex == llvm::ELF::SHN_UNDEF; }
bool ElfSymbol::isCommon() const { return sectionIndex == llvm::ELF::SHN_COMMON; }
bool ElfSymbol::isAbsolute() const { return sectionIndex == llvm::ELF::SHN_ABS; }
bool ElfSymbol::isDefinedInSection() const {
  return sectionIndex != llvm::ELF::SHN_UNDEF && sectionIndex < llvm::ELF::SHN_LORESERVE;
}

bool ElfSymbol::isArmMappingSymbol() const {
  if (binding != SymbolBinding::Local || name.size() < 2 || name[0] != '$' ||
      !llvm::StringRef("xdat").contains(name[1]))
    return false;
  return name.size() == 2 || name[2] == '.';
}

namespace {

// ".L" then text, \x01 or \x02: GNU as's own names for local labels; and
// "L0\x01", the fake label name of targets without a dotted local prefix
// (LoongArch objects keep it in their symbol tables).
bool isAssemblerLocalLabel(llvm::StringRef name) {
  if (name == llvm::StringRef("L0\x01", 3))
    return true;
  return name.startswith(".L") && llvm::all_of(name, [](char c) {
    return c == '\x01' || c == '\x02' || (uint8_t(c) >= 0x20 && uint8_t(c) < 0x7f);
  });
}

// Relocations patch code or data; pointed at a table of symbols, strings or
// relocations (their own section included), they are nonsense.
bool canBeRelocated(uint32_t sectionType) {
  switch (sectionType) {
  case llvm::ELF::SHT_NULL:
  case llvm::ELF::SHT_SYMTAB:
  case llvm::ELF::SHT_STRTAB:
  case llvm::ELF::SHT_REL:
  case llvm::ELF::SHT_RELA:
    return false;
  default:
    return true;
  }
}

template <class ELFT>
llvm::Expected<ElfObject> readTyped(llvm::MemoryBufferRef buffer) {
  // ELFObjectFile validates the header, section table and symbol tables.
  auto objectFile = llvm::object::ELFObjectFile<ELFT>::create(buffer);
  if (!objectFile)
    return objectFile.takeError();
  const llvm::object::ELFFile<ELFT> &file = objectFile->getELFFile();
  if (file.getHeader().e_type != llvm::ELF::ET_REL)
    return makeError("not a relocatable object (ELF type {})", file.getHeader().e_type);
  auto sections = file.sections();
  if (!sections)
    return sections.takeError();

  ElfObject object;
  object.sections.resize(sections->size());
  const typename ELFT::Shdr *symbolTable = nullptr;
  size_t symbolTableIndex = 0;
  for (size_t index = 0; index < sections->size(); ++index) {
    const typename ELFT::Shdr &header = (*sections)[index];
    auto name = file.getSectionName(header);
    if (!name)
      return name.takeError();
    if (auto bad = firstNonTextByte(*name))
      return makeError("section [index {}]: its name '{}' is not text (byte {})", index,
                       printable(*name), *bad);
    // Only some sections' contents are read, but ld reads them all.
    uint64_t fileSize = buffer.getBufferSize();
    if (header.sh_type != llvm::ELF::SHT_NOBITS &&
        (header.sh_offset > fileSize || header.sh_size > fileSize - header.sh_offset))
      return makeError("section [index {}] '{}': its {} bytes at offset {:#x} run past the end of "
                       "the {}-byte file",
                       index, name->str(), uint64_t(header.sh_size), uint64_t(header.sh_offset),
                       fileSize);
    ElfSection &section = object.sections[index];
    section.name = *name;
    section.size = header.sh_type == llvm::ELF::SHT_NOBITS || header.sh_size ? header.sh_size : 0;
    section.alignment = std::max<uint64_t>(header.sh_addralign, 1);
    section.flags = header.sh_flags;
    section.type = header.sh_type;
    section.link = header.sh_link;
    if (header.sh_type == llvm::ELF::SHT_SYMTAB) {
      if (symbolTable)
        return makeError("more than one symbol table");
      symbolTable = &header;
      symbolTableIndex = index;
    }
  }

  if (symbolTable) {
    auto symbols = file.symbols(symbolTable);
    if (!symbols)
      return symbols.takeError();
    auto strings = file.getStringTableForSymtab(*symbolTable, *sections);
    if (!strings)
      return strings.takeError();
    object.symbols.reserve(symbols->size());
    for (const typename ELFT::Sym &raw : *symbols) {
      ElfSymbol symbol;
      auto name = raw.getName(*strings);
      if (!name)
        return name.takeError();
      // GNU as names its local labels with control bytes on purpose: a
      // numeric label "2:" becomes ".L2\x02" + a count (RISC-V keeps them
      // in the symbol table), a "$" label ".L..\x01..". Only those pass.
      if (auto bad = firstNonTextByte(*name);
          bad && !isAssemblerLocalLabel(*name))
        return makeError("symbol {} (name at string table offset {:#x}): its name '{}' is not text "
                         "(byte {})",
                         object.symbols.size(), uint32_t(raw.st_name), printable(*name), *bad);
      symbol.name = *name;
      symbol.value = raw.st_value;
      symbol.size = raw.st_size;
      symbol.type = raw.getType();
      symbol.sectionIndex = raw.st_shndx;
      if (raw.st_shndx == llvm::ELF::SHN_XINDEX)
        return makeError("extended section indices are not supported");
      if (symbol.isDefinedInSection() && symbol.sectionIndex >= object.sections.size())
        return makeError("symbol '{}' names section {} of {}", symbol.name.str(),
                         symbol.sectionIndex, object.sections.size());
      switch (raw.getBinding()) {
      case llvm::ELF::STB_LOCAL: symbol.binding = SymbolBinding::Local; break;
      case llvm::ELF::STB_WEAK: symbol.binding = SymbolBinding::Weak; break;
      default: symbol.binding = SymbolBinding::Global; break;
      }
      object.symbols.push_back(symbol);
    }
  }

  for (size_t index = 0; index < sections->size(); ++index) {
    const typename ELFT::Shdr &header = (*sections)[index];
    bool isRela = header.sh_type == llvm::ELF::SHT_RELA;
    if (!isRela && header.sh_type != llvm::ELF::SHT_REL)
      continue;
    const ElfSection &relocationSection = object.sections[index];
    if (header.sh_info >= object.sections.size())
      return makeError("relocation section applies to section {} of {}", header.sh_info,
                       object.sections.size());
    ElfSection &target = object.sections[header.sh_info];
    if (!canBeRelocated(target.type))
      return makeError("relocation section [index {}] '{}' applies to section [index {}] '{}', "
                       "which holds no code or data",
                       index, relocationSection.name.str(), header.sh_info, target.name.str());
    if (symbolTable && header.sh_link != symbolTableIndex)
      return makeError("relocation section [index {}] '{}' takes its symbols from section "
                       "[index {}], not from the symbol table [index {}]",
                       index, relocationSection.name.str(), header.sh_link, symbolTableIndex);
    if (!target.isAllocated())
      continue;  // debug information keeps nothing
    auto append = [&](auto relocations) -> llvm::Error {
      if (!relocations)
        return relocations.takeError();
      target.relocations.reserve(target.relocations.size() + relocations->size());
      for (const auto &relocation : *relocations) {
        uint32_t symbolIndex = relocation.getSymbol(false);
        if (symbolIndex >= object.symbols.size())
          return makeError("relocation in '{}' names symbol {} of {}", target.name.str(),
                           symbolIndex, object.symbols.size());
        if (relocation.r_offset > target.size)
          return makeError("relocation section [index {}] '{}': a relocation at offset {:#x} lies "
                           "past the end of the {}-byte section '{}'",
                           index, relocationSection.name.str(), uint64_t(relocation.r_offset),
                           target.size, target.name.str());
        target.relocations.push_back({symbolIndex, relocation.getType(false)});
      }
      return llvm::Error::success();
    };
    if (auto error = isRela ? append(file.relas(header)) : append(file.rels(header)))
      return error;
  }
  return object;
}

} // namespace

llvm::Expected<ElfObject> readElfObject(llvm::MemoryBufferRef buffer, const Emulation &emulation) {
  auto actual = emulationOfObject(buffer);
  if (!actual)
    return actual.takeError();
  if (actual->is64Bit != emulation.is64Bit || actual->machine != emulation.machine)
    return makeError("ELF{} machine {} does not match emulation '{}'",
                     actual->is64Bit ? 64 : 32, actual->machine, emulation.name);
  if (emulation.is64Bit)
    return readTyped<llvm::object::ELF64LE>(buffer);
  return readTyped<llvm::object::ELF32LE>(buffer);
}

llvm::Expected<Emulation> emulationOfObject(llvm::MemoryBufferRef buffer) {
  llvm::StringRef bytes = buffer.getBuffer();
  if (!bytes.startswith("\x7f" "ELF"))
    return makeError("not an ELF object");
  if (bytes.size() < 20)
    return makeError("truncated ELF header: the file ends at offset {:#x}, before e_machine",
                     bytes.size());
  uint8_t elfClass = bytes[llvm::ELF::EI_CLASS];
  if (bytes[llvm::ELF::EI_DATA] != llvm::ELF::ELFDATA2LSB)
    return makeError("big-endian ELF is not supported");
  if (elfClass != llvm::ELF::ELFCLASS32 && elfClass != llvm::ELF::ELFCLASS64)
    return makeError("unknown ELF class {}", elfClass);
  uint16_t machine = uint8_t(bytes[18]) | uint16_t(uint8_t(bytes[19])) << 8;
  return Emulation{"", elfClass == llvm::ELF::ELFCLASS64, machine};
}

} // namespace romfit::analysis
