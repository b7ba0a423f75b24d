#pragma once
// Where to end one Huffman block and start the next: blocks adapt the codes
// to local statistics but each costs a header.
#include <cstddef>
#include <vector>

#include <llvm/ADT/ArrayRef.h>

#include "compress/efi_token.h"

namespace romfit::efi {

// Token indices at which blocks start: the first is 0, each block holds at
// most kMaxBlockSymbols tokens. Empty for no tokens.
std::vector<size_t> chooseBlockStarts(llvm::ArrayRef<LzToken> tokens);

} // namespace romfit::efi
