// inspect, unpack and pack run as a user would run them.
#include <gtest/gtest.h>

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/JSON.h>

#include "support/file_io.h"
#include "tests/hostile_roms.h"
#include "tests/test_support.h"

namespace romfit::testing {
namespace {

uint8_t sumOf(const Bytes &bytes, size_t offset, size_t length) {
  uint8_t sum = 0;
  for (size_t i = offset; i < offset + length && i < bytes.size(); ++i)
    sum += bytes[i];
  return sum;
}

Bytes fileBytes(const std::string &path) {
  auto bytes = readFileBytes(path);
  if (!bytes) {
    ADD_FAILURE() << llvm::toString(bytes.takeError());
    return {};
  }
  return *bytes;
}

void writeBytes(const std::string &path, const Bytes &bytes) {
  ASSERT_FALSE(writeFileAtomically(path, bytes)) << path;
}

std::vector<llvm::json::Object> jsonDocuments(const std::string &text) {
  std::vector<llvm::json::Object> documents;
  llvm::SmallVector<llvm::StringRef, 16> lines;
  llvm::StringRef(text).split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    auto value = llvm::json::parse(line);
    if (!value) {
      ADD_FAILURE() << llvm::toString(value.takeError()) << ": " << line.str();
      continue;
    }
    if (auto *object = value->getAsObject())
      documents.push_back(std::move(*object));
  }
  return documents;
}

int64_t integer(const llvm::json::Object &object, llvm::StringRef key) {
  auto value = object.getInteger(key);
  EXPECT_TRUE(value.hasValue()) << key.str();
  return value.getValueOr(-1);
}

std::string hex(int64_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%llx", static_cast<long long>(value));
  return text;
}

bool isEmptyOrMissingDirectory(const std::string &path) {
  std::error_code error;
  llvm::sys::fs::directory_iterator it(path, error);
  return error || it == llvm::sys::fs::directory_iterator();
}

TEST(InspectCommand, ReadsAllDebianRomsAndItsChecksumsAreTrue) {
  auto roms = debianRoms();
  ASSERT_EQ(roms.size(), 16u);
  std::vector<std::string> arguments{"inspect", "--json"};
  arguments.insert(arguments.end(), roms.begin(), roms.end());
  CommandResult result = runRomfit(arguments);
  ASSERT_EQ(result.status, 0) << result.err;
  auto documents = jsonDocuments(result.out);
  ASSERT_EQ(documents.size(), 16u);
  for (size_t i = 0; i < roms.size(); ++i) {
    SCOPED_TRACE(roms[i]);
    Bytes bytes = fileBytes(roms[i]);
    const llvm::json::Object &document = documents[i];
    EXPECT_EQ(integer(document, "size"), int64_t(bytes.size()));
    EXPECT_EQ(integer(document, "budget"), 262144);
    // efi-*.rom are 238-244 KiB, pxe-*.rom 72-74 KiB.
    EXPECT_EQ(integer(document, "bar_size"), bytes.size() > 131072 ? 262144 : 131072);
    EXPECT_EQ(integer(document, "headroom"), 262144 - int64_t(bytes.size()));
    const llvm::json::Array *images = document.getArray("images");
    ASSERT_TRUE(images);
    ASSERT_FALSE(images->empty());
    for (const llvm::json::Value &value : *images) {
      const llvm::json::Object &image = *value.getAsObject();
      int64_t offset = integer(image, "offset"), length = integer(image, "length");
      ASSERT_LE(offset + length, int64_t(bytes.size()));
      bool reportedOk = image.getBoolean("checksum_ok").getValueOr(false);
      EXPECT_EQ(reportedOk, sumOf(bytes, offset, length) == 0) << "image at " << offset;
      EXPECT_EQ(bytes[offset], 0x55);
      EXPECT_EQ(bytes[offset + 1], 0xAA);
    }
  }
}

TEST(InspectCommand, BarSizeIsTheNextPowerOfTwo) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  CommandResult result = runRomfit({"inspect", "--json", "--budget", "64KiB",
                                    std::string(kDebianRomDir) + "/pxe-e1000.rom"});
  EXPECT_EQ(result.status, 1) << "75,264 B is over a 64 KiB budget";
  auto documents = jsonDocuments(result.out);
  ASSERT_EQ(documents.size(), 1u);
  EXPECT_EQ(integer(documents[0], "bar_size"), 131072);
  EXPECT_EQ(integer(documents[0], "headroom"), 65536 - 75264);
}

