// The link analysis at iPXE's scale, measured against GNU ld on the same link.
//
// At start-up it generates an archive shaped like iPXE's x86_64 blib.a: 1,030
// members of about 40 KiB each (most of it debug-sized non-allocated bulk,
// as in iPXE's -g objects), per-function sections, linker tables, REQUIRE
// relocations and obj_* symbols; 361 of them are reachable from the -u roots.
// It assembles them with `as`, archives them with `ar`, and links with `ld`.
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Program.h>

#include "analysis/link_analysis.h"
#include "analysis/size_attribution.h"

namespace {

using namespace romfit::analysis;

constexpr int kMembers = 1030;
constexpr int kReachable = 361;
constexpr int kFunctions = 12;
constexpr int kDebugBytes = 34000;

bool run(const std::vector<std::string> &argv, const std::string &directory = "") {
  auto program = llvm::sys::findProgramByName(argv[0]);
  if (!program)
    return false;
  std::vector<std::string> command;
  std::vector<llvm::StringRef> arguments;
  if (!directory.empty()) {
    // ExecuteAndWait has no working directory; env -C provides one.
    command = {"env", "-C", directory};
    program = llvm::sys::findProgramByName("env");
  }
  command.insert(command.end(), argv.begin(), argv.end());
  for (const std::string &argument : command)
    arguments.push_back(argument);
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::StringRef(""), llvm::StringRef("/dev/null"),
                                                llvm::StringRef("/dev/null")};
  return llvm::sys::ExecuteAndWait(*program, arguments, llvm::None, redirects) == 0;
}

// Member k of the reachable set calls into other reachable members, below
// and above it, so ld needs several passes over the archive map; the rest
// only call each other and are never extracted.
std::string memberAssembly(int k) {
  bool reachable = k < kReachable;
  int base = reachable ? 0 : kReachable;
  int span = reachable ? kReachable : kMembers - kReachable;
  int index = k - base;
  std::string text = fmt::format(
      "\t.section .provided,\"a\",@nobits\n\t.globl obj_m{0}\nobj_m{0}:\n", k);
  for (int j = 0; j < kFunctions; ++j) {
    text += fmt::format("\t.section .text.f_{0}_{1},\"ax\",@progbits\n\t.globl f_{0}_{1}\n"
                        "\t.type f_{0}_{1},@function\nf_{0}_{1}:\n",
                        k, j);
    int targets[] = {(index + 1) % span, (index * 7 + j * 13 + 5) % span, (index + span - 3) % span};
    for (int target : targets)
      if (j % 3 != 2 || target != (index + 1) % span)  // some functions stay unreferenced
        text += fmt::format("\tcall f_{}_{}\n", base + target, j);
    text += fmt::format("\tleaq d_{}(%rip), %rax\n\t.fill 180,1,0x90\n\tret\n", k);
  }
  text += fmt::format("\t.section .rodata.d_{0},\"a\",@progbits\n\t.globl d_{0}\nd_{0}:\n"
                      "\t.fill 1800,1,7\n",
                      k);
  text += fmt::format("\t.section .data.v_{0},\"aw\",@progbits\nv_{0}:\n\t.quad f_{0}_1\n", k);
  if (k % 5 == 0)
    text += fmt::format("\t.section .tbl.init_fns.01,\"aw\",@progbits\n\t.quad f_{}_2\n", k);
  if (k % 3 == 0) {
    text += "\t.section .tbl.requiring_symbols,\"a\",@progbits\n__requiring_symbol__:\n\t.byte 0\n";
    text += fmt::format("\t.reloc __requiring_symbol__, R_X86_64_NONE, obj_m{}\n",
                        base + (index + 2) % span);
  }
  if (k == 0)
    text += "\t.section .tbl.init_fns.00,\"aw\",@progbits\ninit_start:\n"
            "\t.section .tbl.init_fns.99,\"aw\",@progbits\ninit_end:\n"
            "\t.section .text._bench_start,\"ax\",@progbits\n\t.globl _bench_start\n"
            "_bench_start:\n\tleaq init_start(%rip), %rax\n\tleaq init_end(%rip), %rdx\n"
            "\tcall f_0_0\n\tret\n";
  text += fmt::format("\t.section .debug_info,\"\",@progbits\n\t.fill {},1,1\n", kDebugBytes);
  return text;
}

const char *kScript = R"(SECTIONS {
  . = 0x1000;
  .text : { *(.text) *(.text.*) }
  .rodata : { *(.rodata) *(.rodata.*) }
  .data : { *(.data) *(.data.*) KEEP(*(SORT(.tbl.*))) KEEP(*(.provided)) }
  .bss : { *(.bss) *(.bss.*) *(COMMON) }
  /DISCARD/ : { *(.comment) *(.note.*) *(.eh_frame) }
}
)";

struct GeneratedLink {
  std::string directory;
  std::vector<std::string> command;
  uint64_t archiveBytes = 0;
  bool ok = false;
};

