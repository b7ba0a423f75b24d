#include "analysis/link_command.h"

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Path.h>

#include "support/error.h"
#include "support/text.h"

namespace romfit::analysis {

namespace {

enum class Action {
  Emulation, Script, Undefined, Entry, SymbolDefinition, Output, Map, LibraryPath, ZKeyword,
  Directory, GcSections, NoGcSections, EmitRelocations, StripDebug, Static,
  Harmless,     // cannot change which sections or members the link keeps
  Unsupported,  // changes the link in a way romfit does not model
};

struct LdOption {
  const char *name;  // without leading dashes; GNU ld takes one or two
  bool takesValue;
  Action action;
};

// Every long option iPXE's Makefiles pass (Makefile.housekeeping, Makefile.efi,
// arch/*/Makefile*), plus common spellings of the same.
constexpr LdOption kLongOptions[] = {
    {"Map", true, Action::Map},
    {"script", true, Action::Script},
    {"undefined", true, Action::Undefined},
    {"entry", true, Action::Entry},
    {"defsym", true, Action::SymbolDefinition},
    {"output", true, Action::Output},
    {"library-path", true, Action::LibraryPath},
    {"directory", true, Action::Directory},
    {"gc-sections", false, Action::GcSections},
    {"no-gc-sections", false, Action::NoGcSections},
    {"emit-relocs", false, Action::EmitRelocations},
    {"strip-debug", false, Action::StripDebug},
    {"static", false, Action::Static},
    {"Bstatic", false, Action::Static},
    {"dn", false, Action::Static},
    {"non_shared", false, Action::Static},
    {"strip-all", false, Action::Harmless},
    {"omagic", false, Action::Harmless},
    {"nmagic", false, Action::Harmless},
    {"no-check-sections", false, Action::Harmless},
    {"check-sections", false, Action::Harmless},
    {"warn-rwx-segments", false, Action::Harmless},
    {"no-warn-rwx-segments", false, Action::Harmless},
    {"warn-execstack", false, Action::Harmless},
    {"no-warn-execstack", false, Action::Harmless},
    {"warn-common", false, Action::Harmless},
    {"fatal-warnings", false, Action::Harmless},
    {"no-fatal-warnings", false, Action::Harmless},
    {"nostdlib", false, Action::Harmless},
    {"no-dynamic-linker", false, Action::Harmless},
    {"no-relax", false, Action::Harmless},
    {"relax", false, Action::Harmless},
    {"discard-locals", false, Action::Harmless},
    {"discard-all", false, Action::Harmless},
    {"discard-none", false, Action::Harmless},
    {"sort-common", false, Action::Harmless},
    {"print-gc-sections", false, Action::Harmless},
    {"no-print-gc-sections", false, Action::Harmless},
    {"print-map", false, Action::Harmless},
    {"cref", false, Action::Harmless},
    {"stats", false, Action::Harmless},
    {"trace", false, Action::Harmless},
    {"verbose", false, Action::Harmless},
    {"no-undefined", false, Action::Harmless},
    {"build-id", false, Action::Harmless},
    {"no-demangle", false, Action::Harmless},
    {"demangle", false, Action::Harmless},
    {"no-pie", false, Action::Harmless},
    {"pie", false, Action::Harmless},
    {"pic-executable", false, Action::Harmless},
    {"no-warn-mismatch", false, Action::Harmless},
    {"section-start", true, Action::Harmless},
    {"Ttext", true, Action::Harmless},
    {"Tdata", true, Action::Harmless},
    {"Tbss", true, Action::Harmless},
    {"Ttext-segment", true, Action::Harmless},
    {"hash-style", true, Action::Harmless},
    {"oformat", true, Action::Harmless},
    {"relocatable", false, Action::Unsupported},
    {"shared", false, Action::Unsupported},
    {"Bshareable", false, Action::Unsupported},
    {"whole-archive", false, Action::Unsupported},
    {"start-group", false, Action::Unsupported},
    {"end-group", false, Action::Unsupported},
    {"export-dynamic", false, Action::Unsupported},
    {"require-defined", true, Action::Unsupported},
    {"wrap", true, Action::Unsupported},
    {"just-symbols", true, Action::Unsupported},
    {"library", true, Action::Unsupported},
};

// Single-letter options; those with a value take it attached or next.
constexpr LdOption kShortOptions[] = {
    {"m", true, Action::Emulation},   {"T", true, Action::Script},
    {"u", true, Action::Undefined},   {"e", true, Action::Entry},
    {"o", true, Action::Output},      {"L", true, Action::LibraryPath},
    {"z", true, Action::ZKeyword},    {"C", true, Action::Directory},
    {"l", true, Action::Unsupported}, {"q", false, Action::EmitRelocations},
    {"S", false, Action::StripDebug}, {"s", false, Action::Harmless},
    {"N", false, Action::Harmless},   {"n", false, Action::Harmless},
    {"x", false, Action::Harmless},   {"X", false, Action::Harmless},
    {"t", false, Action::Harmless},   {"M", false, Action::Harmless},
    {"O", true, Action::Harmless},    {"r", false, Action::Unsupported},
    {"d", false, Action::Unsupported}, {"i", false, Action::Unsupported},
};

const LdOption *findOption(llvm::ArrayRef<LdOption> table, llvm::StringRef name) {
  for (const LdOption &option : table)
    if (name == option.name)
      return &option;
  return nullptr;
}

bool isSymbolName(llvm::StringRef text) {
  if (text.empty() || llvm::isDigit(text[0]))
    return false;
  return llvm::all_of(text, [](char c) { return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$'; });
}

llvm::Expected<std::vector<std::string>> splitCommandLine(llvm::StringRef line) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false;
  char quote = 0;
  size_t quoteAt = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      quoteAt = i;
      inWord = true;
    } else if (llvm::isSpace(c)) {
      if (inWord)
        words.push_back(std::move(word));
      word.clear();
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote)
    return makeError("the link command's {} quote at character {} is never closed", quote,
                     quoteAt + 1);
  if (inWord)
    words.push_back(std::move(word));
  return words;
}

llvm::Error apply(LinkCommand &command, const LdOption &option, const std::string &spelling,
                  const std::string &value) {
  switch (option.action) {
  case Action::Emulation: command.emulation = value; break;
  case Action::Script: command.scripts.push_back(value); break;
  case Action::Undefined: command.undefinedSymbols.push_back(value); break;
  case Action::Entry: command.entry = value; break;
  case Action::SymbolDefinition: {
    auto [name, expression] = llvm::StringRef(value).split('=');
    name = name.trim();
    expression = expression.trim();
    if (name.empty() || expression.empty() || !llvm::StringRef(value).contains('='))
      return makeError("ld option '{} {}': expected NAME=EXPRESSION", spelling, value);
    SymbolDefinition definition{name.str(), expression.str(), std::nullopt};
    if (isSymbolName(expression))
      definition.aliasOf = expression.str();
    command.symbolDefinitions.push_back(std::move(definition));
    break;
  }
  case Action::Output: command.output = value; break;
  case Action::Map: command.mapFile = value; break;
  case Action::LibraryPath: command.libraryPaths.push_back(value); break;
  case Action::ZKeyword: command.zKeywords.push_back(value); break;
  case Action::Directory: command.directory = value; break;
  case Action::GcSections: command.gcSections = true; break;
  case Action::NoGcSections: command.gcSections = false; break;
  case Action::EmitRelocations: command.emitRelocations = true; break;
  case Action::StripDebug: command.stripDebug = true; break;
  case Action::Static: command.isStatic = true; break;
  case Action::Harmless: break;
  case Action::Unsupported:
    return makeError("ld option '{}' changes the link in a way romfit does not model", spelling);
  }
  return llvm::Error::success();
}

bool looksLikeLinkerName(llvm::StringRef word) {
  llvm::StringRef name = llvm::sys::path::filename(word);
  return name == "ld" || name.endswith("-ld") || name.startswith("ld.") || name.contains("-ld.");
}

} // namespace

std::string LinkCommand::resolve(const std::string &path) const {
  if (directory.empty() || llvm::sys::path::is_absolute(path))
    return path;
  llvm::SmallString<256> joined(directory);
  llvm::sys::path::append(joined, path);
  return std::string(joined);
}

llvm::Expected<LinkCommand> parseLinkCommand(llvm::ArrayRef<std::string> givenArguments) {
  std::vector<std::string> arguments(givenArguments.begin(), givenArguments.end());
  if (arguments.size() == 1 && llvm::StringRef(arguments[0]).contains(' ')) {
    auto words = splitCommandLine(arguments[0]);
    if (!words)
      return words.takeError();
    arguments = std::move(*words);
  }
  for (size_t index = 0; index < arguments.size(); ++index)
    if (auto bad = firstNonTextByte(arguments[index]))
      return makeError("link command argument {} '{}' is not text (byte {})", index + 1,
                       printable(arguments[index]), *bad);
  LinkCommand command;
  size_t index = 0;
  if (!arguments.empty() && looksLikeLinkerName(arguments[0]))
    command.program = arguments[index++];
  for (; index < arguments.size(); ++index) {
    const std::string &argument = arguments[index];
    if (argument.empty())
      return makeError("link command argument {} is empty, not a file name", index + 1);
    if (argument.size() < 2 || argument[0] != '-') {
      command.inputs.push_back(argument);
      continue;
    }
    llvm::StringRef body = llvm::StringRef(argument).drop_front(argument[1] == '-' ? 2 : 1);
    auto [name, inlineValue] = body.split('=');
    bool hasInlineValue = body.contains('=');
    const LdOption *option = findOption(kLongOptions, name);
    std::string value;
    if (option) {
      if (!option->takesValue && hasInlineValue)
        return makeError("ld option '{}' takes no value", argument);
      if (option->takesValue) {
        if (hasInlineValue) {
          value = inlineValue.str();
        } else if (index + 1 < arguments.size()) {
          value = arguments[++index];
        } else {
          return makeError("ld option '{}' needs a value", argument);
        }
      }
    } else if (argument[1] != '-' && (option = findOption(kShortOptions, body.take_front(1)))) {
      if (option->takesValue) {
        if (body.size() > 1) {
          value = body.drop_front(1).str();
        } else if (index + 1 < arguments.size()) {
          value = arguments[++index];
        } else {
          return makeError("ld option '{}' needs a value", argument);
        }
      } else if (body.size() > 1) {
        option = nullptr;
      }
    }
    if (!option)
      return makeError("unknown ld option '{}' (romfit refuses options it does not understand)",
                       argument);
    if (option->takesValue && value.empty())
      return makeError("ld option '{}' has an empty value", argument);
    if (auto error = apply(command, *option, argument, value))
      return error;
  }
  if (command.inputs.empty())
    return makeError("the link command names no input files");
  return command;
}

} // namespace romfit::analysis
