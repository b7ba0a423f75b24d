#include "analysis/input_files.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/Object/Archive.h>

#include "compress/error.h"

namespace romfit::analysis {

namespace {

llvm::Error indexArchive(InputFile &file, const llvm::object::Archive &archive) {
  llvm::DenseMap<uint64_t, uint32_t> memberAtOffset;
  llvm::Error error = llvm::Error::success();
  for (const llvm::object::Archive::Child &child : archive.children(error)) {
    auto name = child.getName();
    if (!name)
      return name.takeError();
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
