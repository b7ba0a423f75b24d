#include "analysis/linker_script.h"

#include <llvm/ADT/ScopeExit.h>
#include <llvm/ADT/StringSwitch.h>

#include "support/error.h"
#include "support/text.h"

namespace romfit::analysis {

namespace {

struct Token {
  std::string text;
  unsigned line;
};

bool isSingleCharToken(char c) {
  return c == '(' || c == ')' || c == '{' || c == '}' || c == ';' || c == ',' || c == ':' ||
         c == '=';
}

llvm::Expected<std::vector<Token>> tokenize(llvm::StringRef text, llvm::StringRef fileName) {
  if (auto bad = firstNonTextByte(text, /*isWholeFile=*/true))
    return makeError("{}:{}: byte {:#04x} at offset {:#x} is not text", fileName,
                     text.take_front(*bad).count('\n') + 1, uint8_t(text[*bad]), *bad);
  std::vector<Token> tokens;
  unsigned line = 1;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (llvm::isSpace(c)) {
      ++i;
    } else if (text.substr(i).startswith("/*")) {
      size_t end = text.find("*/", i + 2);
      if (end == llvm::StringRef::npos)
        return makeError("{}:{}: unterminated comment", fileName, line);
      line += text.substr(i, end - i).count('\n');
      i = end + 2;
    } else if (c == '"') {
      size_t end = text.find('"', i + 1);
      if (end == llvm::StringRef::npos)
        return makeError("{}:{}: unterminated string", fileName, line);
      tokens.push_back({text.substr(i, end + 1 - i).str(), line});
      i = end + 1;
    } else if (isSingleCharToken(c)) {
      tokens.push_back({std::string(1, c), line});
      ++i;
    } else {
      size_t start = i;
      while (i < text.size() && !llvm::isSpace(text[i]) && !isSingleCharToken(text[i]) &&
             text[i] != '"' && !text.substr(i).startswith("/*"))
        ++i;
      tokens.push_back({text.substr(start, i - start).str(), line});
    }
  }
  return tokens;
}

bool isAssignmentOperator(llvm::StringRef text) {
  return llvm::StringSwitch<bool>(text)
      .Cases("+", "-", "*", "/", "<<", ">>", "&", "|", true)
      .Default(false);
}

// Parses the statements GNU ld scripts contain; see LinkerScript.
class Parser {
public:
  Parser(std::vector<Token> tokens, llvm::StringRef fileName)
      : tokens(std::move(tokens)), fileName(fileName) {}

  llvm::Error parseScript(std::vector<SectionRule> &rules, llvm::StringSet<> &assigned,
                          llvm::StringSet<> &provided, std::vector<std::string> &externs,
                          std::string &entry) {
    this->rules = &rules;
    this->assigned = &assigned;
    this->provided = &provided;
    while (position < tokens.size()) {
      const std::string &word = peek();
      if (word == ";") {
        ++position;
      } else if (word == "SECTIONS") {
        ++position;
        if (auto error = expect("{"))
          return error;
        if (auto error = parseSections())
          return error;
      } else if (word == "MEMORY" || word == "PHDRS" || word == "VERSION") {
        ++position;
        if (auto error = skipBalanced("{", "}"))
          return error;
      } else if (word == "ENTRY") {
        ++position;
        if (auto error = expect("("))
          return error;
        entry = next();
        if (auto error = expect(")"))
          return error;
      } else if (word == "EXTERN") {
        ++position;
        if (auto error = expect("("))
          return error;
        while (position < tokens.size() && peek() != ")") {
          if (peek() != ",")
            externs.push_back(peek());
          ++position;
        }
        if (auto error = expect(")"))
          return error;
      } else if (word == "INCLUDE" || word == "INPUT" || word == "GROUP") {
        return makeError("{}:{}: '{}' in a linker script is not supported by romfit", fileName,
                         tokens[position].line, word);
      } else if (auto error = parseCommonStatement()) {
        return error;
      }
    }
    return llvm::Error::success();
  }

private:
  std::vector<Token> tokens;
  llvm::StringRef fileName;
  size_t position = 0;
  std::vector<SectionRule> *rules = nullptr;
  llvm::StringSet<> *assigned = nullptr, *provided = nullptr;
  static constexpr unsigned kMaxOutputSectionDepth = 16;
  unsigned outputSectionDepth = 0;

  const std::string &peek(size_t ahead = 0) const {
    static const std::string end;
    return position + ahead < tokens.size() ? tokens[position + ahead].text : end;
  }
  std::string next() { return position < tokens.size() ? tokens[position++].text : std::string(); }
  unsigned line() const {
    return tokens.empty() ? 0 : tokens[std::min(position, tokens.size() - 1)].line;
  }

  llvm::Error expect(llvm::StringRef text) {
    if (peek() != text)
      return makeError("{}:{}: expected '{}' but found '{}'", fileName, line(), text,
                       position < tokens.size() ? peek() : std::string("end of file"));
    ++position;
    return llvm::Error::success();
  }

