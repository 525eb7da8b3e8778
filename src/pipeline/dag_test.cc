#include "pipeline/dag.h"

#include <gtest/gtest.h>

namespace moebius::pipeline {
namespace {

TEST(Dag, OrdersDependenciesFirstAndKeepsListedOrderAmongReadyNodes) {
  auto order = TopologicalOrder({"eval", "train", "prep", "report"}, {{"train", "prep"}, {"prep"}, {}, {}});
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  // Each pick is the first listed node whose dependencies are done.
  EXPECT_EQ(*order, (std::vector<std::string>{"prep", "train", "eval", "report"}));
}

TEST(Dag, DiamondOrder) {
  auto order = TopologicalOrder({"d", "b", "c", "a"}, {{"b", "c"}, {"a"}, {"a"}, {}});
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(*order, (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(Dag, NamesTheCycle) {
  auto order = TopologicalOrder({"a", "b", "c", "x"}, {{"c"}, {"a"}, {"b"}, {}});
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.status().code(), StatusCode::kInvalidArgument);
  // a needs c, c needs b, b needs a: each runs before the next one named.
  EXPECT_EQ(order.status().message(), "the steps form a cycle: b -> c -> a -> b");
}

TEST(Dag, SelfLoopAndUnknownAndDuplicate) {
  EXPECT_EQ(TopologicalOrder({"a"}, {{"a"}}).status().message(), "the steps form a cycle: a -> a");
  EXPECT_EQ(TopologicalOrder({"a"}, {{"zz"}}).status().message(), "step 'a' depends on unknown step 'zz'");
  EXPECT_EQ(TopologicalOrder({"a", "a"}, {{}, {}}).status().message(), "duplicate step name 'a'");
}

TEST(Dag, CycleBehindAReadyNodeIsFound) {
  auto order = TopologicalOrder({"ok", "p", "q"}, {{}, {"q"}, {"p"}});
  ASSERT_FALSE(order.ok());
  EXPECT_NE(order.status().message().find("q -> p -> q"), std::string::npos) << order.status().message();
}

}  // namespace
}  // namespace moebius::pipeline
