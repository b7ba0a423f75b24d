#pragma once
// Writes ninja's file format. Paths and values are escaped here so callers
// never think about `$`, `:` or spaces. What ninja cannot represent at all
// (a line break or NUL in a path or value) is an error from finish(), never
// silently altered into a different path or command.
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::pipeline {

class NinjaWriter {
public:
  void comment(llvm::StringRef text);
  void blank() { text_ += "\n"; }
  void variable(llvm::StringRef name, llvm::StringRef value);
  void rule(llvm::StringRef name, llvm::StringRef command, llvm::StringRef description,
            bool restat = false);
  struct Build {
    std::vector<std::string> outputs;
    std::string rule;
    std::vector<std::string> inputs;
    std::vector<std::string> implicitInputs;  // after |
    std::vector<std::pair<std::string, std::string>> variables;
  };
  void build(const Build &build);
  void defaults(const std::vector<std::string> &targets);

  // The file's text, or the first path or value ninja could not represent.
  llvm::Expected<std::string> finish() const;

private:
  std::string escapePath(llvm::StringRef path);
  std::string escapeValue(llvm::StringRef value);
  bool representable(llvm::StringRef text, llvm::StringRef what);

  std::string text_;
  std::string problem_;
};

// Writes `text` to `path` only when it differs, so an unchanged build graph
// keeps its timestamp and ninja sees nothing new. Returns whether it wrote.
llvm::Expected<bool> writeIfChanged(llvm::StringRef path, llvm::StringRef text);

} // namespace romfit::pipeline
