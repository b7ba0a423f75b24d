#pragma once
// romfit build's work, as a library: make in the iPXE tree, the link recipes
// from make's dry run, build.ninja, and ninja.
#include <string>
#include <vector>

#include <llvm/Support/Error.h>

#include "rules/build_graph.h"
#include "compress/efi_compress.h"
#include "support/process_runner.h"

namespace romfit::rules {

struct BuildOptions {
  std::string ipxeTree;
  std::string config;                  // CONFIG=, empty: iPXE's default
  std::string rulesPath;                 // a file, or "auto"
  std::vector<std::string> autoRuleSets;  // what "auto" chooses from, strongest first
  std::vector<std::string> romIds;
  std::vector<std::string> imageNames;  // empty: QEMU's three
  std::string cross;                   // CROSS= prefix
  unsigned jobs = 0;                   // 0: make's and ninja's default
  std::string outDir;
  std::string romfit;                  // this executable
  efi::EfiLevel compressionLevel = efi::kDefaultLevel;
  // make and ninja run through it: real processes unless a test hands in a fake.
  support::ProcessRunner *runner = &support::systemProcessRunner();
};

struct BuildOutcome {
  BuildGraphInputs graph;
  bool graphChanged = false;
  bool ninjaRanNothing = false;
  std::string ninjaOutput;
};

llvm::Expected<BuildOutcome> runBuild(const BuildOptions &options);

} // namespace romfit::rules
