#include <random>

#include <gtest/gtest.h>
#include <lzma.h>

#include "support/file_io.h"
#include "compress/lzma.h"

namespace romfit {
namespace {

std::vector<uint8_t> randomBytes(size_t size, uint32_t seed) {
  std::mt19937 generator(seed);
  std::vector<uint8_t> bytes(size);
  for (uint8_t &byte : bytes)
    byte = uint8_t(generator());
  return bytes;
}

std::vector<uint8_t> roundTrip(const std::vector<uint8_t> &input) {
  auto encoded = lzma::compress(input);
  EXPECT_TRUE(bool(encoded));
  if (!encoded) {
    llvm::consumeError(encoded.takeError());
    return {};
  }
  auto decoded = lzma::decompress(*encoded);
  EXPECT_TRUE(bool(decoded));
  if (!decoded) {
    llvm::consumeError(decoded.takeError());
    return {};
  }
  return *decoded;
}

TEST(Lzma, RoundTripsEdgeInputs) {
  EXPECT_EQ(roundTrip({}), std::vector<uint8_t>{});
  EXPECT_EQ(roundTrip({0x42}), std::vector<uint8_t>{0x42});
  std::vector<uint8_t> same(65536, 0xAB);
  EXPECT_EQ(roundTrip(same), same);
  auto noise = randomBytes(300000, 7);
  EXPECT_EQ(roundTrip(noise), noise);
}

TEST(Lzma, RoundTripsARealLegacyRom) {
  auto rom = readFileBytes("/usr/lib/ipxe/qemu/pxe-e1000.rom");
  ASSERT_TRUE(bool(rom)) << llvm::toString(rom.takeError());
  EXPECT_EQ(roundTrip(*rom), *rom);
}

// The stream must be what iPXE's unlzma accepts: decode it independently with
// liblzma's raw decoder configured only from the documented properties.
TEST(Lzma, StreamUsesIpxePropertiesAndEndMarker) {
  std::vector<uint8_t> text;
  for (int i = 0; i < 2000; ++i)
    text.push_back(uint8_t("romfit fits roms "[i % 17]));
  auto encoded = lzma::compress(text);
  ASSERT_TRUE(bool(encoded));
  EXPECT_LT(encoded->size(), text.size() / 4);

  lzma_options_lzma options{};
  lzma_lzma_preset(&options, 0);
  options.dict_size = 8u << 20;
  options.lc = 2;
  options.lp = 0;
  options.pb = 0;
  const lzma_filter filters[] = {{LZMA_FILTER_LZMA1, &options}, {LZMA_VLI_UNKNOWN, nullptr}};
  std::vector<uint8_t> output(text.size() + 100);
  size_t inPos = 0, outPos = 0;
  ASSERT_EQ(lzma_raw_buffer_decode(filters, nullptr, encoded->data(), &inPos, encoded->size(),
                                   output.data(), &outPos, output.size()),
            LZMA_OK);
  output.resize(outPos);
  EXPECT_EQ(output, text);
  EXPECT_EQ(inPos, encoded->size()) << "decoder stopped before the end marker";
}

TEST(Lzma, RejectsTruncatedStreamsNamingTheOffset) {
  auto encoded = lzma::compress(randomBytes(5000, 3));
  ASSERT_TRUE(bool(encoded));
  for (size_t length : {size_t(0), size_t(1), encoded->size() / 2, encoded->size() - 1}) {
    auto decoded = lzma::decompress(llvm::ArrayRef(*encoded).take_front(length));
    ASSERT_FALSE(bool(decoded)) << length;
    std::string message = llvm::toString(decoded.takeError());
    EXPECT_NE(message.find("byte"), std::string::npos) << message;
  }
}

TEST(Lzma, RejectsCorruptStreams) {
  auto encoded = lzma::compress(randomBytes(5000, 4));
  ASSERT_TRUE(bool(encoded));
  std::vector<uint8_t> corrupt = *encoded;
  for (size_t i = 0; i < corrupt.size(); i += 3)
    corrupt[i] ^= 0x5A;
  auto decoded = lzma::decompress(corrupt, 6000);
  // Either an error or, if the damaged stream still parses, nothing past the cap.
  if (decoded)
    EXPECT_LE(decoded->size(), 6000u);
  else
    llvm::consumeError(decoded.takeError());
}

TEST(Lzma, RefusesOutputPastTheCap) {
  std::vector<uint8_t> zeros(1 << 20, 0);
  auto encoded = lzma::compress(zeros);
  ASSERT_TRUE(bool(encoded));
  auto decoded = lzma::decompress(*encoded, 4096);
  ASSERT_FALSE(bool(decoded));
  EXPECT_NE(llvm::toString(decoded.takeError()).find("limit"), std::string::npos);
}

} // namespace
} // namespace romfit
