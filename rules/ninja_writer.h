#pragma once
// Writes ninja's file format. Paths and values are escaped here so callers
// never think about `$`, `:` or spaces.
#include <string>
#include <vector>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

namespace romfit::rules {

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

  const std::string &text() const { return text_; }

  static std::string escapePath(llvm::StringRef path);
  static std::string escapeValue(llvm::StringRef value);

private:
  std::string text_;
};

// Writes `text` to `path` only when it differs, so an unchanged build graph
// keeps its timestamp and ninja sees nothing new. Returns whether it wrote.
llvm::Expected<bool> writeIfChanged(llvm::StringRef path, llvm::StringRef text);

} // namespace romfit::rules
