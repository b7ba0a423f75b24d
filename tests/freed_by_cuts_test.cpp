// What cuts free, computed from two garbage reports (with and without the
// cuts) over a graph's section sizes: no link needed.
#include <gtest/gtest.h>

#include "analysis/link_graph.h"
#include "analysis/size_attribution.h"

namespace romfit::analysis {
namespace {

LinkGraph graphOfSizes(std::vector<uint64_t> sizes) {
  LinkGraph graph;
  for (uint64_t size : sizes) {
    Node node;
    node.size = size;
    graph.nodes.push_back(node);
  }
  return graph;
}

TEST(FreedByCuts, OnlySectionsThatWereLiveWithoutTheCuts) {
  LinkGraph graph = graphOfSizes({100, 40, 7, 300});
  GarbageReport without;
  without.members = {{/*object=*/1, 147, 7, {2}, false}};
  GarbageReport with;
  with.members = {{/*object=*/1, 147, 147, {0, 1, 2}, true}, {/*object=*/2, 300, 300, {3}, true}};
  FreedByCuts freed = freedByCuts(graph, with, without);
  // Section 2 was garbage already: not freed by the cuts.
  EXPECT_EQ(freed.bytes, 440u);
  ASSERT_EQ(freed.members.size(), 2u);
  EXPECT_EQ(freed.members[0].member->object, 2);  // largest first
  EXPECT_EQ(freed.members[0].bytes, 300u);
  EXPECT_EQ(freed.members[1].bytes, 140u);
  EXPECT_EQ(freed.members[1].sections, (std::vector<NodeId>{0, 1}));
}

TEST(FreedByCuts, AMemberThatBecomesEntirelyDeadCountsEvenWithNoNewBytes) {
  LinkGraph graph = graphOfSizes({0, 12});
  GarbageReport without;
  without.members = {{/*object=*/4, 12, 12, {1}, false}};
  GarbageReport with;
  with.members = {{/*object=*/4, 12, 12, {1}, true}};
  FreedByCuts freed = freedByCuts(graph, with, without);
  EXPECT_EQ(freed.bytes, 0u);
  ASSERT_EQ(freed.members.size(), 1u);
  EXPECT_TRUE(freed.members[0].sections.empty());
}

TEST(FreedByCuts, NothingChangedFreesNothing) {
  LinkGraph graph = graphOfSizes({5});
  GarbageReport same;
  same.members = {{/*object=*/0, 5, 5, {0}, true}};
  FreedByCuts freed = freedByCuts(graph, same, same);
  EXPECT_EQ(freed.bytes, 0u);
  EXPECT_TRUE(freed.members.empty());
}

} // namespace
} // namespace romfit::analysis
