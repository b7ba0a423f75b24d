#include "driver/arguments.h"

#include <fmt/format.h>

#include "support/error.h"

namespace romfit::driver {

std::optional<std::string> ParsedArguments::get(const std::string &canonical) const {
  auto found = values.find(canonical);
  if (found == values.end() || found->second.empty())
    return std::nullopt;
  return found->second.back();
}

std::vector<std::string> ParsedArguments::getAll(const std::string &canonical) const {
  auto found = values.find(canonical);
  return found == values.end() ? std::vector<std::string>{} : found->second;
}

static const OptionSpec *findOption(const CommandSpec &spec, const std::string &name) {
  for (const OptionSpec &option : spec.options)
    for (const std::string &candidate : option.names)
      if (candidate == name)
        return &option;
  return nullptr;
}

llvm::Expected<ParsedArguments> parseArguments(const CommandSpec &spec,
                                               llvm::ArrayRef<std::string> arguments) {
  ParsedArguments parsed;
  if (spec.rawArguments) {
    if (arguments.size() == 1 && (arguments[0] == "-h" || arguments[0] == "--help"))
      parsed.helpRequested = true;
    else
      parsed.positionals.assign(arguments.begin(), arguments.end());
    return parsed;
  }
  for (size_t i = 0; i < arguments.size(); ++i) {
    const std::string &argument = arguments[i];
    if (argument == "--") {
      if (!spec.takesLinkerCommand) {
        parsed.positionals.insert(parsed.positionals.end(), arguments.begin() + i + 1,
                                  arguments.end());
      } else {
        parsed.linkerCommand.assign(arguments.begin() + i + 1, arguments.end());
      }
      break;
    }
    if (argument == "-h" || argument == "--help") {
      parsed.helpRequested = true;
      continue;
    }
    if (argument.size() < 2 || argument[0] != '-') {
      parsed.positionals.push_back(argument);
      continue;
    }
    std::string name = argument;
    std::optional<std::string> inlineValue;
    if (size_t equals = argument.find('='); argument.rfind("--", 0) == 0 && equals != std::string::npos) {
      name = argument.substr(0, equals);
      inlineValue = argument.substr(equals + 1);
    }
    const OptionSpec *option = findOption(spec, name);
    // -j2, -oOUT: a short option's value may be attached, as make's is.
    if (!option && argument[1] != '-' && argument.size() > 2) {
      const OptionSpec *shortOption = findOption(spec, argument.substr(0, 2));
      if (shortOption && !shortOption->metavar.empty()) {
        option = shortOption;
        name = argument.substr(0, 2);
        inlineValue = argument.substr(2);
      }
    }
    if (!option)
      return makeError("unknown option '{}' for 'romfit {}' (see 'romfit {} --help')", name,
                       spec.name, spec.name);
    std::vector<std::string> &slot = parsed.values[option->canonical()];
    if (!slot.empty() && !option->repeatable)
      return makeError("option '{}' given more than once", option->canonical());
    if (option->metavar.empty()) {
      if (inlineValue)
        return makeError("option '{}' takes no value", name);
      slot.push_back("");
      continue;
    }
    if (inlineValue) {
      slot.push_back(*inlineValue);
    } else if (i + 1 < arguments.size()) {
      slot.push_back(arguments[++i]);
    } else {
      return makeError("option '{}' needs a value ({})", name, option->metavar);
    }
  }
  if (parsed.helpRequested)
    return parsed;
  if (parsed.positionals.size() < spec.minPositionals)
    return makeError("'romfit {}' needs {}: {}", spec.name,
                     spec.minPositionals == 1 ? "an argument" : "more arguments", spec.usage);
  if (parsed.positionals.size() > spec.maxPositionals)
    return makeError("'romfit {}' got an unexpected argument '{}'", spec.name,
                     parsed.positionals[spec.maxPositionals]);
  if (spec.takesLinkerCommand && parsed.linkerCommand.empty())
    return makeError("'romfit {}' needs the link command after '--'", spec.name);
  return parsed;
}

std::string formatCommandHelp(const CommandSpec &spec) {
  std::string text = fmt::format("usage: romfit {} {}\n\n{}\n", spec.name, spec.usage, spec.summary);
  if (!spec.description.empty())
    text += "\n" + spec.description + "\n";
  if (!spec.options.empty()) {
    text += "\noptions:\n";
    std::vector<std::pair<std::string, std::string>> rows;
    size_t width = 0;
    for (const OptionSpec &option : spec.options) {
      std::string left;
      for (const std::string &name : option.names)
        left += (left.empty() ? "" : ", ") + name;
      if (!option.metavar.empty())
        left += " " + option.metavar;
      width = std::max(width, left.size());
      rows.emplace_back(left, option.help);
    }
    rows.emplace_back("-h, --help", "show this help");
    for (const auto &[left, help] : rows)
      text += fmt::format("  {:<{}}  {}\n", left, width, help);
  }
  return text;
}

} // namespace romfit::driver
