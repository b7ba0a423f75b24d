#include "analysis/linked_elf.h"

#include <algorithm>
#include <map>

#include <llvm/BinaryFormat/ELF.h>
#include <llvm/Object/ELFObjectFile.h>
#include <llvm/Object/ObjectFile.h>

#include "support/error.h"
#include "support/file_io.h"

namespace romfit::analysis {

const LinkedSection *LinkedElf::find(llvm::StringRef name) const {
  for (const LinkedSection &section : sections)
    if (section.name == name)
      return &section;
  return nullptr;
}

namespace {

// A section's load address: its segment's physical address plus its place
// in the segment, as objcopy computes it.
template <typename ELFT>
llvm::Error assignLoadAddresses(const llvm::object::ELFObjectFile<ELFT> &object,
                                std::map<uint64_t, size_t> &byIndex, LinkedElf &linked) {
  auto headers = object.getELFFile().program_headers();
  if (!headers)
    return headers.takeError();
  auto sections = object.getELFFile().sections();
  if (!sections)
    return sections.takeError();
  for (auto &[index, position] : byIndex) {
    LinkedSection &section = linked.sections[position];
    section.loadAddress = section.address;
    const auto &header = (*sections)[index];
    for (const auto &segment : *headers) {
      if (segment.p_type != llvm::ELF::PT_LOAD || !section.hasContents)
        continue;
      uint64_t offset = header.sh_offset;
      if (offset >= segment.p_offset && offset + header.sh_size <= segment.p_offset + segment.p_filesz &&
          segment.p_filesz) {
        section.loadAddress = segment.p_paddr + (offset - segment.p_offset);
        break;
      }
    }
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<LinkedElf> readLinkedElf(llvm::StringRef path) {
  auto buffer = readFile(path);
  if (!buffer)
    return buffer.takeError();
  auto object = llvm::object::ObjectFile::createObjectFile((*buffer)->getMemBufferRef());
  if (!object)
    return makeError("{}: not an object file: {}", path, llvm::toString(object.takeError()));
  auto *elf = llvm::dyn_cast<llvm::object::ELFObjectFileBase>(object->get());
  if (!elf)
    return makeError("{}: not an ELF file", path);

  LinkedElf linked;
  linked.buffer = std::shared_ptr<llvm::MemoryBuffer>(std::move(*buffer));
  std::map<uint64_t, size_t> byIndex;  // ELF section index -> position in `sections`
  for (const llvm::object::SectionRef &section : elf->sections()) {
    llvm::object::ELFSectionRef elfSection(section);
    if (!(elfSection.getFlags() & llvm::ELF::SHF_ALLOC))
      continue;
    auto name = section.getName();
    if (!name)
      return makeError("{}: section {}: {}", path, section.getIndex(),
                       llvm::toString(name.takeError()));
    LinkedSection out;
    out.name = name->str();
    out.address = section.getAddress();
    out.size = section.getSize();
    out.hasContents = elfSection.getType() != llvm::ELF::SHT_NOBITS;
    if (out.hasContents) {
      auto contents = section.getContents();
      if (!contents)
        return makeError("{}: section {}: {}", path, out.name,
                         llvm::toString(contents.takeError()));
      out.contents = llvm::arrayRefFromStringRef(*contents);
    }
    byIndex[section.getIndex()] = linked.sections.size();
    linked.sections.push_back(std::move(out));
  }
  llvm::Error loadError = llvm::Error::success();
  if (auto *elf32 = llvm::dyn_cast<llvm::object::ELF32LEObjectFile>(elf))
    loadError = assignLoadAddresses(*elf32, byIndex, linked);
  else if (auto *elf64 = llvm::dyn_cast<llvm::object::ELF64LEObjectFile>(elf))
    loadError = assignLoadAddresses(*elf64, byIndex, linked);
  else
    for (LinkedSection &section : linked.sections)
      section.loadAddress = section.address;
  if (loadError)
    return makeError("{}: program headers: {}", path, llvm::toString(std::move(loadError)));
  for (const llvm::object::ELFSymbolRef &symbol : elf->symbols()) {
    uint8_t type = symbol.getELFType();
    if (type == llvm::ELF::STT_SECTION || type == llvm::ELF::STT_FILE)
      continue;
    auto section = symbol.getSection();
    if (!section) {
      llvm::consumeError(section.takeError());
      continue;
    }
    if (*section == elf->section_end())
      continue;  // undefined or absolute
    auto owner = byIndex.find((*section)->getIndex());
    if (owner == byIndex.end())
      continue;
    auto name = symbol.getName();
    auto address = symbol.getAddress();
    if (!name || !address) {
      if (!name)
        llvm::consumeError(name.takeError());
      if (!address)
        llvm::consumeError(address.takeError());
      continue;
    }
    if (name->empty())
      continue;
    LinkedSymbol out;
    out.name = name->str();
    out.address = *address;
    out.size = symbol.getSize();
    out.global = symbol.getBinding() != llvm::ELF::STB_LOCAL;
    out.typed = type == llvm::ELF::STT_FUNC || type == llvm::ELF::STT_OBJECT;
    linked.sections[owner->second].symbols.push_back(std::move(out));
  }
  for (LinkedSection &section : linked.sections)
    std::sort(section.symbols.begin(), section.symbols.end(),
              [](const LinkedSymbol &a, const LinkedSymbol &b) {
                if (a.address != b.address)
                  return a.address < b.address;
                // At one address the symbol a report should name comes first:
                // sized, typed, global, then by name for determinism.
                if ((a.size != 0) != (b.size != 0))
                  return a.size != 0;
                if (a.typed != b.typed)
                  return a.typed;
                if (a.global != b.global)
                  return a.global;
                return a.name < b.name;
              });
  return linked;
}

} // namespace romfit::analysis
