#pragma once
// romfit build's work, as a library: make in the iPXE tree, the link recipes
// from make's dry run, build.ninja, and ninja.
#include <map>
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "pipeline/build_graph.h"
#include "pipeline/ipxe_targets.h"
#include "pipeline/make_runner.h"
#include "compress/efi_compress.h"
#include "support/process_runner.h"

namespace romfit::pipeline {

struct BuildOptions {
  std::string ipxeTree;
  std::string config;                  // CONFIG=, empty: iPXE's default
  std::string rulesPath;                 // a file, or "auto"
  std::vector<std::string> autoRuleSets;  // what "auto" chooses from, strongest first
  std::vector<std::string> romIds;
  std::vector<std::string> imageNames;  // empty: QEMU's three
  // --cross as given: ARCH=PREFIX, one per architecture, or a bare PREFIX
  // (the form from before there were several; see crossPrefixes).
  std::vector<std::string> cross;
  // Image kinds ("efi:riscv64") whose firmware has no network stack of its
  // own: their drivers keep iPXE's own boot path (config_overlay).
  std::vector<std::string> ownBootPathImages;
  // Under --rules auto, the rule sets those images choose from instead
  // (prune::builtInOwnBootPathRuleSets), handed to prune as --rules auto-own-boot-path.
  std::vector<std::string> ownBootPathRuleSets;
  unsigned jobs = 0;                   // 0: make's and ninja's default
  std::string outDir;
  std::string romfit;                  // this executable
  efi::EfiLevel compressionLevel = efi::kDefaultLevel;
  SectionLayout layout = kDefaultLayout;  // of the pruned EFI images
  // make and ninja run through it: real processes unless a test hands in a fake.
  support::ProcessRunner *runner = &support::systemProcessRunner();
};

struct BuildOutcome {
  BuildGraphInputs graph;
  bool graphChanged = false;
  bool ninjaRanNothing = false;
  std::string ninjaOutput;
};

// iPXE's CROSS for each architecture the images need one for, keyed by ARCH
// ("arm64" -> "aarch64-linux-gnu-"), from --cross's values: ARCH=PREFIX for
// one of crossArchitectures(), or a bare PREFIX for the one such
// architecture among `kinds` (none: it is unused). Host architectures get
// no CROSS. The error names the argument: an unknown or repeated ARCH, an
// empty prefix, a bare prefix beside ARCH= ones or where two architectures
// need one; or names an image that needs a prefix and has none.
llvm::Expected<std::map<std::string, std::string>> crossPrefixes(
    const std::vector<std::string> &arguments, const std::vector<ImageKind> &kinds);

// The makes that build what the graph starts from, in the order of `kinds`:
// one per distinct set of make variables (a CROSS is for one architecture's
// tools; the host's architectures share none), each naming the targets of
// all its bin directories (iPXE builds each in a sub-make of its own).
std::vector<MakeInvocation> imageMakes(const std::string &sourceDir, const BuildOptions &options,
                                       const std::vector<ImageKind> &kinds,
                                       const std::map<std::string, std::string> &cross);

llvm::Expected<BuildOutcome> runBuild(const BuildOptions &options);

// Makes one more of the tree's own files in an image kind's bin directory
// (bin-loong64-efi/snponly.efi: the boot program loong64's proof serves,
// as Debian has none) with the build's CONFIG and CROSS, once the build's
// own makes are done; make alone decides whether it has work. Returns the
// file's absolute path.
llvm::Expected<std::string> makeTreeFile(const BuildOptions &options, const ImageKind &kind,
                                         const std::string &fileName);

} // namespace romfit::pipeline
