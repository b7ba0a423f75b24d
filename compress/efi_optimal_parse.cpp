#include "compress/efi_optimal_parse.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "compress/efi_block_coder.h"
#include "compress/efi_block_split.h"
#include "compress/efi_lz_parse.h"
#include "compress/efi_match_finder.h"

namespace romfit::efi {

namespace {

// Every position's match candidates, found once and shared by all passes.
struct MatchTable {
  std::vector<MatchCandidate> candidates;
  std::vector<uint32_t> firstCandidate; // per position, plus one past the end

  llvm::ArrayRef<MatchCandidate> at(size_t position) const {
    return llvm::ArrayRef<MatchCandidate>(candidates)
        .slice(firstCandidate[position], firstCandidate[position + 1] - firstCandidate[position]);
  }
};

MatchTable findAllMatches(llvm::ArrayRef<uint8_t> input, unsigned maxChainLength) {
  MatchTable table;
  table.firstCandidate.reserve(input.size() + 1);
  table.candidates.reserve(input.size());
  BinaryTreeMatchFinder finder(input, maxChainLength);
  for (size_t position = 0; position < input.size(); ++position) {
    table.firstCandidate.push_back(static_cast<uint32_t>(table.candidates.size()));
    finder.findAllAndInsert(position, table.candidates);
  }
  table.firstCandidate.push_back(static_cast<uint32_t>(table.candidates.size()));
  return table;
}

// Bit costs of every symbol under one block's codes, from input byte
// `start` on.
struct CostModel {
  size_t start = 0;
  std::vector<float> charLen;                 // kCharLenSymbols entries
  std::array<float, kPositionSymbols> position{}; // code plus extra bits
};

// A symbol the codes lack would need a code of its own; this guesses its
// length from the longest code in use.
float unusedSymbolBits(const EfiHuffmanSet &set, unsigned symbols) {
  unsigned longest = 0;
  for (unsigned symbol = 0; symbol < symbols; ++symbol)
    longest = std::max<unsigned>(longest, set.bitsOf(symbol));
  return float(std::max(longest, 4u) + 1);
}

CostModel entropyModelOf(const EfiSymbolCounts &counts, size_t start) {
  CostModel model;
  model.start = start;
  model.charLen.resize(kCharLenSymbols);
  auto fill = [](llvm::ArrayRef<uint32_t> frequencies, float *bits) {
    uint64_t total = 0;
    for (uint32_t frequency : frequencies)
      total += frequency;
    float logTotal = std::log2(float(std::max<uint64_t>(total, 1)));
    for (size_t symbol = 0; symbol < frequencies.size(); ++symbol)
      bits[symbol] = frequencies[symbol] ? logTotal - std::log2(float(frequencies[symbol]))
                                         : logTotal + 1.0f;
  };
  fill(counts.charLen, model.charLen.data());
  fill(counts.position, model.position.data());
  for (unsigned symbol = 0; symbol < kPositionSymbols; ++symbol)
    model.position[symbol] += float(positionExtraBits(symbol));
  return model;
}

CostModel modelOf(const EfiBlockPlan &plan, size_t start) {
  CostModel model;
  model.start = start;
  model.charLen.resize(kCharLenSymbols);
  auto bitsOf = [](const EfiHuffmanSet &set, unsigned symbol, float unused) {
    if (set.isSingleSymbol())
      return symbol == unsigned(set.onlySymbol) ? 0.0f : unused;
    return set.lengths[symbol] ? float(set.lengths[symbol]) : unused;
  };
  float unusedCharLen = unusedSymbolBits(plan.charLen, kCharLenSymbols);
  for (unsigned symbol = 0; symbol < kCharLenSymbols; ++symbol)
    model.charLen[symbol] = bitsOf(plan.charLen, symbol, unusedCharLen);
  float unusedPosition = unusedSymbolBits(plan.position, kPositionSymbols);
  for (unsigned symbol = 0; symbol < kPositionSymbols; ++symbol)
    model.position[symbol] =
        bitsOf(plan.position, symbol, unusedPosition) + float(positionExtraBits(symbol));
  return model;
}

struct Evaluation {
  uint64_t bits = 0;
  std::vector<CostModel> models; // one per block, by increasing start

