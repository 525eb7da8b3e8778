#include "data/table/table_diff.h"

#include <gtest/gtest.h>

#include "data/table/table_reader.h"

namespace moebius::data {
namespace {

Table Csv(const std::string& text) {
  auto t = ReadTableFromBuffer(text, ReadOptions{TableFormat::kCsv, "t.csv", {}});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return std::move(*t);
}

TEST(TableDiffTest, RowsByKeyColumnsAndTypes) {
  Table before = Csv("customer_id,age,plan,score\n1,30,free,0.5\n2,41,pro,0.7\n3,25,free,0.1\n4,60,pro,0.9\n");
  Table after = Csv("customer_id,age,plan,region\n1,30,free,north\n2,42,pro,south\n3,25,gold,east\n5,33,free,west\n6,20,pro,north\n");
  TableDiff d = DiffTables("customers.csv", before, after, 1);
  EXPECT_EQ(d.key, "customer_id");
  EXPECT_EQ(d.columns_added, std::vector<std::string>{"region"});
  EXPECT_EQ(d.columns_removed, std::vector<std::string>{"score"});
  EXPECT_TRUE(d.type_changes.empty());
  EXPECT_EQ(d.rows_before, 4u);
  EXPECT_EQ(d.rows_after, 5u);
  EXPECT_EQ(d.added, 2u);      // 5, 6
  EXPECT_EQ(d.removed, 1u);    // 4
  EXPECT_EQ(d.changed, 2u);    // 2 (age), 3 (plan)
  EXPECT_EQ(d.unchanged, 1u);  // 1
  ASSERT_EQ(d.sample_added.size(), 1u);  // the sample is cut
  EXPECT_EQ(d.sample_added[0]["customer_id"], "5");
  EXPECT_EQ(d.sample_removed[0]["customer_id"], "4");
  EXPECT_EQ(d.sample_changed[0], (Json{{"key", "2"}, {"changes", {{"age", {"41", "42"}}}}}));
  Json j = d.ToJson();
  EXPECT_EQ(j["counts"], (Json{{"added", 2}, {"removed", 1}, {"changed", 2}, {"unchanged", 1}}));
  EXPECT_EQ(j["key"], "customer_id");
}

TEST(TableDiffTest, TypeChangesAndWholeRowsWithoutAKey) {
  // No unique column: rows match whole, duplicates counted as a multiset.
  Table before = Csv("a,b\n1,x\n1,x\n2,y\n");
  Table after = Csv("a,b\n1,x\n2,z\n3.5,y\n");
  TableDiff d = DiffTables("t.csv", before, after);
  EXPECT_EQ(d.key, "");
  EXPECT_EQ(d.type_changes.size(), 1u);  // a: int → float
  EXPECT_EQ(std::get<1>(d.type_changes[0]), "int");
  EXPECT_EQ(std::get<2>(d.type_changes[0]), "float");
  EXPECT_EQ(d.unchanged, 1u);
  EXPECT_EQ(d.added, 2u);
  EXPECT_EQ(d.removed, 2u);
  EXPECT_EQ(d.changed, 0u);
  EXPECT_TRUE(d.ToJson()["key"].is_null());
}

TEST(TableDiffTest, IdenticalTablesHaveNothingToShow) {
  Table t = Csv("id,v\n1,a\n2,b\n");
  TableDiff d = DiffTables("t.csv", t, t);
  EXPECT_EQ(d.key, "id");
  EXPECT_EQ(d.added + d.removed + d.changed, 0u);
  EXPECT_EQ(d.unchanged, 2u);
}

}  // namespace
}  // namespace moebius::data
