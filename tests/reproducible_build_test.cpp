// ctest-labels: slow
// Runs make and gcc on the minipxe fixture (seconds per build), hence the
// label: `ctest -L unit` leaves it out, the full suite runs it.
// The same inputs give the same outputs: `romfit build` on the minipxe
// fixture into two output directories (at different depths) writes
// byte-identical ROMs, ELF files, archives, prune.json and build.ninja, and
// changes none of its inputs. The pruned archive's members carry no date;
// the one time iPXE's link takes, _build_timestamp, comes from
// SOURCE_DATE_EPOCH (0 when unset).
#include <chrono>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>

#include "pipeline/link_recipe.h"
#include "tests/bad_input_table.h"
#include "tests/build_fixture.h"

namespace romfit::testing {
namespace {

// Outputs that name where they are and what ran: ninja's own log, and ld's
// maps, which list every input by the path the link was given.
bool namesItsOwnLocation(llvm::StringRef relativePath) {
  return relativePath.endswith(".map") || relativePath.startswith(".ninja_");
}

std::map<std::string, std::string> outputsOf(const std::string &out) {
  std::map<std::string, std::string> outputs;
  for (auto &[path, contents] : snapshot(out)) {
    std::string relative = path.substr(out.size() + 1);
    if (!namesItsOwnLocation(relative))
      outputs[relative] = std::move(contents);
  }
  return outputs;
}

TEST(ReproducibleBuild, TwoOutputDirectoriesGetIdenticalFiles) {
  std::string scratch = makeScratchDir("reproducible");
  std::string tree = copyMinipxe(scratch);
  ASSERT_FALSE(tree.empty());
  std::string rules = scratch + "/downgrade.rules";
  ASSERT_FALSE(writeFileAtomically(
      rules, llvm::StringRef(readText(ROMFIT_SOURCE_DIR "/prune/efi-downgrade-ux.rules"))));
  auto sources = snapshot(tree);
  std::string rulesText = readText(rules);

  std::string first = scratch + "/out", second = scratch + "/elsewhere/deeper/out";
  for (const std::string &out : {first, second}) {
    std::vector<std::string> arguments = minipxeBuild(tree, out);
    arguments.insert(arguments.end(), {"--rules", rules});
    CommandResult build = runRomfit(arguments);
    ASSERT_EQ(build.status, 0) << build.out << build.err;
  }

  auto firstOutputs = outputsOf(first), secondOutputs = outputsOf(second);
  for (const char *expected :
       {"8086100e.unverified.rom", "8086100e/packed.rom", "8086100e.unpruned.rom", "build.ninja", "8086100e/efi-x86_64/prune.json",
        "8086100e/efi-x86_64/pruned.elf", "8086100e/efi-x86_64/unpruned.elf",
        "8086100e/efi-x86_64/stub.o", "8086100e/efi-x86_64/pruned.a",
        "8086100e/efi-x86_64/pruned.efidrv", "8086100e/efi-x86_64/layout.lds",
        "8086100e/efi-x86_64/pruned.link-order.elf"})
    EXPECT_TRUE(firstOutputs.count(expected)) << expected << " was not built";
  std::vector<std::string> firstNames, secondNames;
  for (const auto &[name, contents] : firstOutputs)
    firstNames.push_back(name);
  for (const auto &[name, contents] : secondOutputs)
    secondNames.push_back(name);
  ASSERT_EQ(firstNames, secondNames);
  for (const auto &[name, contents] : firstOutputs)
    EXPECT_TRUE(contents == secondOutputs[name]) << name << " differs between the two builds";
  EXPECT_EQ(firstOutputs["build.ninja"].find(first), std::string::npos)
      << "build.ninja names its own directory";
  std::string archive = firstOutputs["8086100e/efi-x86_64/pruned.a"];
  std::vector<ArMember> members = arMembers(Bytes(archive.begin(), archive.end()));
  EXPECT_GT(members.size(), 10u);
  for (const ArMember &member : members)
    EXPECT_EQ(member.modified, 0u) << member.name << " carries a date";

  // Inputs: every file of the tree as it was before make added its own
  // outputs, and the rule set.
  auto afterwards = snapshot(tree);
  for (const auto &[path, contents] : sources) {
    ASSERT_TRUE(afterwards.count(path)) << path << " was removed";
    EXPECT_TRUE(afterwards[path] == contents) << path << " was modified";
  }
  EXPECT_EQ(readText(rules), rulesText);
  llvm::sys::fs::remove_directories(scratch);
}

// Debian's reproducible-builds check, on two checkouts of one tree: the
// second build runs later, elsewhere, under another umask, locale and time
// zone. With SOURCE_DATE_EPOCH set, every output is the same bytes
// (build.ninja once the two trees' and OUTDIRs' paths are named alike),
// except pruned.a: its members are the tree's objects as compiled, and their
// debug information names the directory they were compiled in. Without it,
// too: iPXE's make stamps each link with the clock (_build_timestamp), but
// romfit's relinks take SOURCE_DATE_EPOCH or 0, and iPXE's legacy image does
// not use the stamp (only its EFI driver binding version does).
struct ReproducibleRun {
  std::string tree, out, epoch, umask, locale, zone;
};

CommandResult buildUnder(const ReproducibleRun &run) {
  std::vector<std::string> command{"-i", "PATH=" + std::string(std::getenv("PATH")),
                                   "HOME=" + std::string(std::getenv("HOME")),
                                   "LC_ALL=" + run.locale, "TZ=" + run.zone};
  if (!run.epoch.empty())
    command.push_back("SOURCE_DATE_EPOCH=" + run.epoch);
  if (const char *cache = std::getenv("XDG_CACHE_HOME"))
    command.push_back("XDG_CACHE_HOME=" + std::string(cache));
  command.insert(command.end(), {"sh", "-c", "umask " + run.umask + " && exec \"$@\"", "sh",
                                 ROMFIT_BINARY});
  for (const std::string &argument : minipxeBuild(run.tree, run.out))
    command.push_back(argument);
  return runProgram("env", command);
}

std::string reportJson(const std::string &out) {
  CommandResult report = runProgram(
      "env", {"-C", out, ROMFIT_BINARY, "report", "--format", "json", "8086100e.unverified.rom"});
  EXPECT_EQ(report.status, 0) << report.err;
  return report.out;
}

std::string withPlaceholders(std::string text, const ReproducibleRun &run) {
  for (const auto &[path, placeholder] :
       {std::pair{run.out, std::string("OUTDIR")}, std::pair{run.tree, std::string("TREE")}}) {
    for (size_t at; (at = text.find(path)) != std::string::npos;)
      text.replace(at, path.size(), placeholder);
  }
  return text;
}

TEST(ReproducibleBuild, AsDebianRebuildsIt) {
  std::string scratch = makeScratchDir("reproducible-debian");
  ASSERT_FALSE(llvm::sys::fs::create_directories(scratch + "/second/checkout"));
  ReproducibleRun first{copyMinipxe(scratch), scratch + "/out", "1700000000", "022",
                        "C.UTF-8", "UTC"};
  ReproducibleRun second{copyMinipxe(scratch + "/second/checkout"),
                         scratch + "/second/elsewhere/out", "1700000000", "077", "POSIX",
                         "Pacific/Kiritimati"};
  ASSERT_FALSE(first.tree.empty() || second.tree.empty());
  for (const ReproducibleRun *run : {&first, &second}) {
    CommandResult build = buildUnder(*run);
    ASSERT_EQ(build.status, 0) << build.out << build.err;
  }
  for (const char *file :
       {"8086100e.unverified.rom", "8086100e.unpruned.rom", "8086100e/packed.rom",
        "8086100e/efi-x86_64/prune.json", "8086100e/efi-x86_64/pruned.efidrv",
        "8086100e/efi-x86_64/pruned.elf", "8086100e/legacy/linked.elf"})
    EXPECT_TRUE(readText(first.out + "/" + file) == readText(second.out + "/" + file))
        << file << " differs between the two builds";
  EXPECT_EQ(withPlaceholders(readText(first.out + "/build.ninja"), first),
            withPlaceholders(readText(second.out + "/build.ninja"), second));
  std::string report = reportJson(first.out);
  EXPECT_NE(report.find("\"legacy\""), std::string::npos) << report;
  EXPECT_EQ(report, reportJson(second.out));

  // Without SOURCE_DATE_EPOCH, each legacy image linked again at its own
  // second and make's EFI links stamped with the clock: still the same.
  ReproducibleRun later = second;
  later.epoch.clear();
  later.out = scratch + "/second/later/out";
  first.epoch.clear();
  first.out = scratch + "/later/out";
  for (ReproducibleRun *run : {&first, &later}) {
    llvm::sys::fs::remove(run->tree + "/bin/8086100e.rom");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CommandResult build = buildUnder(*run);
    ASSERT_EQ(build.status, 0) << build.out << build.err;
  }
  for (const char *file : {"8086100e.unverified.rom", "8086100e.unpruned.rom",
                           "8086100e/efi-x86_64/pruned.efidrv", "8086100e/efi-x86_64/prune.json"})
    EXPECT_TRUE(readText(first.out + "/" + file) == readText(later.out + "/" + file))
        << file << " differs without SOURCE_DATE_EPOCH";
  llvm::sys::fs::remove_directories(scratch);
}

// Restores SOURCE_DATE_EPOCH as the test found it.
class SourceDateEpoch {
public:
  SourceDateEpoch() {
    if (const char *value = std::getenv("SOURCE_DATE_EPOCH"))
      saved_ = value;
  }
  ~SourceDateEpoch() {
    if (saved_)
      ::setenv("SOURCE_DATE_EPOCH", saved_->c_str(), 1);
    else
      ::unsetenv("SOURCE_DATE_EPOCH");
  }

private:
  std::optional<std::string> saved_;
};

std::string timestampIn(const support::Argv &link) {
  for (const std::string &word : link)
    if (llvm::StringRef(word).startswith("_build_timestamp="))
      return word;
  return "";
}

TEST(ReproducibleBuild, BuildTimestampComesFromSourceDateEpoch) {
  SourceDateEpoch restore;
  // iPXE's link as make prints it: a wall-clock timestamp and a random ID.
  support::Argv link{"ld", "-m", "elf_x86_64", "bin-x86_64-efi/blib.a", "-o",
                   "bin-x86_64-efi/8086100e.efidrv.tmp", "--defsym", "_build_id=556958838",
                   "--defsym", "_build_timestamp=1795258692"};
  ::unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_EQ(timestampIn(pipeline::withStableBuildSymbols(link, "bin-x86_64-efi/8086100e.efidrv")),
            "_build_timestamp=0");
  ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  EXPECT_EQ(timestampIn(pipeline::withStableBuildSymbols(link, "bin-x86_64-efi/8086100e.efidrv")),
            "_build_timestamp=1700000000");
}

} // namespace
} // namespace romfit::testing
