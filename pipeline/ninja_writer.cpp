#include "pipeline/ninja_writer.h"

#include <llvm/Support/MemoryBuffer.h>

#include "support/error.h"
#include "support/file_io.h"
#include "support/text.h"

namespace romfit::pipeline {

bool NinjaWriter::representable(llvm::StringRef text, llvm::StringRef what) {
  size_t bad = text.find_first_of(llvm::StringRef("\n\r\0", 3));
  if (bad == llvm::StringRef::npos)
    return true;
  if (problem_.empty())
    problem_ = fmt::format("build.ninja cannot represent {} '{}': it holds a {} at byte {}",
                           what.str(), printable(text),
                           text[bad] == '\0' ? "NUL" : "line break", bad);
  return false;
}

llvm::Expected<std::string> NinjaWriter::finish() const {
  if (!problem_.empty())
    return makeError("{}", problem_);
  return text_;
}

std::string NinjaWriter::escapePath(llvm::StringRef path) {
  representable(path, "the path");
  std::string escaped;
  for (char c : path) {
    if (c == '$' || c == ' ' || c == ':')
      escaped += '$';
    escaped += c;
  }
  return escaped;
}

std::string NinjaWriter::escapeValue(llvm::StringRef value) {
  representable(value, "the value");
  std::string escaped;
  for (char c : value) {
    if (c == '$')
      escaped += "$$";
    else
      escaped += c;
  }
  return escaped;
}

void NinjaWriter::comment(llvm::StringRef text) {
  llvm::SmallVector<llvm::StringRef, 4> lines;
  text.split(lines, '\n');
  for (llvm::StringRef line : lines)
    text_ += (llvm::StringRef("# " + line.str()).rtrim() + "\n").str();
}

void NinjaWriter::variable(llvm::StringRef name, llvm::StringRef value) {
  text_ += name.str() + " = " + escapeValue(value) + "\n";
}

void NinjaWriter::rule(llvm::StringRef name, llvm::StringRef command, llvm::StringRef description,
                       bool restat) {
  // Rule bodies refer to per-build variables ($cmd), so they are not escaped.
  text_ += "rule " + name.str() + "\n  command = " + command.str() + "\n  description = " +
           description.str() + "\n";
  if (restat)
    text_ += "  restat = 1\n";
}

void NinjaWriter::build(const Build &build) {
  text_ += "build";
  for (const std::string &output : build.outputs)
    text_ += " " + escapePath(output);
  text_ += ": " + build.rule;
  for (const std::string &input : build.inputs)
    text_ += " " + escapePath(input);
  if (!build.implicitInputs.empty()) {
    text_ += " |";
    for (const std::string &input : build.implicitInputs)
      text_ += " " + escapePath(input);
  }
  text_ += "\n";
  for (const auto &[name, value] : build.variables)
    text_ += "  " + name + " = " + escapeValue(value) + "\n";
}

void NinjaWriter::defaults(const std::vector<std::string> &targets) {
  text_ += "default";
  for (const std::string &target : targets)
    text_ += " " + escapePath(target);
  text_ += "\n";
}

llvm::Expected<bool> writeIfChanged(llvm::StringRef path, llvm::StringRef text) {
  if (auto existing = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                                  /*RequiresNullTerminator=*/false))
    if ((*existing)->getBuffer() == text)
      return false;
  if (llvm::Error error = writeFileAtomically(path, text))
    return error;
  return true;
}

} // namespace romfit::pipeline