TEST(InspectCommand, ShowsEfiE1000AsLegacyPlusUncompressedX64) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  std::string rom = std::string(kDebianRomDir) + "/efi-e1000.rom";
  CommandResult json = runRomfit({"inspect", "--json", rom});
  ASSERT_EQ(json.status, 0) << json.err;
  auto documents = jsonDocuments(json.out);
  ASSERT_EQ(documents.size(), 1u);
  const llvm::json::Array *images = documents[0].getArray("images");
  ASSERT_TRUE(images);
  ASSERT_EQ(images->size(), 2u);
  const llvm::json::Object &legacy = *(*images)[0].getAsObject();
  const llvm::json::Object &efi = *(*images)[1].getAsObject();
  for (const char *key : {"offset", "length", "type", "vendor", "device", "class", "machine",
                          "compressed", "checksum_ok", "last"}) {
    EXPECT_TRUE(legacy.get(key)) << key;
    EXPECT_TRUE(efi.get(key)) << key;
  }
  EXPECT_EQ(legacy.getString("type").getValueOr(""), "legacy");
  EXPECT_EQ(integer(legacy, "length"), 75264);
  EXPECT_EQ(integer(legacy, "vendor"), 0x8086);
  EXPECT_EQ(integer(legacy, "device"), 0x100e);
  EXPECT_EQ(integer(legacy, "class"), 0x020000);
  EXPECT_EQ(legacy.getBoolean("last").getValueOr(true), false);
  EXPECT_EQ(efi.getString("type").getValueOr(""), "efi");
  EXPECT_EQ(efi.getString("machine").getValueOr(""), "X64");
  EXPECT_EQ(efi.getBoolean("compressed").getValueOr(true), false);
  EXPECT_EQ(efi.getBoolean("last").getValueOr(false), true);
  EXPECT_EQ(integer(efi, "offset"), 75264);
  EXPECT_EQ(integer(efi, "length"), 249856 - 75264);

  CommandResult text = runRomfit({"inspect", rom});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find("75,264 B"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("X64"), std::string::npos);
  EXPECT_NE(text.out.find("uncompressed"), std::string::npos);
  EXPECT_NE(text.out.find("$PnP"), std::string::npos);
  EXPECT_NE(text.out.find("262,144"), std::string::npos);
  EXPECT_NE(text.out.find("12,288"), std::string::npos) << "headroom 262,144 - 249,856";
}

struct EfiIds {
  int64_t vendor = -1, device = -1, classCode = -1;
};

EfiIds efiImageIds(const std::string &rom) {
  CommandResult result = runRomfit({"inspect", "--json", rom});
  EXPECT_EQ(result.status, 0) << result.err;
  auto documents = jsonDocuments(result.out);
  EfiIds ids;
  if (documents.size() != 1)
    return ids;
  for (const llvm::json::Value &value : *documents[0].getArray("images")) {
    const llvm::json::Object &image = *value.getAsObject();
    if (image.getString("type").getValueOr("") == "efi")
      ids = {integer(image, "vendor"), integer(image, "device"), integer(image, "class")};
  }
  return ids;
}

