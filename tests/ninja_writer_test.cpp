// The ninja writer: escaping that ninja reads back as the same path or
// value, and an error for what ninja cannot represent.
#include <gtest/gtest.h>

#include "pipeline/ninja_writer.h"

namespace romfit::pipeline {
namespace {

TEST(NinjaWriter, EscapesDollarsColonsAndSpacesInPaths) {
  NinjaWriter ninja;
  ninja.build({{"out dir/a:b.rom"}, "run", {"in$put.o"}, {"romfit"}, {{"cmd", "echo $HOME"}}});
  auto text = ninja.finish();
  ASSERT_TRUE(bool(text)) << llvm::toString(text.takeError());
  EXPECT_EQ(*text, "build out$ dir/a$:b.rom: run in$$put.o | romfit\n  cmd = echo $$HOME\n");
}

TEST(NinjaWriter, ALineBreakInAPathIsAnErrorNotAnotherPath) {
  NinjaWriter ninja;
  ninja.build({{"ok.rom"}, "run", {"evil\nbuild x: phony"}, {}, {}});
  auto text = ninja.finish();
  ASSERT_FALSE(bool(text));
  EXPECT_EQ(llvm::toString(text.takeError()),
            "build.ninja cannot represent the path 'evil\\x0abuild x: phony': it holds a line "
            "break at byte 4");
}

TEST(NinjaWriter, ALineBreakInAValueIsAnError) {
  NinjaWriter ninja;
  ninja.variable("cmd", "ld -o a\rb");
  auto text = ninja.finish();
  ASSERT_FALSE(bool(text));
  EXPECT_NE(llvm::toString(text.takeError()).find("the value 'ld -o a\\x0db'"), std::string::npos);
}

TEST(NinjaWriter, RulesCommentsAndDefaults) {
  NinjaWriter ninja;
  ninja.comment("two\nlines");
  ninja.rule("run", "$cmd", "$desc", /*restat=*/true);
  ninja.blank();
  ninja.defaults({"a b.rom", "c.rom"});
  auto text = ninja.finish();
  ASSERT_TRUE(bool(text)) << llvm::toString(text.takeError());
  EXPECT_EQ(*text, "# two\n# lines\nrule run\n  command = $cmd\n  description = $desc\n"
                   "  restat = 1\n\ndefault a$ b.rom c.rom\n");
}

} // namespace
} // namespace romfit::pipeline
