#include "data/split.h"

#include <gtest/gtest.h>

#include <set>

namespace moebius::data {
namespace {

std::vector<ManifestEntry> Items(int n, int classes) {
  std::vector<ManifestEntry> out;
  for (int i = 0; i < n; ++i) {
    char path[32];
    std::snprintf(path, sizeof path, "g%02d/i%04d.jpg", i % 13, i);
    out.push_back({path, std::string(64, 'a'), 1, Json{{"label", "c" + std::to_string(i % classes)}, {"t", 10000 - i}}.dump()});
  }
  EXPECT_TRUE(SortEntries(out).ok());
  return out;
}

std::string SplitOf(const ManifestEntry& e) { return Json::parse(e.meta)["split"].get<std::string>(); }

TEST(SplitTest, RandomIsExactAndDeterministic) {
  SplitSpec s{.method = "random", .seed = 42};
  auto a = *ApplySplit(Items(1000, 3), s);
  EXPECT_EQ(a.second.counts["train"], 800);
  EXPECT_EQ(a.second.counts["val"], 100);
  EXPECT_EQ(a.second.counts["test"], 100);
  auto b = *ApplySplit(Items(1000, 3), s);
  EXPECT_EQ(a.first, b.first);
  s.seed = 43;
  EXPECT_NE(ApplySplit(Items(1000, 3), s)->first, a.first);
}

TEST(SplitTest, StratifiedKeepsClassSharesPerSplit) {
  // 3 classes of 333/333/334 items: each class is cut 80/10/10 on its own.
  auto r = *ApplySplit(Items(1000, 3), SplitSpec{.method = "stratified", .seed = 1});
  for (const auto& [split, classes] : r.second.classes) {
    double share = split == "train" ? 0.8 : 0.1;
    for (const auto& [label, n] : classes) {
      int64_t total = label == "c0" ? 334 : 333;
      EXPECT_LE(std::abs(static_cast<double>(n) - share * total), 1.0) << split << " " << label;
    }
  }
  EXPECT_EQ(r.second.counts["train"] + r.second.counts["val"] + r.second.counts["test"], 1000);
  std::vector<ManifestEntry> unlabeled{{"a.jpg", std::string(64, 'a'), 1, "{}"}};
  EXPECT_FALSE(ApplySplit(unlabeled, SplitSpec{.method = "stratified"}).ok());
}

TEST(SplitTest, KFoldPartitionsEvenly) {
  auto r = *ApplySplit(Items(103, 2), SplitSpec{.method = "kfold", .folds = 5, .seed = 9});
  ASSERT_EQ(r.second.counts.size(), 5u);
  for (const auto& [fold, n] : r.second.counts) EXPECT_TRUE(n == 20 || n == 21) << fold << " " << n;
}

TEST(SplitTest, GroupsNeverStraddleSplits) {
  auto r = *ApplySplit(Items(520, 2), SplitSpec{.method = "group", .ratios = {{"train", 0.7}, {"test", 0.3}}, .seed = 5});
  std::map<std::string, std::set<std::string>> where;
  for (const auto& e : r.first) where[e.path.substr(0, 3)].insert(SplitOf(e));
  for (const auto& [g, splits] : where) EXPECT_EQ(splits.size(), 1u) << g;
  EXPECT_GT(r.second.counts["test"], 0);
}

TEST(SplitTest, TimeSplitPutsTheLatestInTest) {
  auto r = *ApplySplit(Items(100, 2), SplitSpec{.method = "time", .ratios = {{"train", 0.9}, {"test", 0.1}}, .time_key = "t"});
  for (const auto& e : r.first) {
    int64_t t = Json::parse(e.meta)["t"].get<int64_t>();
    // t runs 9901..10000; the ten largest are the test split.
    EXPECT_EQ(SplitOf(e), t > 9990 ? "test" : "train") << e.path;
  }
}

TEST(SplitTest, SpecValidation) {
  EXPECT_FALSE(ValidateSplitSpec(SplitSpec{.method = "magic"}).ok());
  EXPECT_FALSE(ValidateSplitSpec(SplitSpec{.ratios = {{"train", 0.8}, {"test", 0.3}}}).ok());
  EXPECT_FALSE(ValidateSplitSpec(SplitSpec{.ratios = {{"train", 1.0}, {"test", 0.0}}}).ok());
  EXPECT_FALSE(ValidateSplitSpec(SplitSpec{.method = "kfold", .folds = 1}).ok());
  auto parsed = SplitSpecFromJson(Json::parse(R"({"method":"stratified","ratios":{"test":0.2,"train":0.8},"seed":7})"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->ratios[0].first, "train");
  EXPECT_FALSE(SplitSpecFromJson(Json::parse(R"({"ratios":{"train":"a"}})")).ok());
}

}  // namespace
}  // namespace moebius::data
