#include "compress/efi_lz_parse.h"

#include "compress/efi_match_finder.h"

namespace romfit::efi {

namespace {

MatchCandidate worthwhile(MatchCandidate match, const LazyParseOptions &options) {
  if (match.length == kMinMatch && match.distance > options.maxDistanceForMinMatch)
    return {};
  return match;
}

} // namespace

std::vector<LzToken> lazyParse(llvm::ArrayRef<uint8_t> input, const LazyParseOptions &options) {
  std::vector<LzToken> tokens;
  tokens.reserve(input.size() / 2 + 16);
  HashChainMatchFinder finder(input, options.maxChainLength);
  size_t position = 0;
  finder.insertUpTo(position);
  MatchCandidate current = worthwhile(finder.findLongest(position), options);
  while (position < input.size()) {
    if (current.length < kMinMatch) {
      tokens.push_back(LzToken::literal(input[position]));
      ++position;
      finder.insertUpTo(position);
      current = worthwhile(finder.findLongest(position), options);
      continue;
    }
    finder.insertUpTo(position + 1);
    MatchCandidate next = worthwhile(finder.findLongest(position + 1), options);
    if (next.length > current.length) {
      tokens.push_back(LzToken::literal(input[position]));
      ++position;
      current = next;
      continue;
    }
    tokens.push_back(LzToken::match(current.length, current.distance));
    position += current.length;
    finder.insertUpTo(position);
    current = worthwhile(finder.findLongest(position), options);
  }
  return tokens;
}

} // namespace romfit::efi
