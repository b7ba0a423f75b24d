// Reading KEEP and /DISCARD/ rules out of ld scripts shaped like iPXE's.
#include <gtest/gtest.h>

#include "analysis/linker_script.h"
#include "tests/test_support.h"

namespace romfit::analysis {
namespace {

LinkerScript parsed(llvm::StringRef text) {
  auto script = LinkerScript::parse(text, "test.lds");
  EXPECT_TRUE(bool(script)) << (script ? "" : llvm::toString(script.takeError()));
  return script ? std::move(*script) : LinkerScript{};
}

// The constructs of iPXE's efi.lds and pcbios.lds, written afresh.
const char *kScript = R"(/* -*- ld-script -*- */
PROVIDE ( _max_align = 16 );
SECTIONS {
    _page_size = 4096;
    _page_size_1 = ( _page_size - 1 );
    .prefix 0x0 : AT ( _prefix_lma ) {
        _prefix = .;
        *(.prefix)
        *(SORT(.pci_devlist.*))
        _mprefix = .;
    } .bss.prefix (NOLOAD) : AT ( _bss_prefix_lma ) {
        _eprefix = .;
    }
    _prefix_filesz = ABSOLUTE ( _mprefix ) - ABSOLUTE ( _prefix );
    .textdata 0x0 : AT ( _textdata_lma ) {
        KEEP(*(.text.null_trap))
        . += 1;
        *(.text)
        *(.text.*)
        *(.data .data.*)
        KEEP(*(SORT(.tbl.*)))
        KEEP(*(.provided))
        _mtextdata = .;
    }
    .bss.textdata (NOLOAD) : {
        *(.bss)
        *(.bss.*)
        *(COMMON)
        _textdata_ptes =
            ABSOLUTE ( ( _textdata_paged_len + _page_size_1 ) / _page_size );
        . += ( _use_page_tables ? ( _textdata_pdes * _page_size ) : 0 );
    }
    .weak 0x0 : {
        _weak = .;
        *(.weak)
        _eweak = .;
    }
    _assert = ASSERT ( ( _weak == _eweak ), ".weak is non-zero length" );
    /DISCARD/ : {
        *(.comment)
        *(.note.*)
        *(.eh_frame)
        *(.pci_devlist.*)
    }
    .             = ALIGN ( _max_align );
    _prefix_lma   = .;
}
)";

TEST(LinkerScript, PlacesSectionsByTheFirstMatchingRule) {
  LinkerScript script = parsed(kScript);
  EXPECT_EQ(script.place("a.o", ".tbl.init_fns.01"), Placement::Kept);
  EXPECT_EQ(script.place("a.o", ".tbl.requiring_symbols"), Placement::Kept);
  EXPECT_EQ(script.place("a.o", ".provided"), Placement::Kept);
  EXPECT_EQ(script.place("a.o", ".text.null_trap"), Placement::Kept);
  EXPECT_EQ(script.place("a.o", ".text.intel_probe"), Placement::Placed);
  EXPECT_EQ(script.place("a.o", ".data.rel.local"), Placement::Placed);
  EXPECT_EQ(script.place("a.o", ".comment"), Placement::Discarded);
  EXPECT_EQ(script.place("a.o", ".note.GNU-stack"), Placement::Discarded);
  EXPECT_EQ(script.place("a.o", ".eh_frame"), Placement::Discarded);
  // .prefix's rule comes before /DISCARD/'s, so ld places these.
  EXPECT_EQ(script.place("a.o", ".pci_devlist.8086100e"), Placement::Placed);
  EXPECT_EQ(script.place("a.o", ".sbat"), Placement::Orphan);
}

TEST(LinkerScript, RecordsAssignedAndProvidedSymbols) {
  LinkerScript script = parsed(kScript);
  EXPECT_TRUE(script.assignedSymbols().count("_page_size"));
  EXPECT_TRUE(script.assignedSymbols().count("_prefix_lma"));
  EXPECT_TRUE(script.assignedSymbols().count("_textdata_ptes"));
  EXPECT_TRUE(script.assignedSymbols().count("_assert"));
  EXPECT_FALSE(script.assignedSymbols().count("."));
  EXPECT_TRUE(script.providedSymbols().count("_max_align"));
}

TEST(LinkerScript, ReadsEntryAndExtern) {
  LinkerScript script = parsed("ENTRY(_start) EXTERN(a b) OUTPUT_ARCH(i386:x86-64)\n"
                               "SECTIONS { .text : { *(.text*) } }");
  EXPECT_EQ(script.entry(), "_start");
  EXPECT_EQ(script.externSymbols(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(script.place("x.o", ".text.foo"), Placement::Placed);
}

TEST(LinkerScript, ParsesTheFixtureScript) {
  std::string text =
      romfit::testing::readText(std::string(ROMFIT_SOURCE_DIR) + "/tests/fixtures/linkgraph/fixture.lds");
  LinkerScript script = parsed(text);
  EXPECT_EQ(script.place("a.o", ".tbl.net_drivers.01"), Placement::Kept);
  EXPECT_EQ(script.place("a.o", ".eh_frame"), Placement::Discarded);
}

TEST(LinkerScript, ErrorsNameFileAndLine) {
  auto script = LinkerScript::parse("SECTIONS {\n  .text : {\n    *(.text)\n", "broken.lds");
  ASSERT_FALSE(bool(script));
  std::string message = llvm::toString(script.takeError());
  EXPECT_NE(message.find("broken.lds"), std::string::npos) << message;
  auto comment = LinkerScript::parse("/* never closed", "open.lds");
  ASSERT_FALSE(bool(comment));
  EXPECT_NE(llvm::toString(comment.takeError()).find("open.lds:1"), std::string::npos);
  auto include = LinkerScript::parse("INCLUDE other.lds", "inc.lds");
  ASSERT_FALSE(bool(include));
  EXPECT_NE(llvm::toString(include.takeError()).find("INCLUDE"), std::string::npos);
}

} // namespace
} // namespace romfit::analysis
