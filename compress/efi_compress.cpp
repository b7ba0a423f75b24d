#include "compress/efi_compress.h"

#include "support/error.h"

#include <cassert>

#include "compress/efi_bit_writer.h"
#include "compress/efi_block_coder.h"
#include "compress/efi_block_split.h"
#include "compress/efi_lz_parse.h"
#include "compress/efi_optimal_parse.h"

namespace romfit::efi {

namespace {

void putLittleEndian32(uint8_t *destination, uint32_t value) {
  for (int i = 0; i < 4; ++i)
    destination[i] = static_cast<uint8_t>(value >> (8 * i));
}

} // namespace

std::vector<uint8_t> encodeTokens(llvm::ArrayRef<LzToken> tokens, size_t originalSize, EfiLevel level) {
  const EfiCodeSearch search = level == EfiLevel::Optimal ? EfiCodeSearch::HeaderAware : EfiCodeSearch::Huffman;
  std::vector<uint8_t> stream(kHeaderSize, 0);
  MsbBitWriter writer(stream);
  std::vector<size_t> starts = chooseBlockStarts(tokens);
  for (size_t block = 0; block < starts.size(); ++block) {
    size_t end = block + 1 < starts.size() ? starts[block + 1] : tokens.size();
    llvm::ArrayRef<LzToken> blockTokens = tokens.slice(starts[block], end - starts[block]);
    EfiSymbolCounts counts;
    counts.addAll(blockTokens);
    writeBlock(planBlock(counts, search), blockTokens, writer);
  }
  writer.flush();
  assert(stream.size() - kHeaderSize <= UINT32_MAX && originalSize <= UINT32_MAX);
  putLittleEndian32(stream.data(), static_cast<uint32_t>(stream.size() - kHeaderSize));
  putLittleEndian32(stream.data() + 4, static_cast<uint32_t>(originalSize));
  return stream;
}

std::vector<uint8_t> compress(llvm::ArrayRef<uint8_t> input, EfiLevel level) {
  if (level == EfiLevel::Optimal)
    return encodeTokens(optimalParse(input), input.size(), EfiLevel::Optimal);
  return encodeTokens(lazyParse(input), input.size());
}

llvm::StringRef levelName(EfiLevel level) { return level == EfiLevel::Fast ? "fast" : "optimal"; }

llvm::Expected<EfiLevel> parseLevel(llvm::StringRef text) {
  if (text == "optimal")
    return EfiLevel::Optimal;
  if (text == "fast")
    return EfiLevel::Fast;
  return makeError("--level takes fast or optimal, not '{}'", text.str());
}

} // namespace romfit::efi
