#pragma once
// A small declarative command-line parser: each command states its options
// once, and the same table drives parsing, validation and --help.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <llvm/ADT/ArrayRef.h>
#include <llvm/Support/Error.h>

namespace romfit::driver {

struct OptionSpec {
  std::vector<std::string> names;  // e.g. {"-o", "--output"}; the last is canonical
  std::string metavar;             // empty: a flag that takes no value
  std::string help;
  bool repeatable = false;
  const std::string &canonical() const { return names.back(); }
};

struct CommandSpec {
  std::string name;
  std::string summary;                // one line for `romfit --help`
  std::string usage;                  // the synopsis after "romfit NAME"
  std::string description;            // paragraphs for `romfit NAME --help`
  std::vector<OptionSpec> options;
  size_t minPositionals = 0;
  size_t maxPositionals = SIZE_MAX;
  bool takesLinkerCommand = false;    // everything after `--` is kept verbatim
  // Commands that mimic another tool's command line (EfiRom's "-ec FILE",
  // "-i ID ID ...") get every argument verbatim as a positional; only a lone
  // -h/--help is romfit's.
  bool rawArguments = false;
};

class ParsedArguments {
public:
  bool has(const std::string &canonical) const { return values.count(canonical) != 0; }
  std::optional<std::string> get(const std::string &canonical) const;
  std::vector<std::string> getAll(const std::string &canonical) const;

  std::vector<std::string> positionals;
  std::vector<std::string> linkerCommand;  // after `--`
  bool helpRequested = false;
  std::map<std::string, std::vector<std::string>> values;
};

llvm::Expected<ParsedArguments> parseArguments(const CommandSpec &spec,
                                               llvm::ArrayRef<std::string> arguments);
std::string formatCommandHelp(const CommandSpec &spec);

} // namespace romfit::driver
