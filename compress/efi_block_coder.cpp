#include "compress/efi_block_coder.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "compress/huffman.h"

namespace romfit::efi {

void EfiSymbolCounts::add(const LzToken &token) {
  ++charLen[token.charLenSymbol()];
  if (token.isMatch())
    ++position[positionSymbol(token.value)];
  ++tokens;
}

void EfiSymbolCounts::addAll(llvm::ArrayRef<LzToken> tokenRun) {
  for (const LzToken &token : tokenRun)
    add(token);
}

EfiSymbolCounts &EfiSymbolCounts::operator+=(const EfiSymbolCounts &other) {
  for (size_t i = 0; i < charLen.size(); ++i)
    charLen[i] += other.charLen[i];
  for (size_t i = 0; i < position.size(); ++i)
    position[i] += other.position[i];
  tokens += other.tokens;
  return *this;
}

EfiSymbolCounts &EfiSymbolCounts::operator-=(const EfiSymbolCounts &other) {
  for (size_t i = 0; i < charLen.size(); ++i)
    charLen[i] -= other.charLen[i];
  for (size_t i = 0; i < position.size(); ++i)
    position[i] -= other.position[i];
  tokens -= other.tokens;
  return *this;
}

EfiHuffmanSet EfiHuffmanSet::fromFrequencies(llvm::ArrayRef<uint32_t> frequencies,
                                             llvm::ArrayRef<uint32_t> lengthCost) {
  EfiHuffmanSet set;
  size_t used = std::count_if(frequencies.begin(), frequencies.end(), [](uint32_t f) { return f; });
  if (used <= 1) {
    // The decoder rejects incomplete trees, so a lone symbol (or none, which
    // the position set of a block without matches has) takes the
    // single-symbol form.
    auto it = std::find_if(frequencies.begin(), frequencies.end(), [](uint32_t f) { return f; });
    set.onlySymbol = it == frequencies.end() ? 0 : static_cast<int>(it - frequencies.begin());
    set.lengths.assign(frequencies.size(), 0);
    set.codes.assign(frequencies.size(), 0);
    return set;
  }
  set.lengths = lengthCost.empty()
                    ? huffman::limitedCodeLengths(frequencies, kMaxCodeLength)
                    : huffman::costAwareCodeLengths(frequencies, kMaxCodeLength, lengthCost);
  set.codes = huffman::canonicalCodes(set.lengths);
  return set;
}

namespace {

// Counts bits instead of writing them, so header costs come from the very
// code that writes headers.
struct BitCounter {
  uint64_t bits = 0;
  void write(unsigned bitCount, uint32_t) { bits += bitCount; }
};

size_t usedPrefixLength(llvm::ArrayRef<uint8_t> lengths) {
  size_t count = lengths.size();
  while (count > 0 && lengths[count - 1] == 0)
    --count;
  return count;
}

// The code-length and position sets: a count, then each length in 3 bits
// (7 and up as 111, further ones, a zero), with an optional 2-bit skip of
// zero lengths after the third.
template <typename Sink>
void emitSmallSet(Sink &sink, const EfiHuffmanSet &set, unsigned countBits, bool hasZeroSkip) {
  if (set.isSingleSymbol()) {
    sink.write(countBits, 0);
    sink.write(countBits, set.onlySymbol);
    return;
  }
  const size_t count = usedPrefixLength(set.lengths);
  sink.write(countBits, count);
  size_t index = 0;
  while (index < count) {
    unsigned length = set.lengths[index++];
    if (length < kExtendedLengthMarker)
      sink.write(kSmallLengthBits, length);
    else
      // length - 7 ones after the marker, then the terminating zero.
      sink.write(length - 3, (1u << (length - 3)) - 2);
    if (hasZeroSkip && index == kCodeLengthSkipAfter) {
      unsigned skipped = 0;
      while (skipped < kMaxZeroSkip && index < count && set.lengths[index] == 0) {
        ++index;
        ++skipped;
      }
      sink.write(2, skipped);
    }
  }
}

template <typename Sink>
void emitCodeLengthToken(Sink &sink, const EfiHuffmanSet &codeLengthSet, CodeLengthToken token) {
  sink.write(codeLengthSet.bitsOf(token.symbol), codeLengthSet.codes[token.symbol]);
  if (token.symbol == kZeroRunShort)
    sink.write(kShortRunExtraBits, token.extra);
  else if (token.symbol == kZeroRunLong)
    sink.write(kLongRunExtraBits, token.extra);
}

template <typename Sink> void emitBlockHeader(Sink &sink, const EfiBlockPlan &plan) {
  sink.write(16, plan.tokenCount);
  if (plan.charLen.isSingleSymbol()) {
    // The decoder always reads a code-length set first; an unused one is the
    // cheapest form.
    sink.write(kCodeLengthCountBits, 0);
    sink.write(kCodeLengthCountBits, 0);
    sink.write(kCharLenCountBits, 0);
    sink.write(kCharLenCountBits, plan.charLen.onlySymbol);
  } else {
    emitSmallSet(sink, plan.codeLength, kCodeLengthCountBits, /*hasZeroSkip=*/true);
    sink.write(kCharLenCountBits, usedPrefixLength(plan.charLen.lengths));
    for (CodeLengthToken token : plan.charLenLengthTokens)
      emitCodeLengthToken(sink, plan.codeLength, token);
  }
  emitSmallSet(sink, plan.position, kPositionCountBits, /*hasZeroSkip=*/false);
}

// The cheapest way to write `run` zero lengths given what each zero-run
// symbol costs (extra bits included), as a shortest path over run lengths.
void appendZeroRun(std::vector<CodeLengthToken> &tokens, unsigned run,
                   const std::array<unsigned, 3> &runSymbolBits) {
  constexpr unsigned kShortRunMax = kShortRunBase + (1u << kShortRunExtraBits) - 1;
  constexpr unsigned kLongRunMax = kLongRunBase + (1u << kLongRunExtraBits) - 1;
  constexpr uint32_t kUnreachable = std::numeric_limits<uint32_t>::max() / 2;
  std::vector<uint32_t> cost(run + 1, kUnreachable);
  std::vector<uint16_t> step(run + 1, 0);
  cost[0] = 0;
  // Best start for a long run ending at j: the cheapest cost[i], i <= j - 20.
  uint32_t longBestCost = kUnreachable;
  unsigned longBestStart = 0;
  for (unsigned end = 1; end <= run; ++end) {
    if (cost[end - 1] + runSymbolBits[kZeroRunSingle] < cost[end]) {
      cost[end] = cost[end - 1] + runSymbolBits[kZeroRunSingle];
      step[end] = 1;
    }
    for (unsigned length = kShortRunBase; length <= kShortRunMax && length <= end; ++length) {
      uint32_t candidate = cost[end - length] + runSymbolBits[kZeroRunShort];
      if (candidate < cost[end]) {
        cost[end] = candidate;
        step[end] = length;
      }
    }
    if (end >= kLongRunBase) {
      unsigned start = end - kLongRunBase;
      if (cost[start] < longBestCost) {
        longBestCost = cost[start];
        longBestStart = start;
      }
      if (end - longBestStart <= kLongRunMax &&
          longBestCost + runSymbolBits[kZeroRunLong] < cost[end]) {
        cost[end] = longBestCost + runSymbolBits[kZeroRunLong];
        step[end] = end - longBestStart;
      }
    }
  }
  size_t firstNew = tokens.size();
  for (unsigned end = run; end > 0; end -= step[end]) {
    unsigned length = step[end];
    if (length == 1)
      tokens.push_back({kZeroRunSingle, 0});
    else if (length < kLongRunBase)
      tokens.push_back({kZeroRunShort, static_cast<uint16_t>(length - kShortRunBase)});
    else
      tokens.push_back({kZeroRunLong, static_cast<uint16_t>(length - kLongRunBase)});
  }
  std::reverse(tokens.begin() + firstNew, tokens.end());
}

std::vector<CodeLengthToken> tokenizeCharLenLengths(llvm::ArrayRef<uint8_t> lengths,
                                                    const std::array<unsigned, 3> &runSymbolBits) {
  std::vector<CodeLengthToken> tokens;
  const size_t count = usedPrefixLength(lengths);
  for (size_t index = 0; index < count;) {
    if (lengths[index]) {
      tokens.push_back({static_cast<uint8_t>(lengths[index] + kLengthSymbolBias), 0});
      ++index;
      continue;
    }
    size_t runEnd = index;
    while (runEnd < count && lengths[runEnd] == 0)
      ++runEnd;
    appendZeroRun(tokens, static_cast<unsigned>(runEnd - index), runSymbolBits);
    index = runEnd;
  }
  return tokens;
}

uint64_t payloadBitsOf(const EfiSymbolCounts &counts, const EfiHuffmanSet &charLen,
                       const EfiHuffmanSet &position) {
  uint64_t bits = 0;
  for (unsigned symbol = 0; symbol < kCharLenSymbols; ++symbol)
    bits += uint64_t(counts.charLen[symbol]) * charLen.bitsOf(symbol);
  for (unsigned symbol = 0; symbol < kPositionSymbols; ++symbol)
    bits += uint64_t(counts.position[symbol]) *
            (position.bitsOf(symbol) + positionExtraBits(symbol));
  return bits;
}

// Bits emitSmallSet spends on each code length: 3, or unary past 6.
std::vector<uint32_t> smallSetLengthCosts() {
  std::vector<uint32_t> costs(kMaxCodeLength + 1, 0);
  for (unsigned length = 1; length <= kMaxCodeLength; ++length)
    costs[length] = length < kExtendedLengthMarker ? kSmallLengthBits : length - 3;
  return costs;
}

// Chooses the code-length set and the tokens that send the char/length
// lengths through it.
void planCodeLengthSet(EfiBlockPlan &plan, EfiCodeSearch search) {
  // How zero runs are split depends on the code-length code, which depends
  // on the split: iterate from a neutral guess and keep the cheapest.
  std::array<unsigned, 3> runSymbolBits = {4, 4 + kShortRunExtraBits, 4 + kLongRunExtraBits};
  uint64_t bestBits = std::numeric_limits<uint64_t>::max();
  const std::vector<uint32_t> lengthCosts =
      search == EfiCodeSearch::HeaderAware ? smallSetLengthCosts() : std::vector<uint32_t>{};
  for (int round = 0; round < 3; ++round) {
    std::vector<CodeLengthToken> tokens = tokenizeCharLenLengths(plan.charLen.lengths, runSymbolBits);
    std::array<uint32_t, kCodeLengthSymbols> frequencies{};
    for (CodeLengthToken token : tokens)
      ++frequencies[token.symbol];
    EfiHuffmanSet codeLength = EfiHuffmanSet::fromFrequencies(frequencies, lengthCosts);
    BitCounter counter;
    emitSmallSet(counter, codeLength, kCodeLengthCountBits, true);
    for (CodeLengthToken token : tokens)
      emitCodeLengthToken(counter, codeLength, token);
    if (counter.bits < bestBits) {
      bestBits = counter.bits;
      plan.codeLength = std::move(codeLength);
      plan.charLenLengthTokens = std::move(tokens);
    }
    // A symbol the current code lacks would have to be added to it; guess
    // a moderate length for it.
    constexpr unsigned kUnusedSymbolGuess = 6;
    auto bitsOf = [&](unsigned symbol) {
      if (plan.codeLength.isSingleSymbol())
        return symbol == unsigned(plan.codeLength.onlySymbol) ? 1u : kUnusedSymbolGuess;
      unsigned length = plan.codeLength.lengths[symbol];
      return length ? length : kUnusedSymbolGuess;
    };
    runSymbolBits = {bitsOf(kZeroRunSingle), bitsOf(kZeroRunShort) + kShortRunExtraBits,
                     bitsOf(kZeroRunLong) + kLongRunExtraBits};
  }
}

void countBits(EfiBlockPlan &plan, const EfiSymbolCounts &counts) {
  BitCounter header;
  emitBlockHeader(header, plan);
  plan.headerBits = header.bits;
  plan.payloadBits = payloadBitsOf(counts, plan.charLen, plan.position);
}

// What each char/length code length costs in the header under the current
// code-length code: that code's bits for the length's symbol. A length the
// code lacks would need a code of its own, longer than the longest.
std::vector<uint32_t> charLenLengthCosts(const EfiHuffmanSet &codeLength) {
  std::vector<uint32_t> costs(kMaxCodeLength + 1, 0);
  unsigned longest = 0;
  for (unsigned symbol = 0; symbol < kCodeLengthSymbols; ++symbol)
    longest = std::max(longest, codeLength.bitsOf(symbol));
  for (unsigned length = 1; length <= kMaxCodeLength; ++length) {
    unsigned symbol = length + kLengthSymbolBias;
    bool inCode = codeLength.isSingleSymbol() ? symbol == unsigned(codeLength.onlySymbol)
                                              : codeLength.lengths[symbol] != 0;
    costs[length] = inCode ? codeLength.bitsOf(symbol) : longest + 2;
  }
  return costs;
}

} // namespace

unsigned EfiBlockPlan::tokenBits(const LzToken &token) const {
  unsigned bits = charLen.bitsOf(token.charLenSymbol());
  if (token.isMatch()) {
    unsigned symbol = positionSymbol(token.value);
    bits += position.bitsOf(symbol) + positionExtraBits(symbol);
  }
  return bits;
}

EfiBlockPlan planBlock(const EfiSymbolCounts &counts, EfiCodeSearch search) {
  assert(counts.tokens >= 1 && counts.tokens <= kMaxBlockSymbols);
  EfiBlockPlan plan;
  plan.tokenCount = counts.tokens;
  plan.charLen = EfiHuffmanSet::fromFrequencies(counts.charLen);
  plan.position = EfiHuffmanSet::fromFrequencies(counts.position);
  if (!plan.charLen.isSingleSymbol())
    planCodeLengthSet(plan, EfiCodeSearch::Huffman);
  countBits(plan, counts);
  if (search == EfiCodeSearch::Huffman || plan.charLen.isSingleSymbol())
    return plan;

  // Position and code-length lengths cost fixed header bits each, so one
  // search settles them. Char/length lengths cost what the code-length code
  // charges, and that code follows from the lengths: alternate while the
  // block shrinks.
  EfiBlockPlan best = plan;
  EfiBlockPlan candidate = std::move(plan);
  candidate.position = EfiHuffmanSet::fromFrequencies(counts.position, smallSetLengthCosts());
  constexpr int kCharLenRounds = 2;
  for (int round = 0; round <= kCharLenRounds; ++round) {
    if (round > 0)
      candidate.charLen =
          EfiHuffmanSet::fromFrequencies(counts.charLen, charLenLengthCosts(candidate.codeLength));
    planCodeLengthSet(candidate, EfiCodeSearch::HeaderAware);
    countBits(candidate, counts);
    if (candidate.totalBits() < best.totalBits())
      best = candidate;
    else if (round > 0)
      break;
  }
  return best;
}

void writeBlock(const EfiBlockPlan &plan, llvm::ArrayRef<LzToken> tokens, MsbBitWriter &writer) {
  assert(tokens.size() == plan.tokenCount);
  emitBlockHeader(writer, plan);
  for (const LzToken &token : tokens) {
    unsigned symbol = token.charLenSymbol();
    writer.write(plan.charLen.bitsOf(symbol), plan.charLen.codes[symbol]);
    if (!token.isMatch())
      continue;
    unsigned distanceCode = token.value - 1u;
    unsigned position = bitWidth(distanceCode);
    writer.write(plan.position.bitsOf(position), plan.position.codes[position]);
    writer.write(positionExtraBits(position), distanceCode);
  }
}

} // namespace romfit::efi
