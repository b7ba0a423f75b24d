#include "analysis/archive_resolution.h"

#include "support/error.h"

namespace romfit::analysis {

namespace {

using State = GlobalSymbol::State;

class Resolver {
public:
  Resolver(ResolvedLink &link) : link(link) {}

  void requireFromCommandLine(llvm::StringRef name) {
    auto [entry, inserted] = link.symbols.try_emplace(name);
    if (inserted) {
      entry->second.state = State::Undefined;
      entry->second.firstReference = kCommandLine;
      ++newUndefined;
    }
  }

  void defineByLinker(llvm::StringRef name) {
    link.symbols[name].state = State::LinkerDefined;
  }

  // ld's add-symbol rules for one object's global symbols.
  void addObjectSymbols(int32_t objectIndex) {
    const ElfObject &object = link.objects[objectIndex].elf;
    for (uint32_t index = 0; index < object.symbols.size(); ++index) {
      const ElfSymbol &symbol = object.symbols[index];
      if (symbol.binding == SymbolBinding::Local || symbol.name.empty())
        continue;
      auto [entry, inserted] = link.symbols.try_emplace(symbol.name);
      GlobalSymbol &global = entry->second;
      bool weak = symbol.binding == SymbolBinding::Weak;
      if (symbol.isUndefined()) {
        if (inserted) {
          global.state = weak ? State::UndefinedWeak : State::Undefined;
          global.firstReference = objectIndex;
          ++newUndefined;  // BFD lists weak ones as undefined too
        } else if (!weak && global.state == State::UndefinedWeak) {
          global.state = State::Undefined;
          global.firstReference = objectIndex;
          ++newUndefined;
        }
        continue;
      }
      bool replaceable = inserted || global.state == State::Undefined ||
                         global.state == State::UndefinedWeak;
      if (symbol.isCommon()) {
        if (inserted)
          ++newUndefined;  // BFD lists a new common among the undefined
        if (replaceable || global.state == State::DefinedWeak) {
          global.state = State::Common;
          global.definingObject = objectIndex;
          global.symbolIndex = index;
          global.commonSize = symbol.size;
          global.commonAlignment = std::max<uint64_t>(symbol.value, 1);
        } else if (global.state == State::Common && symbol.size > global.commonSize) {
          global.commonSize = symbol.size;
          global.commonAlignment = std::max(global.commonAlignment, symbol.value);
        }
        continue;
      }
      if (weak) {
        if (replaceable) {
          global.state = State::DefinedWeak;
          global.definingObject = objectIndex;
          global.symbolIndex = index;
        }
        continue;
      }
      if (replaceable || global.state == State::DefinedWeak || global.state == State::Common) {
        global.state = State::Defined;
        global.definingObject = objectIndex;
        global.symbolIndex = index;
      }
    }
  }

  llvm::Error loadObject(const LinkCommand &command, uint32_t inputIndex,
                         std::optional<uint32_t> memberIndex, llvm::MemoryBufferRef buffer,
                         std::string displayName, int32_t extractedFor,
                         llvm::StringRef extractedBySymbol) {
    if (link.emulation.name.empty()) {
      auto emulation = emulationOfObject(buffer);
      if (!emulation)
        return makeError("{}: {}", displayName, llvm::toString(emulation.takeError()));
      auto named = emulationForMachine(emulation->is64Bit, emulation->machine);
      if (!named)
        return makeError("{}: {}", displayName, llvm::toString(named.takeError()));
      link.emulation = *named;
    }
    auto elf = readElfObject(buffer, link.emulation);
    if (!elf)
      return makeError("{}: {}", displayName, llvm::toString(elf.takeError()));
    LoadedObject object{inputIndex, memberIndex, std::move(displayName), std::move(*elf),
                        extractedFor, extractedBySymbol.str()};
    link.objects.push_back(std::move(object));
    addObjectSymbols(int32_t(link.objects.size() - 1));
    return llvm::Error::success();
  }

