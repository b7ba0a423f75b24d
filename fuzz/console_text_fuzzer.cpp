// A QEMU serial console as the boot proof reads it: escape sequences,
// backspaces and carriage returns resolved into lines.
#include <cstddef>
#include <cstdint>

#include "verify/boot_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef raw(reinterpret_cast<const char *>(data), size);
  (void)romfit::verify::cleanConsoleText(raw);
  return 0;
}