TEST(UnpackPackCommands, RebuildEachDebianEfiRomByteForByte) {
  auto roms = debianEfiRoms();
  ASSERT_EQ(roms.size(), 8u);
  for (const std::string &rom : roms) {
    SCOPED_TRACE(rom);
    std::string dir = makeScratchDir("unpack");
    std::string out = dir + "/images";
    CommandResult unpack = runRomfit({"unpack", rom, "-o", out});
    ASSERT_EQ(unpack.status, 0) << unpack.err;
    std::string legacy = out + "/image0-legacy.rom", pe = out + "/image1-efi-x64.efi";
    ASSERT_TRUE(fileExists(legacy)) << unpack.out;
    ASSERT_TRUE(fileExists(pe)) << unpack.out;
    ASSERT_TRUE(fileExists(out + "/image1-efi-x64.efirom"));
    Bytes peBytes = fileBytes(pe);
    ASSERT_GT(peBytes.size(), 2u);
    EXPECT_EQ(peBytes[0], 'M');  // the PE itself, not an EFI ROM image
    EXPECT_EQ(peBytes[1], 'Z');

    EfiIds ids = efiImageIds(rom);
    ASSERT_GE(ids.vendor, 0);
    std::string packed = dir + "/packed.rom";
    CommandResult pack = runRomfit({"pack", "-o", packed, "--legacy", legacy, "--efi", pe,
                                    "--vendor", hex(ids.vendor), "--device", hex(ids.device),
                                    "--class", hex(ids.classCode), "--no-compress"});
    ASSERT_EQ(pack.status, 0) << pack.err;
    EXPECT_TRUE(fileBytes(packed) == fileBytes(rom));
    llvm::sys::fs::remove_directories(dir);
  }
}

TEST(UnpackCommand, LegacyImageOfAnEfiRomIsThePxeRom) {
  std::string dir = makeScratchDir("unpack-legacy");
  CommandResult unpack =
      runRomfit({"unpack", std::string(kDebianRomDir) + "/efi-virtio.rom", "-o", dir + "/new/sub"});
  ASSERT_EQ(unpack.status, 0) << unpack.err;
  EXPECT_TRUE(fileBytes(dir + "/new/sub/image0-legacy.rom") ==
              fileBytes(std::string(kDebianRomDir) + "/pxe-virtio.rom"));
  EXPECT_NE(unpack.out.find("image1-efi-x64.efi"), std::string::npos) << unpack.out;
  llvm::sys::fs::remove_directories(dir);
}

TEST(PackCommand, AcceptsAnExistingEfiRomImage) {
  std::string rom = std::string(kDebianRomDir) + "/efi-rtl8139.rom";
  std::string dir = makeScratchDir("pack-efirom");
  ASSERT_EQ(runRomfit({"unpack", rom, "-o", dir}).status, 0);
  CommandResult pack = runRomfit({"pack", "-o", dir + "/out.rom", "--legacy",
                                  dir + "/image0-legacy.rom", "--efi",
                                  dir + "/image1-efi-x64.efirom"});
  ASSERT_EQ(pack.status, 0) << pack.err;
  EXPECT_TRUE(fileBytes(dir + "/out.rom") == fileBytes(rom));
  llvm::sys::fs::remove_directories(dir);
}

TEST(PackCommand, CompressionBringsEfiE1000UnderTheTarget) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  std::string rom = std::string(kDebianRomDir) + "/efi-e1000.rom";
  ASSERT_EQ(fileBytes(rom).size(), 249856u);
  std::string dir = makeScratchDir("pack-compressed");
  ASSERT_EQ(runRomfit({"unpack", rom, "-o", dir}).status, 0);
  std::string packed = dir + "/packed.rom";
  CommandResult pack = runRomfit({"pack", "-o", packed, "--legacy", dir + "/image0-legacy.rom",
                                  "--efi", dir + "/image1-efi-x64.efi", "--vendor", "8086",
                                  "--device", "100e"});
  ASSERT_EQ(pack.status, 0) << pack.err;
  Bytes bytes = fileBytes(packed);
  EXPECT_LE(bytes.size(), 176640u);
  EXPECT_EQ(bytes.size() % 512, 0u);

  CommandResult inspect = runRomfit({"inspect", "--json", packed});
  ASSERT_EQ(inspect.status, 0) << inspect.err;
  auto documents = jsonDocuments(inspect.out);
  ASSERT_EQ(documents.size(), 1u);
  const llvm::json::Array *images = documents[0].getArray("images");
  ASSERT_TRUE(images && images->size() == 2);
  EXPECT_EQ((*images)[1].getAsObject()->getBoolean("compressed").getValueOr(false), true);

  // The PE survives compression.
  ASSERT_EQ(runRomfit({"unpack", packed, "-o", dir + "/again"}).status, 0);
  EXPECT_TRUE(fileBytes(dir + "/again/image1-efi-x64.efi") ==
              fileBytes(dir + "/image1-efi-x64.efi"));
  llvm::sys::fs::remove_directories(dir);
}

