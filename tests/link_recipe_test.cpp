#include <gtest/gtest.h>

#include "pipeline/link_recipe.h"

namespace romfit::pipeline {

using support::Argv;
using support::joinCommand;
namespace {

// The shape `make -n V=1 -W bin-x86_64-efi/blib.a TARGET PROBE` prints for
// an iPXE efidrv in a tree that is up to date (abridged; the words and
// quoting are as iPXE's Makefile writes them).
const char *kDryRun = R"(#echo "  [LD] bin-x86_64-efi/8086100e.efidrv.tmp"
ld -m elf_x86_64 -q -S   --gc-sections -static -T scripts/efi.lds  -u _efidrv_start -e _efidrv_start bin-x86_64-efi/version.8086100e.efidrv.o bin-x86_64-efi/blib.a -o bin-x86_64-efi/8086100e.efidrv.tmp \
	--defsym _build_id=556958838 \
	--defsym _build_timestamp=1795258692 \
	-Map bin-x86_64-efi/8086100e.efidrv.tmp.map
objdump -ht bin-x86_64-efi/8086100e.efidrv.tmp | perl ./util/sortobjdump.pl >> bin-x86_64-efi/8086100e.efidrv.tmp.map
#echo "  [FINISH] bin-x86_64-efi/8086100e.efidrv"
./util/elf2efi64 --subsystem=11 bin-x86_64-efi/8086100e.efidrv.tmp bin-x86_64-efi/8086100e.efidrv
#echo "  [VERSION] bin-x86_64-efi/version.romfit-probe.o"
gcc -DARCH=x86_64 -Iinclude -Os -DBUILD_NAME="\"romfit-probe\"" \
	-DVERSION_MAJOR=2 \
	-DVERSION="\"2.0.0+ (g0ab22)\"" \
	-c core/version.c -o bin-x86_64-efi/version.romfit-probe.o
objcopy --prefix-symbols= bin-x86_64-efi/version.romfit-probe.o
)";

// What the same dry run adds when the bin directory has work: a stale
// object, the archive, and the target's own version object.
const char *kStaleWork = R"(#echo "  [BUILD] bin-x86_64-efi/intel.o"
gcc -DARCH=x86_64 -Iinclude -Os -c drivers/net/intel.c -o bin-x86_64-efi/intel.o
#echo "  [AR] bin-x86_64-efi/blib.a"
ar rcD bin-x86_64-efi/blib.a bin-x86_64-efi/intel.o
#echo "  [VERSION] bin-x86_64-efi/version.8086100e.efidrv.o"
gcc -DARCH=x86_64 -Iinclude -Os -c core/version.c -o bin-x86_64-efi/version.8086100e.efidrv.o
objcopy --prefix-symbols= bin-x86_64-efi/version.8086100e.efidrv.o
)";

TEST(DryRun, JoinsContinuationsAndUnquotesLikeTheShell) {
  auto commands = parseDryRunCommands(kDryRun);
  ASSERT_EQ(commands.size(), 5u);
  const Argv &compile = commands[3];
  EXPECT_EQ(compile.front(), "gcc");
  EXPECT_NE(std::find(compile.begin(), compile.end(), "-DVERSION=\"2.0.0+ (g0ab22)\""),
            compile.end());
  EXPECT_EQ(compile.back(), "bin-x86_64-efi/version.romfit-probe.o");
}

TEST(LinkRecipe, FindsCompileLinkAndConvert) {
  auto recipe = findLinkRecipe(kDryRun, "bin-x86_64-efi/8086100e.efidrv");
  ASSERT_TRUE(bool(recipe)) << llvm::toString(recipe.takeError());
  EXPECT_EQ(recipe->link.front(), "ld");
  EXPECT_EQ(recipe->link.back(), "bin-x86_64-efi/8086100e.efidrv.tmp.map");
  EXPECT_NE(std::find(recipe->link.begin(), recipe->link.end(), "--gc-sections"),
            recipe->link.end());
  EXPECT_EQ(recipe->convert,
            (Argv{"./util/elf2efi64", "--subsystem=11", "bin-x86_64-efi/8086100e.efidrv.tmp",
                  "bin-x86_64-efi/8086100e.efidrv"}));
  EXPECT_EQ(recipe->versionCompile.back(), "bin-x86_64-efi/version.romfit-probe.o");
}

