#include "eval/slices.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moebius::eval {
namespace {

// Seed 002's error-analysis table (speech recognition): accuracy and human-level performance
// per tag, and each tag's share of the data. Priority = gap to HLP x share.
TEST(SlicesTest, SeedErrorAnalysisTable) {
  std::vector<std::string> keys;
  auto add = [&](const std::string& k, int n) { keys.insert(keys.end(), n, k); };
  add("clean speech", 60);
  add("car noise", 4);
  add("people noise", 30);
  add("low bandwidth", 6);
  const std::map<std::string, double> accuracy = {
      {"clean speech", 0.94}, {"car noise", 0.89}, {"people noise", 0.87}, {"low bandwidth", 0.70}};
  SliceMetricFn fn = [&](std::span<const size_t> rows) -> Result<double> {
    if (rows.size() == keys.size()) return 0.9;
    return accuracy.at(keys[rows[0]]);
  };
  SliceOptions opt;
  opt.baselines = {{"clean speech", 0.95}, {"car noise", 0.93}, {"people noise", 0.89}, {"low bandwidth", 0.70}};
  auto r = *EvaluateSlices(keys, "accuracy", fn, opt);
  ASSERT_EQ(r.slices.size(), 4u);
  std::map<std::string, const SliceRow*> by_key;
  for (const auto& s : r.slices) by_key[s.key] = &s;
  EXPECT_NEAR(by_key["clean speech"]->priority, 0.006, 1e-12);   // 1% x 60%
  EXPECT_NEAR(by_key["car noise"]->priority, 0.0016, 1e-12);     // 4% x 4%
  EXPECT_NEAR(by_key["people noise"]->priority, 0.006, 1e-12);   // 2% x 30%
  EXPECT_NEAR(by_key["low bandwidth"]->priority, 0.0, 1e-12);
  EXPECT_NEAR(by_key["car noise"]->share, 0.04, 1e-15);
  EXPECT_EQ(r.slices[2].key, "car noise");
  EXPECT_EQ(r.slices[3].key, "low bandwidth");
}

TEST(SlicesTest, BaselineDefaultsToOverallAndFailuresSortLast) {
  std::vector<Label> t = {1, 0, 1, 1, 0, 1}, p = {1, 0, 0, 1, 0, 1};
  std::vector<double> s = {0.9, 0.2, 0.4, 0.8, 0.3, 0.7};
  std::vector<std::string> keys = {"a", "a", "b", "b", "c", "c"};
  auto acc = *LabelMetric("accuracy", t, p);
  auto r = *EvaluateSlices(keys, "accuracy", acc.fn);
  EXPECT_NEAR(r.overall, 5.0 / 6, 1e-15);
  EXPECT_EQ(r.slices[0].key, "b");  // accuracy 1/2: the only slice below the overall
  EXPECT_NEAR(r.slices[0].priority, (5.0 / 6 - 0.5) * (2.0 / 6), 1e-15);
  // ROC-AUC is undefined on slice "b" (only positives): it stays, with the reason, last.
  auto auc = *LabelMetric("roc_auc", t, p, s);
  auto ra = *EvaluateSlices(keys, "roc_auc", auc.fn);
  EXPECT_EQ(ra.slices.back().key, "b");
  EXPECT_TRUE(std::isnan(ra.slices.back().priority));
  EXPECT_NE(ra.slices.back().error.find("one class"), std::string::npos) << ra.slices.back().error;
}

TEST(SlicesTest, LowerIsBetterAndOverlappingTags) {
  std::vector<double> t = {1, 2, 3, 4}, p = {1, 2, 5, 4};
  auto rmse = *RegressionMetric("rmse", t, p);
  EXPECT_FALSE(rmse.higher_is_better);
  SliceOptions opt;
  opt.higher_is_better = false;
  auto r = *EvaluateTagSlices({{"noisy", "night"}, {"night"}, {"noisy", "noisy"}, {}}, "rmse", rmse.fn, opt);
  ASSERT_EQ(r.slices.size(), 2u);
  EXPECT_EQ(r.slices[0].key, "noisy");  // rows 0 and 2: rmse sqrt(2) above overall 1
  EXPECT_EQ(r.slices[0].rows, 2);
  EXPECT_NEAR(r.slices[0].priority, (std::sqrt(2.0) - 1.0) * 0.5, 1e-15);
  EXPECT_NEAR(r.slices[1].gap, -1.0, 1e-15);  // "night" is better than the overall
}

TEST(SlicesTest, Errors) {
  std::vector<Label> t = {1}, p = {1};
  EXPECT_FALSE(LabelMetric("accurcy", t, p).ok());
  EXPECT_FALSE(LabelMetric("roc_auc", t, p).ok());  // needs scores
  EXPECT_FALSE(RegressionMetric("r3", {}, {}).ok());
  auto acc = *LabelMetric("accuracy", t, p);
  EXPECT_FALSE(EvaluateSlices({}, "accuracy", acc.fn).ok());
}

}  // namespace
}  // namespace moebius::eval