TEST(PackCommand, WritesTheDeviceListAndPads) {
  std::string rom = std::string(kDebianRomDir) + "/efi-e1000e.rom";
  std::string dir = makeScratchDir("pack-devlist");
  ASSERT_EQ(runRomfit({"unpack", rom, "-o", dir}).status, 0);
  std::string packed = dir + "/packed.rom";
  CommandResult pack = runRomfit({"pack", "-o", packed, "--legacy", dir + "/image0-legacy.rom",
                                  "--efi", dir + "/image1-efi-x64.efi", "--no-compress",
                                  "--device-list", "10d3,0x10f6", "--pad", "pow2"});
  ASSERT_EQ(pack.status, 0) << pack.err;
  Bytes bytes = fileBytes(packed);
  EXPECT_EQ(bytes.size(), 262144u);
  CommandResult inspect = runRomfit({"inspect", "--json", packed});
  ASSERT_EQ(inspect.status, 0) << inspect.err;
  auto documents = jsonDocuments(inspect.out);
  ASSERT_EQ(documents.size(), 1u);
  const llvm::json::Array *images = documents[0].getArray("images");
  ASSERT_TRUE(images && images->size() == 2);
  const llvm::json::Object &efi = *(*images)[1].getAsObject();
  const llvm::json::Array *devices = efi.getArray("device_list");
  ASSERT_TRUE(devices && devices->size() == 2);
  EXPECT_EQ((*devices)[0].getAsInteger().getValueOr(0), 0x10d3);
  EXPECT_EQ((*devices)[1].getAsInteger().getValueOr(0), 0x10f6);
  // IDs came from the legacy image.
  EXPECT_EQ(integer(efi, "vendor"), 0x8086);
  EXPECT_EQ(integer(efi, "device"), 0x10d3);
  int64_t end = integer(efi, "offset") + integer(efi, "length");
  EXPECT_EQ(integer(documents[0], "trailing_bytes"), 262144 - end);
  for (size_t i = end; i < bytes.size(); ++i)
    ASSERT_EQ(bytes[i], 0) << i;
  llvm::sys::fs::remove_directories(dir);
}

TEST(PackCommand, OverBudgetWritesNothingAndNamesTheExcess) {
  ROMFIT_SKIP_UNLESS_PINNED_DEBIAN_ROMS();
  std::string rom = std::string(kDebianRomDir) + "/efi-e1000.rom";
  std::string dir = makeScratchDir("pack-over");
  ASSERT_EQ(runRomfit({"unpack", rom, "-o", dir}).status, 0);
  std::string packed = dir + "/packed.rom";
  CommandResult pack = runRomfit({"pack", "-o", packed, "--legacy", dir + "/image0-legacy.rom",
                                  "--efi", dir + "/image1-efi-x64.efi", "--no-compress",
                                  "--budget", "200000"});
  EXPECT_EQ(pack.status, 1) << pack.err;
  EXPECT_NE(pack.err.find("49,856"), std::string::npos) << pack.err;  // 249,856 - 200,000
  EXPECT_FALSE(fileExists(packed));

  CommandResult padded = runRomfit({"pack", "-o", packed, "--legacy", dir + "/image0-legacy.rom",
                                    "--pad", "512KiB"});
  EXPECT_EQ(padded.status, 1) << padded.err;
  EXPECT_NE(padded.err.find("262,144"), std::string::npos) << padded.err;  // 524,288 - 262,144
  EXPECT_FALSE(fileExists(packed));
  llvm::sys::fs::remove_directories(dir);
}

// romfit build gates the budget itself, after building the unpruned ROM it
// compares with: pack still measures, and writes.
TEST(PackCommand, NoBudgetGateWritesAnOverBudgetRomAndStillMeasuresIt) {
  std::string dir = makeScratchDir("pack-no-gate");
  ASSERT_EQ(runRomfit({"unpack", std::string(kDebianRomDir) + "/efi-e1000.rom", "-o", dir}).status, 0);
  std::string packed = dir + "/packed.rom";
  CommandResult pack = runRomfit({"pack", "-o", packed, "--legacy", dir + "/image0-legacy.rom",
                                  "--pad", "512KiB", "--no-budget-gate"});
  EXPECT_EQ(pack.status, 0) << pack.err;
  EXPECT_NE(pack.out.find("262,144"), std::string::npos) << pack.out;  // over by that much
  uint64_t size = 0;
  EXPECT_FALSE(llvm::sys::fs::file_size(packed, size));
  EXPECT_EQ(size, 524288u);
  llvm::sys::fs::remove_directories(dir);
}

