#include "analysis/input_files.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/Object/Archive.h>
#include <llvm/Support/Endian.h>

#include "support/error.h"
#include "support/text.h"

namespace romfit::analysis {

namespace {

// LLVM walks a GNU symbol map trusting its count, names and offsets; a
// hostile count sends it far past the map. Everything is checked here first:
// each entry must name a member header the archive really has.
llvm::Error checkSymbolMap(const llvm::object::Archive &archive,
                           const llvm::DenseMap<uint64_t, uint32_t> &memberAtOffset) {
  bool is64 = archive.kind() == llvm::object::Archive::K_GNU64;
  if (!archive.hasSymbolTable() ||
      (archive.kind() != llvm::object::Archive::K_GNU && !is64))
    return llvm::Error::success();
  llvm::StringRef map = archive.getSymbolTable();
  uint64_t mapOffset = map.data() - archive.getMemoryBufferRef().getBufferStart();
  size_t width = is64 ? 8 : 4;
  auto word = [&](uint64_t index) -> uint64_t {
    const char *at = map.data() + index * width;
    return is64 ? llvm::support::endian::read64be(at) : llvm::support::endian::read32be(at);
  };
  if (map.size() < width)
    return makeError("symbol map at offset {:#x} is {} bytes, too short for its symbol count",
                     mapOffset, map.size());
  uint64_t count = word(0);
  uint64_t room = map.size() / width - 1;
  if (count > room)
    return makeError("symbol map at offset {:#x} claims {} symbols, but its {} bytes hold at "
                     "most {}",
                     mapOffset, count, map.size(), room);
  llvm::StringRef names = map.drop_front((count + 1) * width);
  for (uint64_t index = 0; index < count; ++index) {
    size_t end = names.find('\0');
    if (end == llvm::StringRef::npos)
      return makeError("symbol map at offset {:#x} names {} of its {} symbols before it ends",
                       mapOffset, index, count);
    llvm::StringRef name = names.take_front(end);
    names = names.drop_front(end + 1);
    if (auto bad = firstNonTextByte(name))
      return makeError("symbol map entry {} '{}' is not text (byte {})", index, printable(name),
                       *bad);
    uint64_t member = word(index + 1);
    if (member == mapOffset - sizeof(llvm::object::UnixArMemHdrType))
      return makeError("symbol map entry {} '{}' points at the symbol map itself (offset {:#x})",
                       index, printable(name), member);
    if (!memberAtOffset.count(member))
      return makeError("symbol map entry {} '{}' points at offset {:#x}, where no member starts",
                       index, printable(name), member);
  }
  return llvm::Error::success();
}

llvm::Error indexArchive(InputFile &file, const llvm::object::Archive &archive) {
  llvm::DenseMap<uint64_t, uint32_t> memberAtOffset;
  llvm::Error error = llvm::Error::success();
  for (const llvm::object::Archive::Child &child : archive.children(error)) {
    auto name = child.getName();
    if (!name)
      return makeError("member at offset {:#x}: {}", child.getChildOffset(),
                       llvm::toString(name.takeError()));
    auto buffer = child.getMemoryBufferRef();
    if (!buffer)
      return makeError("member '{}': {}", name->str(), llvm::toString(buffer.takeError()));
    memberAtOffset[child.getChildOffset()] = file.members.size();
    file.members.push_back({name->str(), *buffer});
  }
  if (error)
    return error;
  if (!archive.hasSymbolTable() && !file.members.empty())
    return makeError("archive has no symbol map (run ranlib)");
  if (llvm::Error error = checkSymbolMap(archive, memberAtOffset))
    return error;
  for (const llvm::object::Archive::Symbol &symbol : archive.symbols()) {
    auto member = symbol.getMember();
    if (!member)
      return makeError("symbol map entry '{}': {}", symbol.getName().str(),
                       llvm::toString(member.takeError()));
    auto found = memberAtOffset.find(member->getChildOffset());
    if (found == memberAtOffset.end())
      return makeError("symbol map entry '{}' points outside the archive's members",
                       symbol.getName().str());
    file.symbolMap.push_back({symbol.getName(), found->second});
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<std::unique_ptr<InputFiles>> loadInputFiles(const LinkCommand &command) {
  auto inputs = std::make_unique<InputFiles>();
  for (const std::string &path : command.inputs) {
    std::string resolved = command.resolve(path);
    auto buffer = llvm::MemoryBuffer::getFile(resolved, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return makeError("{}: cannot read input file: {}", resolved, buffer.getError().message());
    InputFile file;
    file.path = path;
    llvm::MemoryBufferRef reference = (*buffer)->getMemBufferRef();
    if (reference.getBuffer().startswith("!<arch>\n") ||
        reference.getBuffer().startswith("!<thin>\n")) {
      file.isArchive = true;
      auto archive = llvm::object::Archive::create(reference);
      if (!archive)
        return makeError("{}: {}", resolved, llvm::toString(archive.takeError()));
      if (auto error = indexArchive(file, **archive))
        return makeError("{}: {}", resolved, llvm::toString(std::move(error)));
      inputs->archives.push_back(std::move(*archive));
    } else {
      file.buffer = reference;
    }
    inputs->buffers.push_back(std::move(*buffer));
    inputs->files.push_back(std::move(file));
  }
  return inputs;
}

} // namespace romfit::analysis
