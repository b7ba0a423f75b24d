#pragma once
// The link's inputs in command-line order: plain objects and archives, mapped
// from disk once.  Archive members are located but not parsed; only the
// members the link extracts are ever read as ELF.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <llvm/Object/Archive.h>
#include <llvm/Support/MemoryBuffer.h>

#include "analysis/link_command.h"

namespace romfit::analysis {

struct ArchiveMember {
  std::string name;
  llvm::MemoryBufferRef buffer;
};

// One archive-map entry: a defined global symbol and the member defining it.
struct ArchiveSymbol {
  llvm::StringRef name;
  uint32_t member;
};

struct InputFile {
  std::string path;          // as on the command line
  bool isArchive = false;
  llvm::MemoryBufferRef buffer;               // plain objects
  std::vector<ArchiveMember> members;         // archives, in archive order
  std::vector<ArchiveSymbol> symbolMap;       // archives, in map order
};

class InputFiles {
public:
  std::vector<InputFile> files;

private:
  friend llvm::Expected<std::unique_ptr<InputFiles>> loadInputFiles(const LinkCommand &command);
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> buffers;
  std::vector<std::unique_ptr<llvm::object::Archive>> archives;
};

// Errors name the file: missing, unreadable, truncated or without a symbol map.
llvm::Expected<std::unique_ptr<InputFiles>> loadInputFiles(const LinkCommand &command);

} // namespace romfit::analysis