TEST(PackCommand, WrappingAPeWithoutIdsIsAUsageError) {
  std::string dir = makeScratchDir("pack-noids");
  ASSERT_EQ(runRomfit({"unpack", std::string(kDebianRomDir) + "/efi-e1000.rom", "-o", dir}).status, 0);
  CommandResult pack = runRomfit({"pack", "-o", dir + "/out.rom", "--efi", dir + "/image1-efi-x64.efi"});
  EXPECT_EQ(pack.status, 2);
  EXPECT_NE(pack.err.find("--vendor"), std::string::npos) << pack.err;
  EXPECT_FALSE(fileExists(dir + "/out.rom"));

  // An EFI ROM image already carries its IDs.
  CommandResult efiRom = runRomfit({"pack", "-o", dir + "/out.rom", "--efi", dir + "/image1-efi-x64.efirom"});
  EXPECT_EQ(efiRom.status, 0) << efiRom.err;
  EXPECT_TRUE(fileBytes(dir + "/out.rom") == fileBytes(dir + "/image1-efi-x64.efirom"));
  llvm::sys::fs::remove_directories(dir);
}

class HostileRomCommands : public ::testing::TestWithParam<size_t> {};

TEST_P(HostileRomCommands, FailWithTheOffsetAndLeaveNoOutput) {
  HostileRom hostile = hostileRoms().at(GetParam());
  SCOPED_TRACE(hostile.name);
  std::string dir = makeScratchDir("hostile");
  std::string input = dir + "/" + hostile.name + ".rom";
  writeBytes(input, hostile.bytes);

  CommandResult inspect = runRomfit({"inspect", input});
  EXPECT_EQ(inspect.status, 2);
  EXPECT_NE(inspect.err.find(hostile.offsetInMessage), std::string::npos) << inspect.err;
  EXPECT_NE(inspect.err.find(hostile.wordsInMessage), std::string::npos) << inspect.err;

  std::string unpackDir = dir + "/unpacked";
  CommandResult unpack = runRomfit({"unpack", input, "-o", unpackDir});
  EXPECT_EQ(unpack.status, 2);
  EXPECT_NE(unpack.err.find(hostile.offsetInMessage), std::string::npos) << unpack.err;
  EXPECT_TRUE(isEmptyOrMissingDirectory(unpackDir));

  std::string packed = dir + "/packed.rom";
  CommandResult pack = runRomfit({"pack", "-o", packed, "--legacy", input});
  EXPECT_EQ(pack.status, 2);
  EXPECT_NE(pack.err.find(hostile.offsetInMessage), std::string::npos) << pack.err;
  EXPECT_FALSE(fileExists(packed));
  CommandResult packEfi = runRomfit({"pack", "-o", packed, "--efi", input});
  EXPECT_EQ(packEfi.status, 2);
  EXPECT_FALSE(fileExists(packed));
  llvm::sys::fs::remove_directories(dir);
}

std::string hostileName(const ::testing::TestParamInfo<size_t> &info) {
  std::string name = hostileRoms().at(info.param).name;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(EachBrokenRom, HostileRomCommands,
                         ::testing::Range<size_t>(0, hostileRoms().size()), hostileName);

TEST(HostileRomCommands, CoverTheBriefsCases) {
  std::vector<std::string> names;
  for (const HostileRom &rom : hostileRoms())
    names.push_back(rom.name);
  for (const char *required :
       {"truncated-after-first-image", "bad-signature", "pcir-outside-image", "image-length-zero",
        "image-length-past-end", "images-never-end", "efi-stream-corrupt-header",
        "efi-stream-truncated-body"})
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end()) << required;
}

} // namespace
} // namespace romfit::testing