  // One block's exact bits, and the cost model the next pass prices it by.
  void addBlock(const EfiSymbolCounts &counts, size_t startByte, bool entropyCosts) {
    EfiBlockPlan plan = planBlock(counts);
    bits += plan.totalBits();
    models.push_back(entropyCosts ? entropyModelOf(counts, startByte) : modelOf(plan, startByte));
  }
};

Evaluation evaluate(llvm::ArrayRef<LzToken> tokens, bool entropyCosts = false) {
  Evaluation result;
  std::vector<size_t> starts = chooseBlockStarts(tokens);
  size_t byte = 0, token = 0;
  for (size_t block = 0; block < starts.size(); ++block) {
    size_t end = block + 1 < starts.size() ? starts[block + 1] : tokens.size();
    EfiSymbolCounts counts;
    size_t blockStartByte = byte;
    for (; token < end; ++token) {
      counts.add(tokens[token]);
      byte += tokens[token].sourceBytes();
    }
    result.addBlock(counts, blockStartByte, entropyCosts);
  }
  return result;
}

std::vector<LzToken> shortestPath(llvm::ArrayRef<uint8_t> input, const MatchTable &matches,
                                  llvm::ArrayRef<CostModel> models) {
  const size_t size = input.size();
  // Double: path costs of large inputs exceed what a float holds exactly.
  std::vector<double> cost(size + 1, std::numeric_limits<double>::infinity());
  std::vector<LzToken> arrival(size + 1);
  cost[0] = 0;
  size_t modelIndex = 0;
  for (size_t position = 0; position < size; ++position) {
    while (modelIndex + 1 < models.size() && models[modelIndex + 1].start <= position)
      ++modelIndex;
    const CostModel &model = models[modelIndex];
    const double here = cost[position];
    double literal = here + model.charLen[input[position]];
    if (literal < cost[position + 1]) {
      cost[position + 1] = literal;
      arrival[position + 1] = LzToken::literal(input[position]);
    }
    unsigned length = kMinMatch;
    for (const MatchCandidate &candidate : matches.at(position)) {
      const double base = here + model.position[positionSymbol(candidate.distance)];
      for (; length <= candidate.length; ++length) {
        double total = base + model.charLen[length + kMatchSymbolBias];
        if (total < cost[position + length]) {
          cost[position + length] = total;
          arrival[position + length] = LzToken::match(length, candidate.distance);
        }
      }
    }
  }
  std::vector<LzToken> tokens;
  for (size_t position = size; position > 0; position -= arrival[position].sourceBytes())
    tokens.push_back(arrival[position]);
  std::reverse(tokens.begin(), tokens.end());
  return tokens;
}

} // namespace

uint64_t encodedBlockBits(llvm::ArrayRef<LzToken> tokens) { return evaluate(tokens).bits; }

namespace {

// Plans blocks over fixed input byte ranges (those the splitter chose for an
// earlier parse) instead of splitting again: exact bits for those blocks,
// at a fraction of the cost of a split. A block that would exceed the token
// limit is cut early.
Evaluation evaluateWithin(llvm::ArrayRef<LzToken> tokens, llvm::ArrayRef<CostModel> ranges,
                          bool entropyCosts) {
  Evaluation result;
  size_t byte = 0, token = 0;
  for (size_t range = 0; range < ranges.size() && token < tokens.size(); ++range) {
    size_t endByte = range + 1 < ranges.size() ? ranges[range + 1].start : SIZE_MAX;
    while (token < tokens.size() && byte < endByte) {
      EfiSymbolCounts counts;
      size_t blockStartByte = byte;
      for (; token < tokens.size() && byte < endByte && counts.tokens < kMaxBlockSymbols; ++token) {
        counts.add(tokens[token]);
        byte += tokens[token].sourceBytes();
      }
      result.addBlock(counts, blockStartByte, entropyCosts);
    }
  }
  return result;
}

} // namespace

std::vector<LzToken> optimalParse(llvm::ArrayRef<uint8_t> input, const OptimalParseOptions &options) {
  std::vector<LzToken> best = lazyParse(input);
  if (input.size() < kMinMatch)
    return best;
  MatchTable matches = findAllMatches(input, options.maxChainLength);
  // Each round splits the best parse so far into blocks, then runs passes
  // costed and compared within those blocks (splitting is far slower than a
  // pass); a round that does not beat the best ends the search.
  Evaluation ranges = evaluate(best, options.entropyCosts);
  uint64_t bestBits = ranges.bits;
  unsigned passesLeft = options.passes;
  for (unsigned round = 0; round < std::max(1u, options.splitRounds) && passesLeft > 0; ++round) {
    Evaluation previous = ranges;
    uint64_t roundBestBits = UINT64_MAX;
    std::vector<LzToken> roundBest;
    while (passesLeft > 0) {
      --passesLeft;
      std::vector<LzToken> tokens = shortestPath(input, matches, previous.models);
      Evaluation evaluation = evaluateWithin(tokens, ranges.models, options.entropyCosts);
      bool stalled = evaluation.bits >= previous.bits;
      if (evaluation.bits < roundBestBits) {
        roundBestBits = evaluation.bits;
        roundBest = std::move(tokens);
      }
      previous = std::move(evaluation);
      if (stalled)
        break;
    }
    Evaluation split = evaluate(roundBest, options.entropyCosts);
    if (split.bits >= bestBits)
      break;
    bestBits = split.bits;
    best = std::move(roundBest);
    ranges = std::move(split);
  }
  return best;
}

} // namespace romfit::efi
