#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

#include "compress/efi_bit_writer.h"
#include "compress/efi_block_coder.h"
#include "compress/efi_compress.h"
#include "compress/efi_decode_trace.h"
#include "compress/efi_format.h"
#include "compress/efi_lz_parse.h"
#include "compress/efi_match_finder.h"
#include "compress/efi_optimal_parse.h"
#include "compress/huffman.h"
#include "tests/test_support.h"

namespace romfit::efi {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes readBinary(const std::string &path) {
  std::ifstream input(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(input), {});
}

unsigned le16(const Bytes &data, size_t offset) {
  return offset + 2 <= data.size() ? data[offset] | data[offset + 1] << 8 : 0;
}

uint32_t le32(const Bytes &data, size_t offset) {
  return offset + 4 <= data.size() ? uint32_t(le16(data, offset)) | uint32_t(le16(data, offset + 2)) << 16
                                   : 0;
}

// The PE file an uncompressed EFI image of a PCI option ROM carries, up to
// the end of its last section. Deliberately independent of compress/pci_rom.
Bytes extractPe(const Bytes &image) {
  size_t peStart = le16(image, 0x16);
  if (peStart == 0 || peStart + 0x40 > image.size() || image[peStart] != 'M' || image[peStart + 1] != 'Z')
    return {};
  Bytes tail(image.begin() + peStart, image.end());
  size_t ntHeaders = le32(tail, 0x3C);
  if (ntHeaders + 24 > tail.size() || std::memcmp(tail.data() + ntHeaders, "PE\0\0", 4) != 0)
    return {};
  unsigned sectionCount = le16(tail, ntHeaders + 6);
  size_t sectionTable = ntHeaders + 24 + le16(tail, ntHeaders + 20);
  size_t end = 0;
  for (unsigned i = 0; i < sectionCount; ++i) {
    size_t header = sectionTable + 40 * i;
    if (header + 40 > tail.size())
      return {};
    uint32_t rawSize = le32(tail, header + 16), rawOffset = le32(tail, header + 20);
    if (rawSize)
      end = std::max<size_t>(end, size_t(rawOffset) + rawSize);
  }
  if (end == 0 || end > tail.size())
    return {};
  tail.resize(end);
  return tail;
}

// Every uncompressed EFI PE in a ROM file: walks the images by their PCIR
// length and last-image flag.
std::vector<Bytes> efiPesInRom(const std::string &path) {
  Bytes rom = readBinary(path);
  std::vector<Bytes> pes;
  for (size_t offset = 0; offset + 0x1C <= rom.size();) {
    if (rom[offset] != 0x55 || rom[offset + 1] != 0xAA)
      break;
    size_t pcir = offset + le16(rom, offset + 0x18);
    if (pcir + 0x18 > rom.size() || std::memcmp(rom.data() + pcir, "PCIR", 4) != 0)
      break;
    size_t imageLength = size_t(le16(rom, pcir + 0x10)) * 512;
    if (imageLength == 0 || offset + imageLength > rom.size())
      break;
    bool isEfi = rom[pcir + 0x14] == 3;
    bool isUncompressed = le16(rom, offset + 0x0C) == 0;
    if (isEfi && isUncompressed) {
      Bytes image(rom.begin() + offset, rom.begin() + offset + imageLength);
      Bytes pe = extractPe(image);
      if (!pe.empty())
        pes.push_back(std::move(pe));
    }
    if (rom[pcir + 0x15] & 0x80)
      break;
    offset += imageLength;
  }
  return pes;
}

Bytes e1000Pe() {
  std::vector<Bytes> pes = efiPesInRom(std::string(testing::kDebianRomDir) + "/efi-e1000.rom");
  return pes.size() == 1 ? pes.front() : Bytes{};
}

Bytes randomBytes(size_t size, uint32_t seed) {
  std::mt19937 generator(seed);
  Bytes bytes(size);
  for (uint8_t &byte : bytes)
    byte = static_cast<uint8_t>(generator());
  return bytes;
}

// Words from a small vocabulary: compressible, with matches at all distances.
Bytes textLike(size_t size, uint32_t seed) {
  static const char *const kWords[] = {"option ", "rom ",  "efi ",    "driver ", "pci ",
                                       "image ",  "size ", "budget ", "\n",      "ipxe "};
  std::mt19937 generator(seed);
  Bytes bytes;
  while (bytes.size() < size) {
    const char *word = kWords[generator() % std::size(kWords)];
    bytes.insert(bytes.end(), word, word + std::strlen(word));
  }
  bytes.resize(size);
  return bytes;
}

Bytes decodedOrFail(const Bytes &stream, size_t maxOutput = kMaxDecompressedSize) {
  auto decoded = decompress(stream, maxOutput);
  if (!decoded) {
    ADD_FAILURE() << llvm::toString(decoded.takeError());
    return {};
  }
  return std::move(*decoded);
}

std::string errorOf(const Bytes &stream, size_t maxOutput = kMaxDecompressedSize) {
  auto decoded = decompress(stream, maxOutput);
  if (decoded)
    return "";
  return llvm::toString(decoded.takeError());
}

void expectRoundTrip(const Bytes &input, EfiLevel level = EfiLevel::Fast) {
  Bytes stream = compress(input, level);
  ASSERT_GE(stream.size(), kHeaderSize);
  EXPECT_EQ(le32(stream, 0), stream.size() - kHeaderSize);
  EXPECT_EQ(le32(stream, 4), input.size());
  Bytes decoded = decodedOrFail(stream);
  ASSERT_EQ(decoded.size(), input.size());
  EXPECT_TRUE(decoded == input);
}

TEST(EfiCompress, RoundTripsEveryDebianEfiDriver) {
  std::vector<std::string> roms = testing::debianEfiRoms();
  ASSERT_EQ(roms.size(), 8u);
  for (const std::string &rom : roms) {
    SCOPED_TRACE(rom);
    std::vector<Bytes> pes = efiPesInRom(rom);
    ASSERT_EQ(pes.size(), 1u);
    EXPECT_GT(pes.front().size(), 150'000u);
    Bytes stream = compress(pes.front(), EfiLevel::Fast);
    EXPECT_LT(stream.size(), pes.front().size() * 6 / 10);
    EXPECT_TRUE(decodedOrFail(stream) == pes.front());
  }
}

TEST(EfiCompress, E1000DriverFitsTheRomBudget) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  Bytes pe = e1000Pe();
  ASSERT_EQ(pe.size(), 174'400u);
  Bytes stream = compress(pe, EfiLevel::Fast);
  // EFI ROM header (0x1C) and PCIR (0x1C) precede the stream; images are
  // whole 512-byte sectors.
  size_t romImageSize = (0x38 + stream.size() + 511) / 512 * 512;
  EXPECT_LE(romImageSize, 101'376u) << "stream " << stream.size();
  // What the codec achieves today (EDK2's encoder needs 101,376): a
  // regression guard, one sector better than the acceptance bound needs.
  EXPECT_LE(romImageSize, 100'352u) << "stream " << stream.size();
  EXPECT_TRUE(decodedOrFail(stream) == pe);
}

TEST(EfiCompress, EmptyInput) {
  Bytes stream = compress({}, EfiLevel::Fast);
  EXPECT_EQ(stream.size(), kHeaderSize);
  auto decoded = decompress(stream);
  ASSERT_TRUE(bool(decoded)) << llvm::toString(decoded.takeError());
  EXPECT_TRUE(decoded->empty());
}

TEST(EfiCompress, OneByte) { expectRoundTrip({0x5A}); }

TEST(EfiCompress, ShortInputsOfEveryLengthUpToAFewMatches) {
  Bytes source = textLike(40, 7);
  for (size_t length = 0; length <= source.size(); ++length)
    expectRoundTrip(Bytes(source.begin(), source.begin() + length));
}

TEST(EfiCompress, SixtyFourKiBOfOneByte) {
  Bytes input(64 * 1024, 0xFF);
  expectRoundTrip(input);
  // 256-byte matches at distance 1: a few bits each.
  EXPECT_LT(compress(input, EfiLevel::Fast).size(), 200u);
}

TEST(EfiCompress, IncompressibleDataGrowsOnlyByHeaders) {
  Bytes input = randomBytes(100'000, 12345);
  expectRoundTrip(input);
  EXPECT_LT(compress(input, EfiLevel::Fast).size(), input.size() + input.size() / 100);
}

TEST(EfiCompress, InputLargerThanOneMebibyte) {
  // More than 65535 tokens, so several blocks.
  Bytes input = textLike(900'000, 99);
  Bytes noise = randomBytes(300'000, 4);
  input.insert(input.end(), noise.begin(), noise.end());
  ASSERT_GT(input.size(), 1u << 20);
  expectRoundTrip(input);
}

TEST(EfiCompress, MatchAtTheFullWindowDistanceWithMaximumLength) {
  Bytes input = randomBytes(kMaxDistance, 77);
  input.insert(input.end(), input.begin(), input.begin() + kMaxMatch);
  std::vector<LzToken> tokens = lazyParse(input);
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.back().length, kMaxMatch);
  EXPECT_EQ(tokens.back().value, kMaxDistance);
  expectRoundTrip(input);

  // The same token handed straight to the block coder.
  std::vector<LzToken> handMade;
  for (size_t i = 0; i < kMaxDistance; ++i)
    handMade.push_back(LzToken::literal(input[i]));
  handMade.push_back(LzToken::match(kMaxMatch, kMaxDistance));
  EXPECT_TRUE(decodedOrFail(encodeTokens(handMade, input.size())) == input);
}

TEST(EfiCompress, LongRunsAfterShortPeriods) {
  Bytes input;
  for (int period = 1; period < 40; ++period)
    for (int i = 0; i < 1000; ++i)
      input.push_back(static_cast<uint8_t>(i % period));
  expectRoundTrip(input);
}

TEST(EfiOptimal, RoundTripsEveryDebianEfiDriverAndNeverLosesToFast) {
  std::vector<std::string> roms = testing::debianEfiRoms();
  ASSERT_EQ(roms.size(), 8u);
  for (const std::string &rom : roms) {
    SCOPED_TRACE(rom);
    std::vector<Bytes> pes = efiPesInRom(rom);
    ASSERT_EQ(pes.size(), 1u);
    Bytes fast = compress(pes.front(), EfiLevel::Fast);
    Bytes optimal = compress(pes.front(), EfiLevel::Optimal);
    EXPECT_LE(optimal.size(), fast.size());
    EXPECT_TRUE(decodedOrFail(optimal) == pes.front());
  }
}

// How far back the farthest match of `stream` reaches (0 for none).
uint32_t farthestMatch(const Bytes &stream) {
  DecodeTrace trace;
  auto decoded = decompressTraced(stream, trace);
  if (!decoded) {
    ADD_FAILURE() << llvm::toString(decoded.takeError());
    return 0;
  }
  uint32_t farthest = 0;
  for (const DecodeTrace::Token &token : trace.tokens)
    farthest = std::max(farthest, token.distance);
  return farthest;
}

// The specification gives String Position (distance - 1) the range 0..8190:
// 8191 bytes back at most, though the position code could say 8192.
TEST(EfiCompress, NoMatchReachesPastTheSpecifiedWindowOnAnyDebianDriver) {
  std::vector<std::string> roms = testing::debianEfiRoms();
  ASSERT_EQ(roms.size(), 8u);
  for (const std::string &rom : roms) {
    std::vector<Bytes> pes = efiPesInRom(rom);
    ASSERT_EQ(pes.size(), 1u);
    for (EfiLevel level : {EfiLevel::Fast, EfiLevel::Optimal}) {
      SCOPED_TRACE(rom + (level == EfiLevel::Fast ? " fast" : " optimal"));
      uint32_t farthest = farthestMatch(compress(pes.front(), level));
      EXPECT_LE(farthest, kMaxDistance);
      EXPECT_GT(farthest, kMaxDistance - 64) << "the window's far end goes unused";
    }
  }
}

TEST(EfiCompress, AMatchExactlyOneWindowBackIsNotTaken) {
  // Random bytes repeated 8192 bytes later: the only long match is one byte
  // too far, so the repeat costs about as much as the original.
  Bytes input = randomBytes(kWindowSize, 78);
  input.insert(input.end(), input.begin(), input.end());
  for (EfiLevel level : {EfiLevel::Fast, EfiLevel::Optimal}) {
    Bytes stream = compress(input, level);
    EXPECT_GT(stream.size(), input.size() * 9 / 10);
    EXPECT_TRUE(decodedOrFail(stream) == input);
    EXPECT_LE(farthestMatch(stream), kMaxDistance);
  }
}

// The optimal parse asks the binary tree for what the full hash chain
// finds: the same candidates, position by position, so the same bytes out.
void expectSameCandidates(const Bytes &input) {
  HashChainMatchFinder chain(input, kWindowSize);
  BinaryTreeMatchFinder tree(input, kWindowSize);
  std::vector<MatchCandidate> fromChain, fromTree;
  for (size_t position = 0; position < input.size(); ++position) {
    fromChain.clear();
    fromTree.clear();
    chain.insertUpTo(position);
    unsigned chainLongest = chain.findAll(position, fromChain);
    unsigned treeLongest = tree.findAllAndInsert(position, fromTree);
    ASSERT_EQ(chainLongest, treeLongest) << "at " << position;
    ASSERT_EQ(fromChain.size(), fromTree.size()) << "at " << position;
    for (size_t i = 0; i < fromChain.size(); ++i) {
      ASSERT_EQ(fromChain[i].length, fromTree[i].length) << "at " << position;
      ASSERT_EQ(fromChain[i].distance, fromTree[i].distance) << "at " << position;
    }
  }
}

TEST(EfiMatchFinder, TheBinaryTreeFindsWhatTheWholeHashChainFinds) {
  std::mt19937 random(7);
  Bytes noise(20'000), fewSymbols(30'000), periods, zeros(3 * kWindowSize, 0), text;
  for (uint8_t &byte : noise)
    byte = uint8_t(random());
  // Four symbols: long chains, many equal prefixes, matches at every length.
  for (uint8_t &byte : fewSymbols)
    byte = uint8_t(random() % 4);
  // Runs of one period, repeated near and beyond the window, up to the end.
  for (unsigned period : {1u, 3u, 7u, 300u, 5000u, 9000u})
    for (size_t i = 0; i < 2 * period + 700; ++i)
      periods.push_back(uint8_t(i % period * 37 + period));
  // Pieces of four 400-byte strings, each copied with a byte changed here
  // and there: matches that reach the 256-byte limit, then part ways.
  Bytes pieces;
  std::vector<Bytes> strings(4, Bytes(400));
  for (Bytes &string : strings)
    for (uint8_t &byte : string)
      byte = uint8_t(random() % 3);
  for (int piece = 0; piece < 120; ++piece) {
    Bytes copy = strings[random() % 4];
    copy[random() % copy.size()] ^= 1;
    size_t start = random() % 100, length = 150 + random() % 250;
    pieces.insert(pieces.end(), copy.begin() + start,
                  copy.begin() + std::min(copy.size(), start + length));
  }
  for (int line = 0; line < 2000; ++line) {
    std::string words = "entry " + std::to_string(line * 7919 % 1000) + " of the table\n";
    text.insert(text.end(), words.begin(), words.end());
  }
  for (const Bytes *input : {&noise, &fewSymbols, &periods, &zeros, &text, &pieces}) {
    SCOPED_TRACE(input->size());
    expectSameCandidates(*input);
  }
  expectSameCandidates({});
  expectSameCandidates({1, 2});
  expectSameCandidates({1, 1, 1, 1});
}

TEST(EfiMatchFinder, TheBinaryTreeFindsWhatTheWholeHashChainFindsInADebianDriver) {
  std::vector<std::string> roms = testing::debianEfiRoms();
  ASSERT_FALSE(roms.empty());
  std::vector<Bytes> pes = efiPesInRom(roms.front());
  ASSERT_EQ(pes.size(), 1u);
  expectSameCandidates(pes.front());
}

TEST(EfiOptimal, E1000DriverSize) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  Bytes pe = e1000Pe();
  ASSERT_EQ(pe.size(), 174'400u);
  Bytes stream = compress(pe, EfiLevel::Optimal);
  // The optimal level reaches 98,109 bytes (EDK2's encoder: 101,027; the
  // fast level: 99,874): a regression guard with a little slack.
  EXPECT_LE(stream.size(), 98'150u);
  size_t romImageSize = (0x38 + stream.size() + 511) / 512 * 512;
  EXPECT_LE(romImageSize, 98'304u) << "stream " << stream.size();
  EXPECT_TRUE(decodedOrFail(stream) == pe);
}

TEST(EfiBlockCoder, HeaderAwareCodesAreExactAndNeverLarger) {
  // Blocks of a real parse of every size the splitter makes, and a few
  // degenerate ones.
  Bytes pe = e1000Pe();
  ASSERT_FALSE(pe.empty());
  std::vector<LzToken> tokens = lazyParse(pe);
  uint64_t huffmanBits = 0, headerAwareBits = 0;
  for (size_t blockTokens : {1u, 2u, 40u, 700u, 5'000u, 65'535u}) {
    for (size_t start = 0; start + blockTokens <= tokens.size(); start += 3 * blockTokens + 17'000) {
      llvm::ArrayRef<LzToken> block = llvm::ArrayRef<LzToken>(tokens).slice(start, blockTokens);
      EfiSymbolCounts counts;
      counts.addAll(block);
      EfiBlockPlan huffman = planBlock(counts);
      EfiBlockPlan headerAware = planBlock(counts, EfiCodeSearch::HeaderAware);
      EXPECT_LE(headerAware.totalBits(), huffman.totalBits()) << start << "+" << blockTokens;
      huffmanBits += huffman.totalBits();
      headerAwareBits += headerAware.totalBits();
      // The counted bits are the written bits.
      Bytes stream;
      MsbBitWriter writer(stream);
      writeBlock(headerAware, block, writer);
      writer.flush();
      EXPECT_EQ(stream.size(), (headerAware.totalBits() + 7) / 8);
    }
  }
  EXPECT_LT(headerAwareBits, huffmanBits);

  std::vector<LzToken> runs(300, LzToken::match(kMaxMatch, 1));
  runs.insert(runs.begin(), LzToken::literal(7));
  for (EfiLevel level : {EfiLevel::Fast, EfiLevel::Optimal}) {
    Bytes stream = encodeTokens(runs, 1 + 300 * kMaxMatch, level);
    Bytes decoded = decodedOrFail(stream);
    ASSERT_EQ(decoded.size(), 1 + 300 * kMaxMatch);
    EXPECT_TRUE(std::all_of(decoded.begin(), decoded.end(), [](uint8_t byte) { return byte == 7; }));
  }
}

TEST(EfiOptimal, HeaderAwareCodesShrinkTheStream) {
  Bytes pe = e1000Pe();
  ASSERT_FALSE(pe.empty());
  std::vector<LzToken> tokens = optimalParse(pe);
  Bytes huffman = encodeTokens(tokens, pe.size(), EfiLevel::Fast);
  Bytes headerAware = encodeTokens(tokens, pe.size(), EfiLevel::Optimal);
  EXPECT_LT(headerAware.size(), huffman.size());
  EXPECT_TRUE(decodedOrFail(headerAware) == pe);
  EXPECT_EQ(compress(pe, EfiLevel::Optimal), headerAware);
}

TEST(EfiOptimal, EdgeInputsRoundTrip) {
  Bytes empty = compress({}, EfiLevel::Optimal);
  EXPECT_EQ(empty.size(), kHeaderSize);
  expectRoundTrip({0x5A}, EfiLevel::Optimal);
  Bytes source = textLike(40, 7);
  for (size_t length = 0; length <= source.size(); ++length)
    expectRoundTrip(Bytes(source.begin(), source.begin() + length), EfiLevel::Optimal);

  Bytes ones(64 * 1024, 0xFF);
  expectRoundTrip(ones, EfiLevel::Optimal);
  EXPECT_LT(compress(ones, EfiLevel::Optimal).size(), 200u);

  Bytes noise = randomBytes(100'000, 12345);
  expectRoundTrip(noise, EfiLevel::Optimal);
  EXPECT_LT(compress(noise, EfiLevel::Optimal).size(), noise.size() + noise.size() / 100);

  Bytes runs;
  for (int period = 1; period < 40; ++period)
    for (int i = 0; i < 1000; ++i)
      runs.push_back(static_cast<uint8_t>(i % period));
  expectRoundTrip(runs, EfiLevel::Optimal);
}

TEST(EfiOptimal, InputLargerThanOneMebibyte) {
  Bytes input = textLike(900'000, 99);
  Bytes noise = randomBytes(300'000, 4);
  input.insert(input.end(), noise.begin(), noise.end());
  expectRoundTrip(input, EfiLevel::Optimal);
}

TEST(EfiOptimal, MatchAtTheFullWindowDistanceWithMaximumLength) {
  Bytes input = randomBytes(kMaxDistance, 77);
  input.insert(input.end(), input.begin(), input.begin() + kMaxMatch);
  std::vector<LzToken> tokens = optimalParse(input);
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.back().length, kMaxMatch);
  EXPECT_EQ(tokens.back().value, kMaxDistance);
  expectRoundTrip(input, EfiLevel::Optimal);
}

TEST(EfiOptimal, NeverWorseThanFastOnText) {
  // The lazy parse is the starting point and only a cheaper parse replaces it.
  Bytes input = textLike(50'000, 5);
  EXPECT_LE(compress(input, EfiLevel::Optimal).size(), compress(input, EfiLevel::Fast).size());
  expectRoundTrip(input, EfiLevel::Optimal);
}

void expectCompleteCode(llvm::ArrayRef<uint32_t> frequencies, llvm::ArrayRef<uint8_t> lengths,
                        unsigned maxLength) {
  uint64_t kraft = 0;
  for (size_t symbol = 0; symbol < lengths.size(); ++symbol) {
    EXPECT_LE(lengths[symbol], maxLength);
    EXPECT_EQ(lengths[symbol] == 0, frequencies[symbol] == 0) << symbol;
    if (lengths[symbol])
      kraft += uint64_t(1) << (maxLength - lengths[symbol]);
  }
  EXPECT_EQ(kraft, uint64_t(1) << maxLength);
}

TEST(EfiHuffman, LengthsAreLimitedAndComplete) {
  // Fibonacci frequencies make unlimited Huffman codes 30 levels deep.
  std::vector<uint32_t> frequencies = {1, 1};
  while (frequencies.size() < 30)
    frequencies.push_back(frequencies[frequencies.size() - 1] + frequencies[frequencies.size() - 2]);
  frequencies.push_back(0);
  std::vector<uint8_t> lengths = huffman::limitedCodeLengths(frequencies, kMaxCodeLength);
  expectCompleteCode(frequencies, lengths, kMaxCodeLength);
  EXPECT_EQ(*std::max_element(lengths.begin(), lengths.end()), kMaxCodeLength);
  // Optimal codes never give a more frequent symbol a longer code.
  for (size_t symbol = 1; symbol < 30; ++symbol)
    EXPECT_LE(lengths[symbol], lengths[symbol - 1]) << symbol;
  EXPECT_LE(lengths[29], 2u);
}

uint64_t weightedCost(llvm::ArrayRef<uint32_t> frequencies, llvm::ArrayRef<uint8_t> lengths,
                      llvm::ArrayRef<uint32_t> lengthCost) {
  uint64_t cost = 0;
  for (size_t symbol = 0; symbol < lengths.size(); ++symbol)
    if (lengths[symbol])
      cost += uint64_t(frequencies[symbol]) * lengths[symbol] + lengthCost[lengths[symbol]];
  return cost;
}


TEST(EfiHuffman, CostAwareLengthsWithoutLengthCostsAreOptimalLimitedCodes) {
  std::mt19937 generator(11);
  const std::vector<uint32_t> noLengthCost(kMaxCodeLength + 1, 0);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint32_t> frequencies(2 + generator() % 509);
    for (uint32_t &frequency : frequencies)
      frequency = generator() % 4 == 0 ? 0 : 1 + generator() % (trial % 2 ? 5 : 100'000);
    frequencies[0] = 1;
    frequencies[1] = 3;
    std::vector<uint8_t> lengths = huffman::costAwareCodeLengths(frequencies, kMaxCodeLength, noLengthCost);
    expectCompleteCode(frequencies, lengths, kMaxCodeLength);
    EXPECT_EQ(weightedCost(frequencies, lengths, noLengthCost),
              weightedCost(frequencies, huffman::limitedCodeLengths(frequencies, kMaxCodeLength),
                           noLengthCost));
  }
  // Fibonacci frequencies: the limit binds.
  std::vector<uint32_t> fibonacci = {1, 1};
  while (fibonacci.size() < 30)
    fibonacci.push_back(fibonacci[fibonacci.size() - 1] + fibonacci[fibonacci.size() - 2]);
  std::vector<uint8_t> lengths = huffman::costAwareCodeLengths(fibonacci, kMaxCodeLength, noLengthCost);
  expectCompleteCode(fibonacci, lengths, kMaxCodeLength);
  EXPECT_EQ(weightedCost(fibonacci, lengths, noLengthCost),
            weightedCost(fibonacci, huffman::limitedCodeLengths(fibonacci, kMaxCodeLength), noLengthCost));
}

// Every length assignment of a small alphabet, against the search.
TEST(EfiHuffman, CostAwareLengthsMatchExhaustiveSearch) {
  constexpr unsigned kMaxLength = 5;
  std::mt19937 generator(5);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<uint32_t> frequencies(2 + generator() % 5);
    for (uint32_t &frequency : frequencies)
      frequency = 1 + generator() % 40;
    std::vector<uint32_t> lengthCost(kMaxLength + 1, 0);
    for (unsigned length = 1; length <= kMaxLength; ++length)
      lengthCost[length] = generator() % 30;
    uint64_t best = UINT64_MAX;
    std::vector<uint8_t> candidate(frequencies.size(), 1);
    while (true) {
      uint64_t kraft = 0;
      for (uint8_t length : candidate)
        kraft += uint64_t(1) << (kMaxLength - length);
      if (kraft == uint64_t(1) << kMaxLength)
        best = std::min(best, weightedCost(frequencies, candidate, lengthCost));
      size_t digit = 0;
      while (digit < candidate.size() && candidate[digit] == kMaxLength)
        candidate[digit++] = 1;
      if (digit == candidate.size())
        break;
      ++candidate[digit];
    }
    std::vector<uint8_t> lengths = huffman::costAwareCodeLengths(frequencies, kMaxLength, lengthCost);
    expectCompleteCode(frequencies, lengths, kMaxLength);
    EXPECT_EQ(weightedCost(frequencies, lengths, lengthCost), best) << "trial " << trial;
  }
}

TEST(EfiHuffman, CostAwareLengthsFollowTheLengthCosts) {
  // Four equally frequent symbols: 2 bits each is best for data alone
  // (80 bits); when length 2 costs 100 more, 1-2-3-3 (90 + 100) beats it,
  // and no complete code of at most 3 bits avoids length 2 entirely.
  std::vector<uint32_t> frequencies = {10, 10, 10, 10};
  std::vector<uint32_t> lengthCost = {0, 0, 100, 0};
  std::vector<uint8_t> lengths = huffman::costAwareCodeLengths(frequencies, 3, lengthCost);
  std::vector<uint8_t> sorted = lengths;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<uint8_t>{1, 2, 3, 3}));
  lengthCost = {0, 0, 0, 0};
  EXPECT_EQ(huffman::costAwareCodeLengths(frequencies, 3, lengthCost), (std::vector<uint8_t>{2, 2, 2, 2}));
}

TEST(EfiHuffman, CanonicalCodesOrderByLengthThenSymbol) {
  std::vector<uint8_t> lengths = {3, 3, 3, 3, 3, 2, 4, 4};
  std::vector<uint16_t> codes = huffman::canonicalCodes(lengths);
  std::vector<uint16_t> expected = {0b010, 0b011, 0b100, 0b101, 0b110, 0b00, 0b1110, 0b1111};
  EXPECT_EQ(codes, expected);
}

// A stream of the first 6 KiB of the e1000 driver: varied codes, several
// tables, small enough to corrupt exhaustively.
Bytes smallValidStream() {
  Bytes pe = e1000Pe();
  if (pe.size() < 6144)
    pe = textLike(6144, 3);
  pe.resize(6144);
  return compress(pe, EfiLevel::Fast);
}

TEST(EfiDecompress, RejectsAShortHeader) {
  std::string message = errorOf({1, 0, 0, 0, 1, 0});
  EXPECT_NE(message.find("truncated at byte 6"), std::string::npos) << message;
}

TEST(EfiDecompress, RejectsACompressedSizePastTheEnd) {
  Bytes stream = smallValidStream();
  uint32_t claimed = static_cast<uint32_t>(stream.size() - kHeaderSize + 1);
  std::memcpy(stream.data(), &claimed, 4); // little-endian host
  std::string message = errorOf(stream);
  EXPECT_NE(message.find("truncated at byte " + std::to_string(stream.size())), std::string::npos)
      << message;
}

TEST(EfiDecompress, RejectsAnOriginalSizeAboveTheCap) {
  Bytes stream = smallValidStream();
  std::string message = errorOf(stream, 6143);
  EXPECT_NE(message.find("original size 6144"), std::string::npos) << message;
  EXPECT_NE(message.find("byte 4"), std::string::npos) << message;
  // A huge claim is refused without trying to allocate it.
  Bytes huge = {0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_NE(errorOf(huge).find("exceeds"), std::string::npos);
}

TEST(EfiDecompress, EveryTruncationIsAnError) {
  Bytes stream = smallValidStream();
  ASSERT_EQ(decodedOrFail(stream).size(), 6144u);
  for (size_t length = 0; length < stream.size(); ++length) {
    Bytes prefix(stream.begin(), stream.begin() + length);
    EXPECT_NE(errorOf(prefix), "") << length;
    // Also with the header agreeing, so the bit reader itself runs dry.
    if (length >= kHeaderSize) {
      uint32_t body = static_cast<uint32_t>(length - kHeaderSize);
      std::memcpy(prefix.data(), &body, 4);
      std::string message = errorOf(prefix);
      EXPECT_NE(message.find("truncated at byte " + std::to_string(length)), std::string::npos)
          << length << ": " << message;
    }
  }
}

TEST(EfiDecompress, RandomBitFlipsNeverCrash) {
  Bytes stream = smallValidStream();
  std::mt19937 generator(2024);
  int rejected = 0;
  constexpr int kTrials = 3000;
  constexpr size_t kCap = 1 << 20;
  for (int trial = 0; trial < kTrials; ++trial) {
    Bytes corrupt = stream;
    int flips = 1 + trial % 3;
    for (int i = 0; i < flips; ++i) {
      size_t bit = generator() % (corrupt.size() * 8);
      corrupt[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    }
    auto decoded = decompress(corrupt, kCap);
    if (decoded) {
      EXPECT_EQ(decoded->size(), le32(corrupt, 4));
      EXPECT_LE(decoded->size(), kCap);
    } else {
      std::string message = llvm::toString(decoded.takeError());
      EXPECT_NE(message.find("byte"), std::string::npos) << message;
      ++rejected;
    }
  }
  // Most corruptions are detectable (tables, distances, sizes).
  EXPECT_GT(rejected, kTrials / 10);
}

TEST(EfiDecompress, RejectsADistanceBeforeTheStartOfOutput) {
  std::vector<LzToken> tokens = {LzToken::literal('a'), LzToken::literal('b'), LzToken::match(3, 3)};
  std::string message = errorOf(encodeTokens(tokens, 5));
  EXPECT_NE(message.find("reaches 3 bytes back but only 2 bytes are decoded"), std::string::npos)
      << message;
  // Distance 2 from the same place is fine: "ababa".
  tokens.back() = LzToken::match(3, 2);
  Bytes decoded = decodedOrFail(encodeTokens(tokens, 5));
  EXPECT_EQ(std::string(decoded.begin(), decoded.end()), "ababa");
}

TEST(EfiDecompress, RejectsAMatchPastTheOriginalSize) {
  std::vector<LzToken> tokens = {LzToken::literal('a'), LzToken::match(4, 1)};
  std::string message = errorOf(encodeTokens(tokens, 3));
  EXPECT_NE(message.find("runs 2 bytes past the original size 3"), std::string::npos) << message;
}

// A block whose code-length set is given by `writeLengths`.
Bytes streamWithCodeLengthSet(void (*writeLengths)(MsbBitWriter &)) {
  Bytes stream(kHeaderSize, 0);
  MsbBitWriter writer(stream);
  writer.write(16, 1);
  writeLengths(writer);
  writer.write(32, 0);
  writer.flush();
  uint32_t body = static_cast<uint32_t>(stream.size() - kHeaderSize), original = 1;
  std::memcpy(stream.data(), &body, 4);
  std::memcpy(stream.data() + 4, &original, 4);
  return stream;
}

TEST(EfiDecompress, RejectsIncompleteAndOversubscribedTables) {
  Bytes incomplete = streamWithCodeLengthSet([](MsbBitWriter &writer) {
    writer.write(kCodeLengthCountBits, 1);
    writer.write(3, 1); // a lone 1-bit code leaves half the code space unused
  });
  std::string message = errorOf(incomplete);
  EXPECT_NE(message.find("invalid Huffman table (code-length set) in block at byte 8"),
            std::string::npos)
      << message;

  Bytes oversubscribed = streamWithCodeLengthSet([](MsbBitWriter &writer) {
    writer.write(kCodeLengthCountBits, 3);
    writer.write(3, 1);
    writer.write(3, 1);
    writer.write(3, 1);
    writer.write(2, 0);
  });
  message = errorOf(oversubscribed);
  EXPECT_NE(message.find("invalid Huffman table (code-length set)"), std::string::npos) << message;

  Bytes overlong = streamWithCodeLengthSet([](MsbBitWriter &writer) {
    writer.write(kCodeLengthCountBits, 2);
    writer.write(3, 7);
    writer.write(12, 0xFFF); // unary extension past 16 bits
  });
  message = errorOf(overlong);
  EXPECT_NE(message.find("invalid Huffman table"), std::string::npos) << message;
}

TEST(EfiDecompress, DecodesSingleSymbolSets) {
  // One block of four symbols, all the literal 'z', sets in single-symbol form.
  Bytes stream(kHeaderSize, 0);
  MsbBitWriter writer(stream);
  writer.write(16, 4);
  writer.write(kCodeLengthCountBits, 0);
  writer.write(kCodeLengthCountBits, 0);
  writer.write(kCharLenCountBits, 0);
  writer.write(kCharLenCountBits, 'z');
  writer.write(kPositionCountBits, 0);
  writer.write(kPositionCountBits, 0);
  writer.flush();
  uint32_t body = static_cast<uint32_t>(stream.size() - kHeaderSize), original = 4;
  std::memcpy(stream.data(), &body, 4);
  std::memcpy(stream.data() + 4, &original, 4);
  Bytes decoded = decodedOrFail(stream);
  EXPECT_EQ(std::string(decoded.begin(), decoded.end()), "zzzz");
}

} // namespace
} // namespace romfit::efi
