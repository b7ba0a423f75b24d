#include <gtest/gtest.h>

#include "driver/arguments.h"

namespace romfit::driver {
namespace {

CommandSpec spec() {
  return CommandSpec{"demo", "a demo", "[-j N] -o OUT FILE", "",
                     {{{"-j"}, "N", "jobs"},
                      {{"-o", "--output"}, "OUT", "output"},
                      {{"--rom"}, "ID", "a ROM", true},
                      {{"--verify"}, "", "a flag"}},
                     1, 1};
}

ParsedArguments parse(std::vector<std::string> arguments) {
  auto parsed = parseArguments(spec(), arguments);
  EXPECT_TRUE(bool(parsed)) << llvm::toString(parsed.takeError());
  return parsed ? *parsed : ParsedArguments{};
}

std::string error(std::vector<std::string> arguments) {
  auto parsed = parseArguments(spec(), arguments);
  return parsed ? "" : llvm::toString(parsed.takeError());
}

TEST(Arguments, ValuesSeparateInlineAndAttached) {
  auto parsed = parse({"-j", "2", "--output=out.rom", "in.rom"});
  EXPECT_EQ(parsed.get("-j"), "2");
  EXPECT_EQ(parsed.get("--output"), "out.rom");
  EXPECT_EQ(parsed.positionals, std::vector<std::string>{"in.rom"});
  auto attached = parse({"-j4", "-oout.rom", "in.rom"});
  EXPECT_EQ(attached.get("-j"), "4");
  EXPECT_EQ(attached.get("--output"), "out.rom");
}

TEST(Arguments, RepeatableOptionsCollectAndFlagsTakeNoValue) {
  auto parsed = parse({"--rom", "a", "--rom", "b", "--verify", "x"});
  EXPECT_EQ(parsed.getAll("--rom"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(parsed.has("--verify"));
  EXPECT_EQ(error({"--verify=yes", "x"}), "option '--verify' takes no value");
}

TEST(Arguments, MistakesAreNamed) {
  EXPECT_EQ(error({"--frob", "x"}), "unknown option '--frob' for 'romfit demo' (see 'romfit demo --help')");
  EXPECT_EQ(error({"-x2", "x"}), "unknown option '-x2' for 'romfit demo' (see 'romfit demo --help')");
  EXPECT_EQ(error({"-o", "a", "-o", "b", "x"}), "option '--output' given more than once");
  EXPECT_EQ(error({"x", "-o"}), "option '-o' needs a value (OUT)");
  EXPECT_EQ(error({}), "'romfit demo' needs an argument: [-j N] -o OUT FILE");
  EXPECT_EQ(error({"x", "y"}), "'romfit demo' got an unexpected argument 'y'");
}

TEST(Arguments, HelpListsEveryOption) {
  std::string help = formatCommandHelp(spec());
  for (const char *text : {"usage: romfit demo [-j N] -o OUT FILE", "-o, --output OUT", "--verify",
                           "-h, --help"})
    EXPECT_NE(help.find(text), std::string::npos) << text << "\n" << help;
}

} // namespace
} // namespace romfit::driver