TEST(LinkRecipe, AnUpToDateDirectoryPrintsOnlyTheLinksAndTheProbe) {
  EXPECT_EQ(unexplainedCommands(kDryRun, {"bin-x86_64-efi/8086100e.efidrv"}),
            std::vector<std::string>{});
  // make's own directory lines are not work either.
  std::string entering = std::string("make[1]: Entering directory '/src'\n") + kDryRun +
                         "make[1]: Leaving directory '/src'\n";
  EXPECT_EQ(unexplainedCommands(entering, {"bin-x86_64-efi/8086100e.efidrv"}),
            std::vector<std::string>{});
}

TEST(LinkRecipe, StaleObjectsArchiveAndVersionObjectAreWork) {
  std::string output = std::string(kStaleWork) + kDryRun;
  std::vector<std::string> work = unexplainedCommands(output, {"bin-x86_64-efi/8086100e.efidrv"});
  ASSERT_EQ(work.size(), 4u);
  EXPECT_NE(work[0].find("-c drivers/net/intel.c"), std::string::npos) << work[0];
  EXPECT_EQ(work[1].rfind("ar rcD", 0), 0u) << work[1];
  EXPECT_NE(work[2].find("-o bin-x86_64-efi/version.8086100e.efidrv.o"), std::string::npos);
  EXPECT_EQ(work[3], "objcopy --prefix-symbols= bin-x86_64-efi/version.8086100e.efidrv.o");
  // The link of a target nobody asked about is work too.
  EXPECT_EQ(unexplainedCommands(kDryRun, {"bin-x86_64-efi/10222000.efidrv"}).size(), 3u);
}

TEST(LinkRecipe, ErrorNamesTheMissingProbeCompile) {
  std::string output(kDryRun);
  output = output.substr(0, output.find("#echo \"  [VERSION]"));
  auto recipe = findLinkRecipe(output, "bin-x86_64-efi/8086100e.efidrv");
  ASSERT_FALSE(bool(recipe));
  EXPECT_NE(llvm::toString(recipe.takeError()).find("bin-x86_64-efi/version.romfit-probe.o"),
            std::string::npos);
}

TEST(LinkRecipe, ErrorNamesTheMissingLink) {
  auto recipe = findLinkRecipe(kDryRun, "bin-x86_64-efi/10222000.efidrv");
  ASSERT_FALSE(bool(recipe));
  EXPECT_NE(llvm::toString(recipe.takeError()).find("10222000.efidrv.tmp"), std::string::npos);
}

TEST(LinkRecipe, BuildSymbolsBecomeStable) {
  auto recipe = findLinkRecipe(kDryRun, "bin-x86_64-efi/8086100e.efidrv");
  ASSERT_TRUE(bool(recipe));
  Argv first = withStableBuildSymbols(recipe->link, recipe->target);
  Argv second = withStableBuildSymbols(recipe->link, recipe->target);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first.size(), recipe->link.size());
  std::string joined = joinCommand(first);
  EXPECT_EQ(joined.find("556958838"), std::string::npos);
  EXPECT_EQ(joined.find("1795258692"), std::string::npos);
  EXPECT_NE(joined.find("_build_timestamp="), std::string::npos);
  Argv other = withStableBuildSymbols(recipe->link, "bin-x86_64-efi/10222000.efidrv");
  EXPECT_NE(joinCommand(other), joined) << "build IDs must differ between targets";
}

TEST(JoinCommand, QuotesWhatTheShellWouldSplit) {
  EXPECT_EQ(joinCommand({"gcc", "-DV=\"a b\"", "x.c"}), "gcc '-DV=\"a b\"' x.c");
  EXPECT_EQ(joinCommand({"echo", "it's"}), "echo 'it'\\''s'");
}

} // namespace
} // namespace romfit::pipeline