  // Skips from an opening token to just past its match.
  llvm::Error skipBalanced(llvm::StringRef open, llvm::StringRef close) {
    unsigned openLine = line();
    if (auto error = expect(open))
      return error;
    int depth = 1;
    while (position < tokens.size() && depth > 0) {
      if (peek() == open)
        ++depth;
      else if (peek() == close)
        --depth;
      ++position;
    }
    if (depth > 0)
      return makeError("{}:{}: '{}' is never closed", fileName, openLine, open);
    return llvm::Error::success();
  }

  void skipExpressionToSemicolon() {
    int depth = 0;
    while (position < tokens.size()) {
      const std::string &word = peek();
      if (depth == 0 && (word == ";" || word == "}"))
        break;
      if (word == "(")
        ++depth;
      else if (word == ")")
        --depth;
      ++position;
    }
    if (peek() == ";")
      ++position;
  }

  bool atAssignment() const {
    if (peek(1) == "=" && peek(2) != "=")
      return true;
    return isAssignmentOperator(peek(1)) && peek(2) == "=";
  }

  // Statements valid both at top level and inside SECTIONS and output
  // sections: assignments, PROVIDE, and function-like commands.
  llvm::Error parseCommonStatement() {
    const std::string &word = peek();
    if (atAssignment()) {
      if (word != ".")
        assigned->insert(word);
      skipExpressionToSemicolon();
      return llvm::Error::success();
    }
    if (word == "PROVIDE" || word == "PROVIDE_HIDDEN" || word == "HIDDEN") {
      bool isProvide = word != "HIDDEN";
      ++position;
      if (peek() != "(")
        return makeError("{}:{}: expected '(' after {}", fileName, line(), word);
      std::string name = peek(1);
      (isProvide ? provided : assigned)->insert(name);
      return skipBalanced("(", ")");
    }
    if (peek(1) == "(") {
      ++position;
      return skipBalanced("(", ")");
    }
    return makeError("{}:{}: unexpected '{}' in linker script", fileName, line(), word);
  }

  llvm::Error parseSections() {
    while (position < tokens.size() && peek() != "}") {
      const std::string &word = peek();
      if (word == ";") {
        ++position;
        continue;
      }
      if (atAssignment() || word == "PROVIDE" || word == "PROVIDE_HIDDEN" || word == "HIDDEN" ||
          word == "ASSERT" || word == "ENTRY" || word == "INSERT") {
        if (auto error = parseCommonStatement())
          return error;
        continue;
      }
      if (auto error = parseOutputSection())
        return error;
    }
    return expect("}");
  }

  llvm::Error parseOutputSection() {
    // OVERLAY nests output sections one level; a deeper nest is hostile and
    // each level costs stack.
    if (outputSectionDepth == kMaxOutputSectionDepth)
      return makeError("{}:{}: output sections nested more than {} deep", fileName, line(),
                       kMaxOutputSectionDepth);
    ++outputSectionDepth;
    auto leave = llvm::make_scope_exit([&] { --outputSectionDepth; });
    std::string name = next();
    int depth = 0;
    // Address, type, AT(), ALIGN() and the like sit between name and body.
    while (position < tokens.size() && !(depth == 0 && peek() == "{")) {
      if (peek() == "(")
        ++depth;
      else if (peek() == ")")
        --depth;
      else if (depth == 0 && (peek() == ";" || peek() == "}"))
        return makeError("{}:{}: output section '{}' has no body", fileName, line(), name);
      ++position;
    }
    if (auto error = expect("{"))
      return error;
    bool discard = name == "/DISCARD/";
    while (position < tokens.size() && peek() != "}") {
      const std::string &word = peek();
      if (word == ";" || word == "CREATE_OBJECT_SYMBOLS" || word == "CONSTRUCTORS" ||
          word == "SORT_NONE") {
        ++position;
      } else if (word == "KEEP") {
        ++position;
        if (auto error = expect("("))
          return error;
        if (auto error = parseInputDescription(name, /*keep=*/true, discard))
          return error;
        if (auto error = expect(")"))
          return error;
      } else if (atAssignment() || word == "PROVIDE" || word == "PROVIDE_HIDDEN" ||
                 word == "HIDDEN") {
        if (auto error = parseCommonStatement())
          return error;
      } else if (llvm::StringSwitch<bool>(word)
                     .Cases("ASSERT", "BYTE", "SHORT", "LONG", "QUAD", "SQUAD", "FILL", true)
                     .Default(false)) {
        ++position;
        if (auto error = skipBalanced("(", ")"))
          return error;
      } else if (peek(1) == "{" || peek(1) == "AT") {
        // An output section nested in OVERLAY.
        if (auto error = parseOutputSection())
          return error;
      } else if (peek(1) == "(") {
        if (auto error = parseInputDescription(name, /*keep=*/false, discard))
          return error;
      } else {
        ++position;  // a file name without a section list: adds no section rule
      }
    }
    if (auto error = expect("}"))
      return error;
    // Trailing region, program header and fill specifiers.
    while (position < tokens.size()) {
      llvm::StringRef word = peek();
      if (word.startswith(">") || word.startswith("AT>")) {
        ++position;
      } else if (word == ":" || word == "=") {
        position += 2;
      } else {
        break;
      }
    }
    return llvm::Error::success();
  }

