#include "eval/curves.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moebius::eval {
namespace {

// sklearn's roc_curve / precision_recall_curve docstring example.
const std::vector<Label> kY = {0, 0, 1, 1};
const std::vector<double> kS = {0.1, 0.4, 0.35, 0.8};

void ExpectNear(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-15) << i;
}

TEST(CurvesTest, RocCurveAndAuc) {
  auto r = *Roc(kY, kS);
  ExpectNear(r.fpr, {0, 0, 0.5, 0.5, 1});
  ExpectNear(r.tpr, {0, 0.5, 0.5, 1, 1});
  ExpectNear(r.thresholds, {1.8, 0.8, 0.4, 0.35, 0.1});
  EXPECT_NEAR(*RocAuc(kY, kS), 0.75, 1e-15);
}

TEST(CurvesTest, DropIntermediateRemovesCollinearPoints) {
  std::vector<Label> y = {1, 1, 1, 0, 0, 0};
  std::vector<double> s = {6, 5, 4, 3, 2, 1};
  auto kept = *Roc(y, s);
  ExpectNear(kept.thresholds, {7, 6, 4, 1});
  ExpectNear(kept.fpr, {0, 0, 0, 1});
  ExpectNear(kept.tpr, {0, 1.0 / 3, 1, 1});
  EXPECT_EQ(Roc(y, s, 1, false)->thresholds.size(), 7u);
  EXPECT_NEAR(*RocAuc(y, s), 1.0, 1e-15);
}

TEST(CurvesTest, PrecisionRecallCurveAndAveragePrecision) {
  auto c = *PrecisionRecall(kY, kS);
  ExpectNear(c.precision, {0.5, 2.0 / 3, 0.5, 1, 1});
  ExpectNear(c.recall, {1, 1, 0.5, 0.5, 0});
  ExpectNear(c.thresholds, {0.1, 0.35, 0.4, 0.8});
  // Step sum: 0.5 * 1 + 0 * 0.5 + 0.5 * 2/3 + 0 * 0.5.
  EXPECT_NEAR(*AveragePrecision(kY, kS), 0.5 + 1.0 / 3, 1e-15);
}

TEST(CurvesTest, TiedScoresAreOneThreshold) {
  std::vector<Label> y = {0, 1, 0, 1};
  std::vector<double> s = {0.5, 0.5, 0.5, 0.5};
  EXPECT_NEAR(*RocAuc(y, s), 0.5, 1e-15);
  EXPECT_NEAR(*AveragePrecision(y, s), 0.5, 1e-15);
  EXPECT_EQ(PrecisionRecall(y, s)->thresholds.size(), 1u);
}

TEST(CurvesTest, PosLabelSelectsThePositiveClass) {
  std::vector<Label> y = {5, 5, 2, 2};
  EXPECT_NEAR(*RocAuc(y, kS, 2), 0.75, 1e-15);
  EXPECT_NEAR(*RocAuc(y, kS, 5), 0.25, 1e-15);
}

TEST(CurvesTest, SingleClassAndBadScoresAreInvalidArgument) {
  auto one = RocAuc(std::vector<Label>{1, 1, 1}, std::vector<double>{0.1, 0.2, 0.3});
  ASSERT_FALSE(one.ok());
  EXPECT_EQ(one.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(one.status().message().find("only one class"), std::string::npos) << one.status().message();
  EXPECT_FALSE(AveragePrecision(std::vector<Label>{0, 0}, std::vector<double>{0.1, 0.2}).ok());
  EXPECT_FALSE(RocAuc(kY, std::vector<double>{0.1, NAN, 0.3, 0.4}).ok());
  EXPECT_FALSE(RocAuc(kY, std::vector<double>{0.1, 0.2}).ok());
  EXPECT_FALSE(RocAuc({}, {}).ok());
  EXPECT_FALSE(RocAuc(std::vector<Label>{0, 1, 2}, std::vector<double>{0.1, 0.2, 0.3}).ok());
}

TEST(CurvesTest, OneVsRest) {
  ScoreMatrix perfect{{0, 1, 2}, {0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8, 0.6, 0.2, 0.2}};
  std::vector<Label> y = {0, 1, 2, 0};
  EXPECT_NEAR(*RocAucOvr(y, perfect, Average::kMacro), 1.0, 1e-15);
  EXPECT_NEAR(*AveragePrecisionOvr(y, perfect, Average::kWeighted), 1.0, 1e-15);
  // A class of the matrix absent from y_true, or rows that are not probabilities.
  EXPECT_FALSE(RocAucOvr(std::vector<Label>{0, 1, 1, 0}, perfect, Average::kMacro).ok());
  ScoreMatrix bad = perfect;
  bad.values[0] = 0.9;
  auto r = RocAucOvr(y, bad, Average::kMacro);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sum"), std::string::npos);
  EXPECT_FALSE(RocAucOvr(y, perfect, Average::kMicro).ok());
}

TEST(CurvesTest, CalibrationBins) {
  std::vector<Label> y = {0, 0, 1, 1, 1};
  std::vector<double> p = {0.1, 0.3, 0.5, 0.7, 0.9};
  // Uniform, 2 bins: 0.5 sits on the inner edge and falls in the lower bin.
  auto u = *Calibration(y, p, 2);
  ExpectNear(u.prob_true, {1.0 / 3, 1});
  ExpectNear(u.prob_pred, {0.3, 0.8});
  EXPECT_EQ(u.count, (std::vector<int64_t>{3, 2}));
  // Empty bins are left out.
  auto sparse = *Calibration(y, p, 10);
  EXPECT_EQ(sparse.count.size(), 5u);
  // Quantile, 5 bins: edges 0.1, 0.26, 0.42, 0.58, 0.74, 0.9 (linear percentiles): one per bin.
  EXPECT_EQ(Calibration(y, p, 5, BinStrategy::kQuantile)->count, (std::vector<int64_t>{1, 1, 1, 1, 1}));
  // Quantile, 2 bins: the median 0.5 is the inner edge and goes to the lower bin.
  EXPECT_EQ(Calibration(y, p, 2, BinStrategy::kQuantile)->count, (std::vector<int64_t>{3, 2}));
  EXPECT_FALSE(Calibration(y, std::vector<double>{0.1, 0.3, 0.5, 0.7, 1.2}).ok());
  EXPECT_FALSE(Calibration(y, p, 0).ok());
}

}  // namespace
}  // namespace moebius::eval
