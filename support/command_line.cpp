#include "support/command_line.h"

namespace romfit::support {

std::string joinCommand(const Argv &argv) {
  std::string text;
  for (const std::string &word : argv) {
    if (!text.empty())
      text += ' ';
    bool plain = !word.empty() && word.find_first_of(" \t\"'\\$`()<>|&;*?[]#~") == std::string::npos;
    if (plain) {
      text += word;
    } else {
      text += '\'';
      for (char c : word)
        text += c == '\'' ? std::string("'\\''") : std::string(1, c);
      text += '\'';
    }
  }
  return text;
}

} // namespace romfit::support
