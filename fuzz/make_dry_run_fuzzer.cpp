// What `make -n V=1` prints, as romfit build reads it for each EFI link's
// ld command and for the work a bin directory has left.
#include <cstddef>
#include <cstdint>

#include "rules/link_recipe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef output(reinterpret_cast<const char *>(data), size);
  for (const romfit::rules::Argv &command : romfit::rules::parseDryRunCommands(output))
    (void)romfit::rules::joinCommand(command);
  const std::string target = "bin-x86_64-efi/8086100e.efidrv.tmp";
  auto recipe = romfit::rules::findLinkRecipe(output, target);
  if (recipe)
    (void)romfit::rules::withStableBuildSymbols(recipe->link, target);
  else
    llvm::consumeError(recipe.takeError());
  (void)romfit::rules::unexplainedCommands(output, {target});
  return 0;
}
