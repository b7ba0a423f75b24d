// ld's command line as romfit reads it after `--`: the input holds one
// argument a line, as the fixture's link.args does; a single line with
// spaces takes the pasted `make V=1` path that splits it at white space.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/emulation.h"
#include "analysis/link_command.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<std::string> arguments;
  std::string text(reinterpret_cast<const char *>(data), size);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    arguments.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  auto command = romfit::analysis::parseLinkCommand(arguments);
  if (!command) {
    llvm::consumeError(command.takeError());
    return 0;
  }
  // What the analysis does next with a parsed command, short of reading files.
  if (!command->emulation.empty())
    if (auto emulation = romfit::analysis::findEmulation(command->emulation); !emulation)
      llvm::consumeError(emulation.takeError());
  for (const std::string &path : command->inputs)
    (void)command->resolve(path);
  for (const std::string &path : command->scripts)
    (void)command->resolve(path);
  return 0;
}
