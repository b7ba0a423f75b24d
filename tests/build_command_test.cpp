// ctest-labels: slow
// Runs make and gcc on the minipxe fixture (seconds per build), hence the
// label: `ctest -L unit` leaves it out, the full suite runs it.
// romfit build end to end on the minipxe fixture: make, make's dry run,
// build.ninja, prune, stub, relink, elf2efi, pack, the budget check.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/JSON.h>

#include "support/file_io.h"
#include "tests/build_fixture.h"

namespace romfit {
namespace {

using testing::runRomfit;

class BuildCommandTest : public ::testing::Test {
protected:
  void SetUp() override {
    scratch = testing::makeScratchDir("build");
    tree = testing::copyMinipxe(scratch);
    ASSERT_FALSE(tree.empty());
    out = scratch + "/out";
  }
  void TearDown() override { llvm::sys::fs::remove_directories(scratch); }
  uint64_t size(const std::string &path) {
    uint64_t bytes = 0;
    llvm::sys::fs::file_size(path, bytes);
    return bytes;
  }
  std::string scratch, tree, out;
};

TEST_F(BuildCommandTest, PrunesTheFixtureAndANoOpRebuildRunsNothing) {
  auto first = runRomfit(testing::minipxeBuild(tree, out));
  ASSERT_EQ(first.status, 0) << first.out << first.err;
  // --no-verify: the ROM says in its name that nothing proved it.
  std::string pruned = out + "/8086100e.unverified.rom", unpruned = out + "/8086100e.unpruned.rom";
  ASSERT_TRUE(testing::fileExists(pruned) && testing::fileExists(unpruned));
  EXPECT_FALSE(testing::fileExists(out + "/8086100e.rom"));
  EXPECT_NE(first.out.find("not verified (--no-verify): no ROM was booted; each is "
                           "ID.unverified.rom"),
            std::string::npos)
      << first.out;
  EXPECT_LT(size(pruned), size(unpruned));
  // The boot stack is most of the image: the fixture's driver (a real e1000
  // driver behind SNP) is 11,776 of its 47,104 bytes once pruned.
  EXPECT_LT(size(out + "/8086100e/efi-x86_64/pruned.efidrv"),
            size(out + "/8086100e/efi-x86_64/unpruned.efidrv") / 3);

  // ld's own map of the relink is the oracle for what prune chose.
  std::string dir = out + "/8086100e/efi-x86_64";
  std::set<std::string> chosen = testing::membersInPruneJson(dir + "/prune.json");
  std::set<std::string> linked = testing::membersInMap(dir + "/pruned.map");
  EXPECT_EQ(chosen, linked);
  EXPECT_TRUE(linked.count("efi_snp.o")) << "the SNP driver is reached only through config";
  for (const char *bootStack : {"autoboot.o", "shell.o", "script.o", "dhcp.o", "sha256.o"})
    EXPECT_FALSE(linked.count(bootStack)) << bootStack;
  EXPECT_TRUE(testing::membersInMap(dir + "/unpruned.map").count("autoboot.o"));
  size_t removed = testing::membersInMap(dir + "/unpruned.map").size() - linked.size();
  EXPECT_NE(first.out.find(fmt::format("efi:x86_64 rules removed {} members", removed)),
            std::string::npos)
      << first.out;

  auto second = runRomfit(testing::minipxeBuild(tree, out));
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.out.find("ninja: no work to do."), std::string::npos) << second.out;

