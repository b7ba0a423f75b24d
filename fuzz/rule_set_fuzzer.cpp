// A rule set's text as `--rules FILE` reads it: every line kind (extends,
// applies-to, precondition, cut, require-policy, driver-tables,
// table-entries, why:). The file sits in a directory that does not exist, so
// a relative `extends` fails as a missing file would.
#include <cstddef>
#include <cstdint>

#include "prune/rule_set.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  auto rules = romfit::prune::parseRuleSet(text, "/nonexistent/romfit-fuzz/input.rules");
  if (!rules) {
    llvm::consumeError(rules.takeError());
    return 0;
  }
  // What prune asks of a parsed set before it applies it.
  (void)rules->appliesToKind("efi");
  (void)rules->appliesToKind("legacy");
  (void)romfit::prune::requireRuleName(rules->require);
  return 0;
}
