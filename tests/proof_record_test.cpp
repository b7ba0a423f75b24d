// A recorded proof stands for exactly what it proved: the ROM's bytes and
// the files QEMU ran. Anything else changed, and the ROM is booted again.
#include <fstream>

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include "support/file_io.h"
#include "tests/test_support.h"
#include "verify/proof_record.h"
#include "verify/published_rom.h"

namespace romfit::verify {
namespace {

class ProofRecordTest : public ::testing::Test {
protected:
  void SetUp() override {
    scratch = romfit::testing::makeScratchDir("proof-record");
    write("qemu", "QEMU 7.2");
    write("code.fd", "OVMF code");
    write("vars.fd", "OVMF vars");
    LocatedFirmware ovmf;
    ovmf.firmware = Firmware::Ovmf;
    ovmf.qemu = scratch + "/qemu";
    ovmf.code = scratch + "/code.fd";
    ovmf.varsTemplate = scratch + "/vars.fd";
    tools.firmwares.push_back(ovmf);
    request.expectedLines = {"minipxe: driver bound"};  // no boot program to serve
  }
  void TearDown() override { llvm::sys::fs::remove_directories(scratch); }
  void write(const std::string &name, const std::string &text) {
    ASSERT_FALSE(bool(writeFileAtomically(scratch + "/" + name, text)));
  }
  ProofKey key(ProofRecord &record, const Bytes &rom) {
    auto made = record.keyFor(rom, tools, request, {Firmware::Ovmf});
    EXPECT_TRUE(bool(made)) << (made ? "" : llvm::toString(made.takeError()));
    return made ? *made : ProofKey{};
  }
  std::string scratch;
  BootTools tools;
  BootCheckRequest request;
  const Bytes rom{0x55, 0xaa, 1, 2, 3};
};

TEST_F(ProofRecordTest, APassIsFoundAgainAfterSavingAndLoading) {
  ProofRecord record;
  ProofKey proved = key(record, rom);
  ASSERT_EQ(proved.inputs.size(), 3u);  // QEMU, code, variable store
  EXPECT_EQ(proved.inputs[0].role, "ovmf qemu");
  record.add({"8086100e", proved, "2026-12-06T08:00:00Z", "passed: 1 of 1\n"});
  ASSERT_FALSE(bool(record.save(scratch + "/proofs.json")));

  std::string warning;
  ProofRecord loaded = ProofRecord::load(scratch + "/proofs.json", &warning);
  EXPECT_EQ(warning, "");
  const RecordedProof *found = loaded.find(key(loaded, rom));
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->provedAt, "2026-12-06T08:00:00Z");
  EXPECT_EQ(found->verdict, "passed: 1 of 1\n");
}

TEST_F(ProofRecordTest, AnyChangedInputIsAnotherKey) {
  ProofRecord record;
  record.add({"8086100e", key(record, rom), "t", "v"});
  Bytes otherRom = rom;
  otherRom.back() ^= 1;
  EXPECT_EQ(record.find(key(record, otherRom)), nullptr) << "another ROM";
  request.nicModel = "e1000e";
  EXPECT_EQ(record.find(key(record, rom)), nullptr) << "another NIC";
  request.nicModel = "e1000";
  request.expectedLines = {"another line"};
  EXPECT_EQ(record.find(key(record, rom)), nullptr) << "other expected lines";
  request.expectedLines = {"minipxe: driver bound"};
  EXPECT_NE(record.find(key(record, rom)), nullptr) << "all back as proved";
  // A new QEMU (same size, so only its time and bytes tell) and new firmware.
  write("qemu", "QEMU 8.1");
  EXPECT_EQ(record.find(key(record, rom)), nullptr) << "another QEMU";
  write("qemu", "QEMU 7.2");
  write("code.fd", "OVMF cod3");
  EXPECT_EQ(record.find(key(record, rom)), nullptr) << "another firmware";
}

TEST_F(ProofRecordTest, AnUnreadableRecordIsEmptyAndSaysWhy) {
  write("proofs.json", "{\"version\": 1, \"proofs\": [");
  std::string warning;
  ProofRecord record = ProofRecord::load(scratch + "/proofs.json", &warning);
  EXPECT_TRUE(record.proofs().empty());
  EXPECT_NE(warning.find("proofs.json: not JSON"), std::string::npos) << warning;
  EXPECT_NE(warning.find("every ROM is booted again"), std::string::npos) << warning;
  write("proofs.json", "{\"version\": 99, \"proofs\": [], \"files\": {}}");
  record = ProofRecord::load(scratch + "/proofs.json", &warning);
  EXPECT_NE(warning.find("not a proof record of version 1"), std::string::npos) << warning;
  warning.clear();
  record = ProofRecord::load(scratch + "/none.json", &warning);
  EXPECT_EQ(warning, "") << "no record yet is not a problem";
}

TEST_F(ProofRecordTest, OnlyTheLatestFewProofsOfARomAreKept) {
  ProofRecord record;
  for (int i = 0; i < 10; ++i) {
    Bytes bytes = rom;
    bytes.push_back(uint8_t(i));
    record.add({"8086100e", key(record, bytes), std::to_string(i), "v"});
  }
  record.add({"10ec8139", key(record, rom), "other", "v"});
  ASSERT_EQ(record.proofs().size(), 5u);
  EXPECT_EQ(record.proofs().front().provedAt, "6");
  EXPECT_EQ(record.proofs().back().romId, "10ec8139");
}

// Exactly one of the three names holds the built bytes, whatever came before.
TEST_F(ProofRecordTest, APublishedRomHasOneNameAtATime) {
  PublishedRomNames names{scratch + "/packed.rom", scratch + "/r.unverified.rom",
                          scratch + "/r.rom", scratch + "/r.failed.rom"};
  write("packed.rom", "new bytes");
  write("r.rom", "an earlier build's proven bytes");
  write("r.failed.rom", "an earlier failure");
  auto present = [&] {
    std::string which;
    for (const std::string *name : {&names.unverified, &names.proven, &names.failed})
      if (romfit::testing::fileExists(*name))
        which += llvm::sys::path::filename(*name).str() + " ";
    return which;
  };
  ASSERT_FALSE(bool(publishRom(names, ProofState::Unverified)));
  EXPECT_EQ(present(), "r.unverified.rom ");
  EXPECT_EQ(romfit::testing::readText(names.unverified), "new bytes");
  ASSERT_FALSE(bool(publishRom(names, ProofState::Proven)));
  EXPECT_EQ(present(), "r.rom ");
  EXPECT_EQ(romfit::testing::readText(names.proven), "new bytes");
  ASSERT_FALSE(bool(publishRom(names, ProofState::Failed)));
  EXPECT_EQ(present(), "r.failed.rom ");
  EXPECT_EQ(romfit::testing::readText(names.built), "new bytes") << "pack's output stays";
  llvm::sys::fs::remove(names.built);
  llvm::Error missing = publishRom(names, ProofState::Proven);
  EXPECT_TRUE(bool(missing));
  llvm::consumeError(std::move(missing));
  EXPECT_EQ(present(), "r.failed.rom ") << "nothing moves when the built ROM is gone";
}

} // namespace
} // namespace romfit::verify