  // A touched EFI object re-runs the EFI chain, nothing is rebuilt twice.
  ASSERT_EQ(testing::runProgram("touch", {tree + "/interface/efi/efi_snp.c"}).status, 0);
  auto third = runRomfit(testing::minipxeBuild(tree, out));
  ASSERT_EQ(third.status, 0) << third.err;
  EXPECT_NE(third.out.find("PRUNE bin-x86_64-efi/8086100e.efidrv"), std::string::npos) << third.out;
}

TEST_F(BuildCommandTest, OverBudgetExitsOneNamingTheExcess) {
  auto arguments = testing::minipxeBuild(tree, out);
  arguments.insert(arguments.end(), {"--budget", "1024"});
  auto result = runRomfit(arguments);
  EXPECT_EQ(result.status, 1) << result.out << result.err;
  // romfit check's message: the excess and what takes the room.
  EXPECT_NE(result.err.find("8086100e/packed.rom: over budget by "), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(" of 1,024 B ("), std::string::npos) << result.err;
  // Largest first, across images: the legacy PXE stack's network boot, then
  // the EFI driver's SNP, then the legacy image's noise table.
  EXPECT_NE(result.err.find("largest: legacy/legacy16_netboot.o ("), std::string::npos)
      << result.err;
  size_t snp = result.err.find(", efi:x86_64/efi_snp.o (");
  EXPECT_NE(snp, std::string::npos) << result.err;
  EXPECT_NE(result.err.find(", legacy/legacy_tables.o (", snp), std::string::npos) << result.err;
}

TEST_F(BuildCommandTest, BadInputIsNamedAndExitsTwo) {
  struct Case {
    std::vector<std::string> arguments;
    std::string expected;
  };
  std::string rules = scratch + "/bad.rules";
  std::ofstream(rules) << "cut efi_snp_load_file->no_such_symbol stub no_such_symbol\n"
                          "  why: a test\n";
  std::string unstubbed = scratch + "/unstubbed.rules";
  std::ofstream(unstubbed) << "cut efi_snp_load_file->ipxe\n  why: a test\n";
  std::vector<Case> cases = {
      {{"build", "--ipxe", scratch + "/nowhere", "--rom", "8086100e", "-o", out},
       "nowhere: no such directory"},
      {{"build", "--ipxe", scratch, "--rom", "8086100e", "-o", out}, "not an iPXE source tree"},
      {{"build", "--ipxe", tree, "--rom", "8086", "-o", out}, "'8086' is not a ROM ID"},
      {{"build", "--ipxe", tree, "--rom", "8086100e", "--image", "efi:arm64", "-o", out},
       "needs a cross compiler"},
      {{"build", "--ipxe", tree, "--rom", "8086100e", "--image", "efi:x86_64", "--cross",
        "nosuch-", "-o", out},
       "'nosuch-gcc' not found"},
      {{"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e", "--image", "efi:x86_64",
        "--rules", rules, "-o", out},
       "no_such_symbol"},
      {{"build", "--ipxe", tree, "--rom", "8086100e", "--image", "efi:mips", "-o", out},
       "unknown image 'efi:mips'"},
      {{"build", "--ipxe", tree, "--config", "qemu", "--rom", "8086100e", "--image", "efi:x86_64",
        "--rules", unstubbed, "-o", out},
       "cut 'efi_snp_load_file->ipxe' leaves 'ipxe' undefined in the relink"},
  };
  for (const Case &test : cases) {
    auto result = runRomfit(test.arguments);
    EXPECT_EQ(result.status, 2) << test.expected << "\n" << result.out << result.err;
    EXPECT_NE(result.err.find(test.expected), std::string::npos) << result.err;
  }
}

TEST_F(BuildCommandTest, FailingMakeShowsTheCommandAndItsOutput) {
  std::ofstream(tree + "/core/string.c", std::ios::app) << "\nthis is not C;\n";
  auto result = runRomfit(testing::minipxeBuild(tree, out));
  EXPECT_EQ(result.status, 2) << result.out;
  EXPECT_NE(result.err.find("make failed"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("string.c"), std::string::npos) << result.err;
  EXPECT_FALSE(testing::fileExists(out + "/8086100e.rom"));
  EXPECT_FALSE(testing::fileExists(out + "/8086100e.unverified.rom"));
}

} // namespace
} // namespace romfit