  // FILEPATTERN ( [SORT*(] SECTIONPATTERN ... [)] )
  llvm::Error parseInputDescription(const std::string &outputSection, bool keep, bool discard) {
    unsigned ruleLine = line();
    SectionRule rule;
    rule.outputSection = outputSection;
    rule.keep = keep;
    rule.discard = discard;
    rule.filePattern = next();
    if (rule.filePattern == "EXCLUDE_FILE" || rule.filePattern == "INPUT_SECTION_FLAGS") {
      if (auto error = skipBalanced("(", ")"))
        return error;
      rule.filePattern = next();
    }
    if (auto error = expect("("))
      return error;
    int depth = 1;
    while (position < tokens.size()) {
      const std::string &word = peek();
      if (word == "(") {
        ++depth;
      } else if (word == ")") {
        if (--depth == 0)
          break;
      } else if (word == "EXCLUDE_FILE") {
        ++position;
        if (auto error = skipBalanced("(", ")"))
          return error;
        continue;
      } else if (word != "," && !llvm::StringRef(word).startswith("SORT")) {
        rule.sectionPatterns.push_back(word);
      }
      ++position;
    }
    if (auto error = expect(")"))
      return error;
    std::vector<std::string> patterns = rule.sectionPatterns;
    patterns.push_back(rule.filePattern);
    for (const std::string &pattern : patterns)
      if (auto compiled = llvm::GlobPattern::create(pattern); !compiled)
        return makeError("{}:{}: {}", fileName, ruleLine, llvm::toString(compiled.takeError()));
    rules->push_back(std::move(rule));
    return llvm::Error::success();
  }
};

} // namespace

llvm::Expected<LinkerScript> LinkerScript::parse(llvm::StringRef text, llvm::StringRef fileName) {
  auto tokens = tokenize(text, fileName);
  if (!tokens)
    return tokens.takeError();
  LinkerScript script;
  Parser parser(std::move(*tokens), fileName);
  if (auto error = parser.parseScript(script.sectionRules, script.assigned, script.provided,
                                      script.externs, script.entrySymbol))
    return error;
  if (auto error = script.compile())
    return error;
  return script;
}

llvm::Error LinkerScript::compile() {
  compiled.clear();
  cache.clear();
  for (const SectionRule &rule : sectionRules) {
    CompiledRule compiledRule;
    if (rule.filePattern != "*") {
      auto pattern = llvm::GlobPattern::create(rule.filePattern);
      if (!pattern)
        return pattern.takeError();
      compiledRule.file = std::move(*pattern);
    }
    for (const std::string &text : rule.sectionPatterns) {
      auto pattern = llvm::GlobPattern::create(text);
      if (!pattern)
        return pattern.takeError();
      compiledRule.sections.push_back(std::move(*pattern));
    }
    compiledRule.placement = rule.discard ? Placement::Discarded
                             : rule.keep  ? Placement::Kept
                                          : Placement::Placed;
    compiled.push_back(std::move(compiledRule));
  }
  placesByNameOnly =
      llvm::all_of(compiled, [](const CompiledRule &rule) { return !rule.file; });
  return llvm::Error::success();
}

void LinkerScript::append(LinkerScript other) {
  for (SectionRule &rule : other.sectionRules)
    sectionRules.push_back(std::move(rule));
  for (const auto &entry : other.assigned)
    assigned.insert(entry.getKey());
  for (const auto &entry : other.provided)
    provided.insert(entry.getKey());
  for (std::string &name : other.externs)
    externs.push_back(std::move(name));
  if (!other.entrySymbol.empty())
    entrySymbol = other.entrySymbol;
  llvm::consumeError(compile());  // every rule compiled once already
}

Placement LinkerScript::place(llvm::StringRef fileName, llvm::StringRef sectionName) const {
  bool byNameOnly = placesByNameOnly;
  if (byNameOnly) {
    auto cached = cache.find(sectionName);
    if (cached != cache.end())
      return cached->second;
  }
  Placement placement = Placement::Orphan;
  for (const CompiledRule &rule : compiled) {
    if (rule.file && !rule.file->match(fileName))
      continue;
    if (llvm::any_of(rule.sections,
                     [&](const llvm::GlobPattern &pattern) { return pattern.match(sectionName); })) {
      placement = rule.placement;
      break;
    }
  }
  if (byNameOnly)
    cache[sectionName] = placement;
  return placement;
}

} // namespace romfit::analysis
