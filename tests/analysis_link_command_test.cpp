// Parsing ld's command line as iPXE's Makefiles write it.
#include <gtest/gtest.h>

#include "analysis/link_command.h"

namespace romfit::analysis {
namespace {

LinkCommand parsed(std::vector<std::string> arguments) {
  auto command = parseLinkCommand(arguments);
  EXPECT_TRUE(bool(command)) << (command ? "" : llvm::toString(command.takeError()));
  return command ? std::move(*command) : LinkCommand{};
}

std::string errorOf(std::vector<std::string> arguments) {
  auto command = parseLinkCommand(arguments);
  if (command)
    return "";
  return llvm::toString(command.takeError());
}

// The shape of Makefile.housekeeping's $(BIN)/%.tmp rule with
// Makefile.efi's -q -S and the -z flags ZSC_TEST adds.
const std::vector<std::string> kEfidrvLink = {
    "ld", "-m", "elf_x86_64", "-q", "-S", "--gc-sections", "-static", "-z", "separate-code",
    "-z", "max-page-size=4096", "-T", "scripts/efi.lds", "-u", "_efidrv_start", "--defsym",
    "check__efidrv_start=_efidrv_start", "-u", "obj_intel", "--defsym",
    "check_obj_intel=obj_intel", "-u", "obj_config", "--defsym", "check_obj_config=obj_config",
    "-u", "obj_config_efi", "--defsym", "check_obj_config_efi=obj_config_efi", "--defsym",
    "pci_vendor_id=0x8086", "--defsym", "pci_device_id=0x100e", "-e", "_efidrv_start",
    "bin-x86_64-efi/version.8086100e.efidrv.o", "bin-x86_64-efi/blib.a", "-o",
    "bin-x86_64-efi/8086100e.efidrv.tmp", "--defsym", "_build_id=3847281934", "--defsym",
    "_build_timestamp=1755770000", "-Map", "bin-x86_64-efi/8086100e.efidrv.tmp.map"};

TEST(LinkCommand, ParsesTheEfidrvLink) {
  LinkCommand command = parsed(kEfidrvLink);
  EXPECT_EQ(command.program, "ld");
  EXPECT_EQ(command.emulation, "elf_x86_64");
  EXPECT_TRUE(command.gcSections);
  EXPECT_TRUE(command.emitRelocations);
  EXPECT_TRUE(command.stripDebug);
  EXPECT_TRUE(command.isStatic);
  EXPECT_EQ(command.scripts, std::vector<std::string>{"scripts/efi.lds"});
  EXPECT_EQ(command.undefinedSymbols,
            (std::vector<std::string>{"_efidrv_start", "obj_intel", "obj_config", "obj_config_efi"}));
  EXPECT_EQ(command.entry, "_efidrv_start");
  EXPECT_EQ(command.inputs, (std::vector<std::string>{"bin-x86_64-efi/version.8086100e.efidrv.o",
                                                      "bin-x86_64-efi/blib.a"}));
  EXPECT_EQ(command.output, "bin-x86_64-efi/8086100e.efidrv.tmp");
  EXPECT_EQ(command.mapFile, "bin-x86_64-efi/8086100e.efidrv.tmp.map");
  ASSERT_EQ(command.symbolDefinitions.size(), 8u);
  EXPECT_EQ(command.symbolDefinitions[1].name, "check_obj_intel");
  EXPECT_EQ(command.symbolDefinitions[1].aliasOf, "obj_intel");
  EXPECT_EQ(command.symbolDefinitions[4].name, "pci_vendor_id");
  EXPECT_FALSE(command.symbolDefinitions[4].aliasOf);
  EXPECT_EQ(command.zKeywords, (std::vector<std::string>{"separate-code", "max-page-size=4096"}));
}

TEST(LinkCommand, ParsesThePcbiosLink) {
  // Makefile.pcbios adds -N --no-check-sections and --no-warn-rwx-segments;
  // x86_64's adds --section-start; i386's uses -m elf_i386.
  LinkCommand command = parsed(
      {"ld", "-m", "elf_i386", "-N", "--no-check-sections", "--no-warn-rwx-segments",
       "--gc-sections", "-static", "-z", "separate-code", "-z", "max-page-size=4096",
       "--section-start=.textdata=0xffffffffeb000000", "-T", "arch/x86/scripts/pcbios.lds",
       "-u", "_rom_start", "--defsym", "check__rom_start=_rom_start", "-e", "_rom_start",
       "bin/version.8086100e.rom.o", "bin/blib.a", "-o", "bin/8086100e.rom.tmp", "-Map",
       "bin/8086100e.rom.tmp.map"});
  EXPECT_EQ(command.emulation, "elf_i386");
  EXPECT_EQ(command.inputs.size(), 2u);
}

TEST(LinkCommand, AcceptsAttachedAndEqualsForms) {
  LinkCommand command = parsed({"-melf_x86_64", "-Tscript.lds", "-ufoo", "--undefined=bar",
                                "--entry=start", "-Map=out.map", "--defsym=a=b", "-zmax-page-size=4096",
                                "--script=other.lds", "-C", "/src", "-Ttext", "0x1000", "a.o"});
  EXPECT_EQ(command.emulation, "elf_x86_64");
  EXPECT_EQ(command.scripts, (std::vector<std::string>{"script.lds", "other.lds"}));
  EXPECT_EQ(command.undefinedSymbols, (std::vector<std::string>{"foo", "bar"}));
  EXPECT_EQ(command.entry, "start");
  EXPECT_EQ(command.mapFile, "out.map");
  EXPECT_EQ(command.symbolDefinitions.at(0).aliasOf, "b");
  EXPECT_EQ(command.directory, "/src");
  EXPECT_EQ(command.resolve("a.o"), "/src/a.o");
  EXPECT_EQ(command.resolve("/abs/a.o"), "/abs/a.o");
  EXPECT_EQ(command.inputs, std::vector<std::string>{"a.o"});
}

TEST(LinkCommand, SplitsAPastedLine) {
  LinkCommand command = parsed({"ld -m elf_x86_64 --gc-sections -u 'obj_a' a.o  b.a"});
  EXPECT_EQ(command.emulation, "elf_x86_64");
  EXPECT_EQ(command.undefinedSymbols, std::vector<std::string>{"obj_a"});
  EXPECT_EQ(command.inputs, (std::vector<std::string>{"a.o", "b.a"}));
}

TEST(LinkCommand, RejectsWhatItDoesNotUnderstand) {
  EXPECT_NE(errorOf({"ld", "--frobnicate", "a.o"}).find("--frobnicate"), std::string::npos);
  EXPECT_NE(errorOf({"ld", "-Q", "a.o"}).find("-Q"), std::string::npos);
  EXPECT_NE(errorOf({"ld", "-r", "a.o"}).find("-r"), std::string::npos);
  EXPECT_NE(errorOf({"ld", "--start-group", "a.o"}).find("--start-group"), std::string::npos);
  EXPECT_NE(errorOf({"ld", "-lc", "a.o"}).find("-lc"), std::string::npos);
  EXPECT_NE(errorOf({"ld", "-o"}).find("-o"), std::string::npos);
  EXPECT_NE(errorOf({"ld", "--defsym", "novalue", "a.o"}).find("novalue"), std::string::npos);
  EXPECT_NE(errorOf({"ld", "--gc-sections"}).find("no input"), std::string::npos);
  EXPECT_NE(errorOf({"ld", "--gc-sections=yes", "a.o"}).find("--gc-sections"), std::string::npos);
}

} // namespace
} // namespace romfit::analysis