namespace romfit {
namespace {

bool keepsMember(const std::string &pruneJson, llvm::StringRef member) {
  auto parsed = llvm::json::parse(pruneJson);
  if (!parsed) {
    ADD_FAILURE() << llvm::toString(parsed.takeError());
    return false;
  }
  const llvm::json::Array *members = parsed->getAsObject()->getArray("members");
  return members && llvm::any_of(*members, [&](const llvm::json::Value &value) {
           return value.getAsString() && *value.getAsString() == member;
         });
}

// The fixture mirrors iPXE: CONFIG=qemu sets EFI_DOWNGRADE_UX, and only then
// does efi_snp.o install LoadFile under a dummy GUID instead of referencing
// the real efi_load_file_protocol_guid.
TEST(RuleSetPreconditions, AutoKeepsTheBootStackOfADriverWithoutTheDowngrade) {
  std::string scratch = testing::makeScratchDir("build-preconditions");
  std::string tree = testing::copyMinipxe(scratch);
  auto build = testing::runRomfit({"build", "--ipxe", tree, "--rom", "8086100e", "--image",
                                   "efi:x86_64", "--no-verify", "-o", scratch + "/default"});
  ASSERT_EQ(build.status, 0) << build.out << build.err;
  auto json = readFileBytes(scratch + "/default/8086100e/efi-x86_64/prune.json");
  ASSERT_TRUE(bool(json)) << llvm::toString(json.takeError());
  std::string prune(json->begin(), json->end());
  EXPECT_NE(prune.find("efi-full-ux.rules"), std::string::npos) << prune;
  EXPECT_NE(prune.find("efi_snp.o has 1 relocation against it"), std::string::npos) << prune;
  // The LoadFile path into ipxe() is not cut: the boot stack stays.
  EXPECT_TRUE(keepsMember(prune, "ipxe.o")) << prune;

  // The same tree with CONFIG=qemu gets the downgrade set, its preconditions held.
  std::string qemuScratch = testing::makeScratchDir("build-preconditions-qemu");
  std::string qemuTree = testing::copyMinipxe(qemuScratch);
  auto qemu = testing::runRomfit(testing::minipxeBuild(qemuTree, scratch + "/qemu"));
  ASSERT_EQ(qemu.status, 0) << qemu.out << qemu.err;
  json = readFileBytes(scratch + "/qemu/8086100e/efi-x86_64/prune.json");
  ASSERT_TRUE(bool(json)) << llvm::toString(json.takeError());
  prune.assign(json->begin(), json->end());
  size_t chosen = prune.find("\"rules\": \"");
  ASSERT_NE(chosen, std::string::npos) << prune;
  EXPECT_TRUE(llvm::StringRef(prune.substr(chosen, prune.find(',', chosen) - chosen))
                  .rtrim(" \n\"")
                  .endswith("/efi-downgrade-ux.rules"))
      << prune;
  // The stronger efi-snp-only set was read in iPXE's code, which the fixture
  // only partly mirrors: it is passed over, naming what the link lacks.
  EXPECT_NE(prune.find("efi-snp-only.rules:9: precondition 'defined "), std::string::npos) << prune;
  EXPECT_NE(prune.find("does not hold: no object in the link defines neighbour_net_driver"),
            std::string::npos)
      << prune;
  // Only its definer refers to the real GUID.
  EXPECT_NE(prune.find("no relocation against it outside efi_init.o"), std::string::npos)
      << prune;
  EXPECT_FALSE(keepsMember(prune, "ipxe.o")) << prune;

  // Asking for the downgrade set on the default tree outright is refused,
  // naming the rule, the precondition and the evidence.
  auto explicitRules = testing::runRomfit(
      {"build", "--ipxe", tree, "--rom", "8086100e", "--image", "efi:x86_64", "--no-verify",
       "--rules", ROMFIT_SOURCE_DIR "/prune/efi-downgrade-ux.rules", "-o", scratch + "/explicit"});
  EXPECT_EQ(explicitRules.status, 2) << explicitRules.out << explicitRules.err;
  EXPECT_NE(explicitRules.err.find("efi-downgrade-ux.rules:6: precondition 'unreferenced "
                                   "efi_load_file_protocol_guid' does not hold: "
                                   "efi_snp.o has 1 relocation against it"),
            std::string::npos)
      << explicitRules.err;
  EXPECT_FALSE(testing::fileExists(scratch + "/explicit/8086100e.rom"));
  EXPECT_FALSE(testing::fileExists(scratch + "/explicit/8086100e.unverified.rom"));
  llvm::sys::fs::remove_directories(scratch);
  llvm::sys::fs::remove_directories(qemuScratch);
}

} // namespace
} // namespace romfit
