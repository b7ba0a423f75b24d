// ctest-labels: slow
// Runs the real make on a two-target Makefile (orchestration_test covers the
// same code against a fake runner), hence the label: `ctest -L unit` leaves
// it out, the full suite runs it.
#include <fstream>

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>

#include "pipeline/make_runner.h"
#include "tests/test_support.h"

namespace romfit::pipeline {
namespace {

class MakeRunnerTest : public ::testing::Test {
protected:
  void SetUp() override {
    dir = testing::makeScratchDir("make-runner");
    std::ofstream(dir + "/Makefile") << "ok:\n\t@echo built ok\n"
                                        "broken:\n\t@echo line one; echo line two; exit 3\n";
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }
  std::string dir;
};

TEST_F(MakeRunnerTest, ReturnsTheOutput) {
  auto output = runMake({dir, {"ok"}, /*quiet=*/true});
  ASSERT_TRUE(bool(output)) << llvm::toString(output.takeError());
  EXPECT_EQ(*output, "make: Entering directory '" + dir + "'\nbuilt ok\nmake: Leaving directory '" +
                         dir + "'\n");
}

TEST_F(MakeRunnerTest, FailureShowsTheCommandAndTheTailOfTheOutput) {
  auto output = runMake({dir, {"broken"}, /*quiet=*/true});
  ASSERT_FALSE(bool(output));
  std::string message = llvm::toString(output.takeError());
  EXPECT_NE(message.find("make failed (exit status 2)"), std::string::npos) << message;
  EXPECT_NE(message.find("-C " + dir + " broken"), std::string::npos) << message;
  EXPECT_NE(message.find("line two"), std::string::npos) << message;
}

} // namespace
} // namespace romfit::pipeline
