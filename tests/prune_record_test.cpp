// prune.json's one reader and one writer: what one writes the other reads
// back unchanged, and a damaged file is named with the field that is wrong.
#include <gtest/gtest.h>

#include "prune/prune_record.h"

namespace romfit::prune {
namespace {

PruneRecord sampleRecord() {
  PruneRecord record;
  record.rules = "/r/efi-downgrade-ux.rules";
  record.preconditions = {{"unreferenced g", true, "no relocation against it outside a.o"}};
  record.ruleSetsPassedOver = {"x.rules:3: precondition 'unreferenced h' does not hold: ..."};
  record.archive = "bin-x86_64-efi/blib.a";
  record.membersBefore = 361;
  record.membersAfter = 102;
  record.bytesBefore = 4498948;
  record.bytesAfter = 4289339;
  record.iterations = 2;
  record.stubs = {{"ipxe", -1}};
  record.droppedRequires = {{"obj_tls", "config.o"}};
  record.keptRequires = {{"obj_efi_snp", "net_drivers", {"efi_snp_driver"}, 4127}};
  record.members = {"intel.o", "efi_snp.o"};
  record.removedMembers = {{"tls.o", 15013}, {"dmesg.o", 8546}, {"iscsi.o", 7535}};
  return record;
}

TEST(PruneRecord, WhatIsWrittenReadsBackTheSame) {
  std::string text = pruneRecordText(sampleRecord());
  auto read = parsePruneRecord(text, "prune.json");
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  EXPECT_EQ(pruneRecordText(*read), text);
  EXPECT_EQ(read->members, sampleRecord().members);
  EXPECT_EQ(read->removedMembers[1].name, "dmesg.o");
  EXPECT_EQ(read->removedMembers[1].bytes, 8546u);
  EXPECT_EQ(read->stubs[0].returns, -1);
  EXPECT_EQ(read->keptRequires[0].entries, std::vector<std::string>{"efi_snp_driver"});
  EXPECT_EQ(read->keptRequires[0].bytes, 4127u);
  EXPECT_TRUE(read->preconditions[0].held);
  EXPECT_EQ(text.back(), '\n');
  // Keys come out sorted, so the file is the same on every run.
  EXPECT_LT(text.find("\"archive\""), text.find("\"bytes_after\""));
}

TEST(PruneRecord, DamageIsNamedWithTheField) {
  auto error = [](llvm::StringRef text) {
    auto read = parsePruneRecord(text, "out/prune.json");
    return read ? std::string("parsed") : llvm::toString(read.takeError());
  };
  EXPECT_EQ(error("{").rfind("out/prune.json: not JSON: ", 0), 0u) << error("{");
  EXPECT_EQ(error("[]"), "out/prune.json: not a JSON object");
  std::string text = pruneRecordText(sampleRecord());
  std::string noMembers = text;
  noMembers.replace(noMembers.find("\"members\":"), 10, "\"memberz\":");
  EXPECT_EQ(error(noMembers), "out/prune.json: 'members' is missing or not an array");
  std::string badBytes = text;
  badBytes.replace(badBytes.find("15013"), 5, "\"lots\"");
  EXPECT_EQ(error(badBytes),
            "out/prune.json: removed_members[0]: 'bytes' is missing or not an integer");
}

TEST(PruneRecord, RemovedSummaryNamesTheLargest) {
  PruneRecord record = sampleRecord();
  EXPECT_EQ(removedSummary(record, 2),
            "3 members, 31,094 B kept by ld in the unpruned link (largest: tls.o 15,013, "
            "dmesg.o 8,546)");
  record.removedMembers.clear();
  EXPECT_EQ(removedSummary(record), "0 members, 0 B kept by ld in the unpruned link");
}

} // namespace
} // namespace romfit::prune
