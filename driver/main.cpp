#include <signal.h>

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <llvm/Support/InitLLVM.h>
#include <llvm/Support/Path.h>

#include "driver/command.h"
#include "support/interrupt.h"

namespace romfit::driver {

std::vector<Command> &commandRegistry() {
  static std::vector<Command> commands;
  return commands;
}

static void printOverview() {
  auto commands = commandRegistry();
  std::sort(commands.begin(), commands.end(),
            [](const Command &a, const Command &b) { return a.spec.name < b.spec.name; });
  fmt::print("usage: romfit COMMAND [OPTIONS] ...\n\n"
             "Makes iPXE option ROMs fit their size budget: inspects, packs and reports\n"
             "PCI expansion ROMs, and analyses and prunes the links that make them.\n\n"
             "commands:\n");
  size_t width = 0;
  for (const Command &command : commands)
    width = std::max(width, command.spec.name.size());
  for (const Command &command : commands)
    fmt::print("  {:<{}}  {}\n", command.spec.name, width, command.spec.summary);
  fmt::print("\n'romfit COMMAND --help' describes one command.\n"
             "exit status: 0 ok, 1 a check failed (e.g. over budget), 2 usage or input error.\n");
}

// Installed under another tool's name (a link named EfiRom, efirom, catrom
// or catrom.pl), romfit runs the command that takes that tool's arguments.
static std::vector<std::string> commandForProgramName(llvm::StringRef program) {
  llvm::StringRef name = llvm::sys::path::filename(program);
  if (name == "EfiRom")
    return {"efirom", "--edk2"};
  if (name == "efirom")
    return {"efirom", "--ipxe"};
  if (name == "catrom" || name == "catrom.pl")
    return {"catrom"};
  return {};
}

static int run(int argc, char **argv) {
  std::vector<std::string> arguments = commandForProgramName(argv[0]);
  arguments.insert(arguments.end(), argv + 1, argv + argc);
  if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h" ||
      arguments[0] == "help") {
    printOverview();
    return arguments.empty() ? kExitUsageOrInput : kExitOk;
  }
  const std::string &name = arguments[0];
  auto &commands = commandRegistry();
  auto command = std::find_if(commands.begin(), commands.end(),
                              [&](const Command &c) { return c.spec.name == name; });
  if (command == commands.end()) {
    fmt::print(stderr, "romfit: error: unknown command '{}' (see 'romfit --help')\n", name);
    return kExitUsageOrInput;
  }
  auto parsed = parseArguments(command->spec, llvm::ArrayRef(arguments).drop_front());
  if (!parsed) {
    fmt::print(stderr, "romfit {}: error: {}\n", name, llvm::toString(parsed.takeError()));
    return kExitUsageOrInput;
  }
  if (parsed->helpRequested) {
    fmt::print("{}", formatCommandHelp(command->spec));
    return kExitOk;
  }
  auto status = command->run(*parsed);
  if (int signal = support::interruptSignal()) {
    // Whatever the command made of the interrupt (a killed make's status,
    // an error) is a consequence of it, not news.
    if (!status)
      llvm::consumeError(status.takeError());
    std::fflush(stdout);
    fmt::print(stderr, "romfit {}: {}\n", name, llvm::toString(support::interruptedError()));
    return -signal;
  }
  if (!status) {
    std::fflush(stdout);
    fmt::print(stderr, "romfit {}: error: {}\n", name, llvm::toString(status.takeError()));
    return kExitUsageOrInput;
  }
  return *status;
}

} // namespace romfit::driver

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  romfit::support::installInterruptHandling();
  int status = romfit::driver::run(argc, argv);
  if (status < 0) {
    // Interrupted, every scope cleaned up: end by the signal itself, as a
    // shell and make expect of an interrupted program.
    std::fflush(nullptr);
    ::signal(-status, SIG_DFL);
    ::raise(-status);
  }
  return status;
}