  // Whether `member` defines `name` as more than a common symbol, which is
  // what it takes to extract a member for a symbol that is already common.
  llvm::Expected<bool> definesNonCommon(const ArchiveMember &member, llvm::StringRef name) {
    auto elf = readElfObject(member.buffer, link.emulation);
    if (!elf)
      return elf.takeError();
    for (const ElfSymbol &symbol : elf->symbols)
      if (symbol.binding != SymbolBinding::Local && symbol.name == name &&
          symbol.isDefinedInSection())
        return true;
    return false;
  }

  llvm::Error searchArchive(const LinkCommand &command, uint32_t inputIndex,
                            const InputFile &archive) {
    std::vector<bool> settled(archive.symbolMap.size(), false);
    std::vector<bool> loaded(archive.members.size(), false);
    bool again = true;
    while (again) {
      again = false;
      for (size_t i = 0; i < archive.symbolMap.size(); ++i) {
        if (settled[i])
          continue;
        const ArchiveSymbol &entry = archive.symbolMap[i];
        if (loaded[entry.member]) {
          settled[i] = true;
          continue;
        }
        auto found = link.symbols.find(entry.name);
        if (found == link.symbols.end())
          continue;
        GlobalSymbol &global = found->second;
        if (global.state == State::Common) {
          auto defines = definesNonCommon(archive.members[entry.member], entry.name);
          if (!defines)
            return makeError("{}({}): {}", archive.path, archive.members[entry.member].name,
                             llvm::toString(defines.takeError()));
          if (!*defines)
            continue;
        } else if (global.state != State::Undefined) {
          if (global.state != State::UndefinedWeak)
            settled[i] = true;
          continue;
        }
        int32_t referencedBy = global.state == State::Common ? global.definingObject
                                                             : global.firstReference;
        loaded[entry.member] = true;
        settled[i] = true;
        size_t undefinedBefore = newUndefined;
        const ArchiveMember &member = archive.members[entry.member];
        if (auto error = loadObject(command, inputIndex, entry.member, member.buffer,
                                    archive.path + "(" + member.name + ")", referencedBy,
                                    entry.name))
          return error;
        if (newUndefined != undefinedBefore)
          again = true;
      }
    }
    return llvm::Error::success();
  }

  // Grows whenever BFD would append to its undefined list; a pass that
  // grew it is followed by another (elf_link_add_archive_symbols).
  size_t newUndefined = 0;

private:
  ResolvedLink &link;
};

} // namespace

llvm::Expected<ResolvedLink> resolveLink(const LinkCommand &command, const InputFiles &inputs,
                                         const LinkerScript &script) {
  ResolvedLink link;
  if (!command.emulation.empty()) {
    auto emulation = findEmulation(command.emulation);
    if (!emulation)
      return emulation.takeError();
    link.emulation = *emulation;
  }
  Resolver resolver(link);
  // Script assignments and --defsym are folded before any input is opened,
  // so they never pull archive members; PROVIDE only fills a gap at the end.
  for (const auto &assigned : script.assignedSymbols())
    resolver.defineByLinker(assigned.getKey());
  for (const SymbolDefinition &definition : command.symbolDefinitions)
    resolver.defineByLinker(definition.name);
  for (const std::string &name : command.undefinedSymbols)
    resolver.requireFromCommandLine(name);
  for (const std::string &name : script.externSymbols())
    resolver.requireFromCommandLine(name);
  if (command.entry)
    resolver.requireFromCommandLine(*command.entry);
  else if (!script.entry().empty())
    resolver.requireFromCommandLine(script.entry());

  for (uint32_t inputIndex = 0; inputIndex < inputs.files.size(); ++inputIndex) {
    const InputFile &file = inputs.files[inputIndex];
    llvm::Error error = file.isArchive
                            ? resolver.searchArchive(command, inputIndex, file)
                            : resolver.loadObject(command, inputIndex, std::nullopt, file.buffer,
                                                  file.path, kCommandLine, "");
    if (error)
      return error;
  }
  if (link.emulation.name.empty())
    return makeError("the link loads no objects, so its emulation is unknown");
  return link;
}

} // namespace romfit::analysis