const GeneratedLink &generatedLink() {
  static GeneratedLink link = [] {
    GeneratedLink generated;
    llvm::SmallString<128> directory;
    if (llvm::sys::fs::createUniqueDirectory("romfit-analysis-bench", directory))
      return generated;
    generated.directory = std::string(directory);
    std::ofstream(generated.directory + "/bench.lds") << kScript;
    std::ofstream(generated.directory + "/version.s")
        << "\t.section .rodata.version,\"a\",@progbits\n\t.asciz \"bench\"\n";
    if (!run({"as", "--64", "-o", "version.o", "version.s"}, generated.directory))
      return generated;
    std::vector<std::string> archive{"ar", "rcs", "blib.a"};
    for (int k = 0; k < kMembers; ++k) {
      std::string name = fmt::format("m{}", k);
      std::ofstream(generated.directory + "/" + name + ".s") << memberAssembly(k);
      if (!run({"as", "--64", "-o", name + ".o", name + ".s"}, generated.directory))
        return generated;
      archive.push_back(name + ".o");
    }
    if (!run(archive, generated.directory))
      return generated;
    llvm::sys::fs::file_size(generated.directory + "/blib.a", generated.archiveBytes);
    generated.command = {"ld", "-m", "elf_x86_64", "-q", "-S", "--gc-sections", "-static",
                         "-T", "bench.lds", "-u", "_bench_start", "--defsym",
                         "check__bench_start=_bench_start"};
    for (int driver = 1; driver <= 5; ++driver) {
      generated.command.push_back("-u");
      generated.command.push_back(fmt::format("obj_m{}", driver * 40));
    }
    for (const char *tail : {"-e", "_bench_start", "version.o", "blib.a", "-o", "bench.tmp",
                             "-Map", "bench.tmp.map"})
      generated.command.push_back(tail);
    generated.ok = true;
    if (!std::getenv("ROMFIT_BENCH_KEEP"))  // set it to inspect the link afterwards
      std::atexit([] { llvm::sys::fs::remove_directories(generatedLink().directory); });
    else
      fmt::print(stderr, "generated link kept in {}\n", generated.directory);
    return generated;
  }();
  return link;
}

std::unique_ptr<LinkAnalysis> analyse(benchmark::State &state) {
  const GeneratedLink &link = generatedLink();
  auto command = parseLinkCommand(link.command);
  if (!command) {
    state.SkipWithError(llvm::toString(command.takeError()).c_str());
    return nullptr;
  }
  command->directory = link.directory;
  auto analysis = analyseLink(std::move(*command));
  if (!analysis) {
    state.SkipWithError(llvm::toString(analysis.takeError()).c_str());
    return nullptr;
  }
  return std::move(*analysis);
}

void reportShape(benchmark::State &state, const LinkAnalysis &analysis) {
  size_t members = 0;
  for (const LoadedObject &object : analysis.link.objects)
    members += object.memberIndex.has_value();
  state.counters["members_extracted"] = double(members);
  state.counters["archive_MiB"] = double(generatedLink().archiveBytes) / (1 << 20);
}

// What `romfit members` does: the archive search and the linker view.
void BM_AnalyseLink(benchmark::State &state) {
  if (!generatedLink().ok) {
    state.SkipWithError("could not generate the archive (as, ar)");
    return;
  }
  std::unique_ptr<LinkAnalysis> last;
  for (auto _ : state) {
    last = analyse(state);
    if (!last)
      return;
    benchmark::DoNotOptimize(last->linker.live.size());
  }
  reportShape(state, *last);
}
BENCHMARK(BM_AnalyseLink)->Unit(benchmark::kMillisecond);

// What `romfit garbage --cut` does: both views, twice, and the report.
void BM_GarbageWithCut(benchmark::State &state) {
  if (!generatedLink().ok) {
    state.SkipWithError("could not generate the archive (as, ar)");
    return;
  }
  for (auto _ : state) {
    auto analysis = analyse(state);
    if (!analysis)
      return;
    auto options = analysis->viewOptions({"f_0_0->f_1_0"}, RequirePolicy::Keep);
    if (!options) {
      state.SkipWithError(llvm::toString(options.takeError()).c_str());
      return;
    }
    GarbageReport cut = findGarbage(analysis->graph, analysis->linker, analysis->reachable(*options));
    GarbageReport base = findGarbage(analysis->graph, analysis->linker, analysis->reachable({}));
    benchmark::DoNotOptimize(cut.deadBytes + base.deadBytes);
  }
}
BENCHMARK(BM_GarbageWithCut)->Unit(benchmark::kMillisecond);

// GNU ld itself on the same link, process start-up included, for the ratio.
void BM_GnuLd(benchmark::State &state) {
  const GeneratedLink &link = generatedLink();
  if (!link.ok) {
    state.SkipWithError("could not generate the archive (as, ar)");
    return;
  }
  for (auto _ : state)
    if (!run(link.command, link.directory)) {
      state.SkipWithError("ld failed on the generated link");
      return;
    }
}
BENCHMARK(BM_GnuLd)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
