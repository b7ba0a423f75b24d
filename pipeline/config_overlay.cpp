#include "pipeline/config_overlay.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>

#include "support/error.h"
#include "support/file_io.h"

namespace romfit::pipeline {

static constexpr const char kOverlayMark[] = "/* Written by romfit build:";

std::string ownBootPathOverlay(const std::vector<ImageKind> &kinds) {
  std::vector<std::string> tests, names;
  for (const ImageKind &kind : kinds)
    if (kind.efi && !kind.compilerMacro.empty() &&
        !llvm::is_contained(names, kind.name)) {
      tests.push_back("defined(" + kind.compilerMacro + ")");
      names.push_back(kind.name);
    }
  if (tests.empty())
    return "";
  return std::string(kOverlayMark) + " the firmwares of " + llvm::join(names, ", ") +
         "\n * have no network stack of their own (no SNP, PXE or HTTP boot drivers),\n"
         " * so those drivers keep iPXE's own boot path: LoadFile into autoboot.\n"
         " * The other architectures keep the configuration as it is. */\n"
         "#if " + llvm::join(tests, " || ") + "\n"
         "#undef EFI_DOWNGRADE_UX\n"
         "#endif\n";
}

std::string overlayPath(const std::string &sourceDir, const std::string &config) {
  return sourceDir + "/config/local/" + config + "/general.h";
}

llvm::Error writeOwnBootPathOverlay(const std::string &sourceDir, const std::string &config,
                                    const std::vector<ImageKind> &kinds) {
  std::string text = ownBootPathOverlay(kinds);
  // iPXE's default configuration keeps its own boot path everywhere.
  if (text.empty() || config.empty() || !llvm::sys::fs::is_directory(sourceDir + "/config/local"))
    return llvm::Error::success();
  std::string path = overlayPath(sourceDir, config);
  if (llvm::sys::fs::exists(path)) {
    auto existing = readFileBytes(path);
    if (!existing)
      return existing.takeError();
    llvm::StringRef current(reinterpret_cast<const char *>(existing->data()), existing->size());
    if (current == text)
      return llvm::Error::success();
    if (!current.trim().empty() && !current.startswith(kOverlayMark))
      return makeError("{} holds a local configuration of its own; romfit would write its "
                       "per-architecture overlay there. Add these lines to it:\n{}",
                       path, text);
  }
  if (std::error_code ec = llvm::sys::fs::create_directories(sourceDir + "/config/local/" + config))
    return makeError("cannot create '{}': {}", sourceDir + "/config/local/" + config, ec.message());
  return writeFileAtomically(path, llvm::StringRef(text));
}

} // namespace romfit::pipeline
