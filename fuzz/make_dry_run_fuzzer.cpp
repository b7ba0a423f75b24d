// What `make -n V=1` prints, as romfit build reads it for each EFI link's
// ld command and for the work a bin directory has left.
#include <cstddef>
#include <cstdint>

#include "pipeline/link_recipe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef output(reinterpret_cast<const char *>(data), size);
  for (const romfit::support::Argv &command : romfit::pipeline::parseDryRunCommands(output))
    (void)romfit::support::joinCommand(command);
  const std::string target = "bin-x86_64-efi/8086100e.efidrv.tmp";
  auto recipe = romfit::pipeline::findLinkRecipe(output, target);
  if (recipe)
    (void)romfit::pipeline::withStableBuildSymbols(recipe->link, target);
  else
    llvm::consumeError(recipe.takeError());
  (void)romfit::pipeline::unexplainedCommands(output, {target});
  return 0;
}
