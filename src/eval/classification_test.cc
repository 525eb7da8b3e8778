#include "eval/classification.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moebius::eval {
namespace {

// Hand-computed: y_true = [0, 0, 1, 1, 2, 2], y_pred = [0, 1, 1, 1, 0, 2]
//   class 0: tp 1, predicted 2, true 2 -> P 1/2, R 1/2, F 1/2
//   class 1: tp 2, predicted 3, true 2 -> P 2/3, R 1,   F 4/5
//   class 2: tp 1, predicted 1, true 2 -> P 1,   R 1/2, F 2/3
const std::vector<Label> kTrue3 = {0, 0, 1, 1, 2, 2};
const std::vector<Label> kPred3 = {0, 1, 1, 1, 0, 2};

TEST(ClassificationTest, AccuracyAndBinaryPrf) {
  std::vector<Label> t = {0, 1, 1, 0, 1, 1}, p = {0, 1, 0, 0, 1, 1};
  EXPECT_DOUBLE_EQ(*Accuracy(t, p), 5.0 / 6);
  auto r = PrecisionRecallF1(t, p, Average::kBinary, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->precision, 1.0);  // tp 3 of 3 predicted
  EXPECT_DOUBLE_EQ(r->recall, 0.75);    // tp 3 of 4 true
  EXPECT_DOUBLE_EQ(r->f1, 2 * 0.75 / 1.75);
  auto neg = PrecisionRecallF1(t, p, Average::kBinary, 0);
  EXPECT_DOUBLE_EQ(neg->precision, 2.0 / 3);  // predicted 0 three times, two right
  EXPECT_DOUBLE_EQ(neg->recall, 1.0);
}

TEST(ClassificationTest, MulticlassAverages) {
  auto macro = *PrecisionRecallF1(kTrue3, kPred3, Average::kMacro);
  EXPECT_NEAR(macro.precision, (0.5 + 2.0 / 3 + 1) / 3, 1e-15);
  EXPECT_NEAR(macro.recall, (0.5 + 1 + 0.5) / 3, 1e-15);
  EXPECT_NEAR(macro.f1, (0.5 + 0.8 + 2.0 / 3) / 3, 1e-15);
  auto micro = *PrecisionRecallF1(kTrue3, kPred3, Average::kMicro);
  EXPECT_NEAR(micro.f1, 4.0 / 6, 1e-15);  // micro = accuracy for single-label multiclass
  auto weighted = *PrecisionRecallF1(kTrue3, kPred3, Average::kWeighted);  // supports are equal
  EXPECT_NEAR(weighted.f1, macro.f1, 1e-15);
  auto report = *ClassReport(kTrue3, kPred3);
  ASSERT_EQ(report.per_class.size(), 3u);
  EXPECT_EQ(report.per_class[1].predicted, 3);
  EXPECT_NEAR(report.per_class[1].f1, 0.8, 1e-15);
}

TEST(ClassificationTest, BinaryAverageRefusesThreeClassesAndUnknownPosLabel) {
  auto r = PrecisionRecallF1(kTrue3, kPred3, Average::kBinary);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("[0, 1, 2]"), std::string::npos) << r.status().message();
  EXPECT_FALSE(PrecisionRecallF1(std::vector<Label>{0, 1}, std::vector<Label>{0, 1}, Average::kBinary, 7).ok());
}

TEST(ClassificationTest, ZeroDivisionGivesZero) {
  // Class 1 is predicted but never true: its recall is 0/0 -> 0, as sklearn's default.
  std::vector<Label> t = {0, 0}, p = {1, 0};
  auto macro = *PrecisionRecallF1(t, p, Average::kMacro);
  EXPECT_DOUBLE_EQ(macro.recall, 0.25);     // (1/2 + 0) / 2
  EXPECT_DOUBLE_EQ(macro.precision, 0.5);   // (1 + 0) / 2
  EXPECT_DOUBLE_EQ(*BalancedAccuracy(t, p), 0.5);  // class 1 has no true sample: left out
}

TEST(ClassificationTest, ConfusionMatrixOrderAndErrors) {
  auto m = *Confusion(kTrue3, kPred3, std::vector<Label>{2, 0});
  EXPECT_EQ(m.labels, (std::vector<Label>{2, 0}));
  EXPECT_EQ(m.counts, (std::vector<int64_t>{1, 1, 0, 1}));  // rows true 2, 0; cols pred 2, 0
  auto sorted = *Confusion(kTrue3, kPred3);
  EXPECT_EQ(sorted.counts, (std::vector<int64_t>{1, 1, 0, 0, 2, 0, 1, 0, 1}));
  EXPECT_FALSE(Confusion(kTrue3, kPred3, std::vector<Label>{9}).ok());
  EXPECT_FALSE(Confusion(kTrue3, kPred3, std::vector<Label>{1, 1}).ok());
}

TEST(ClassificationTest, BalancedAccuracyKappaMcc) {
  EXPECT_NEAR(*BalancedAccuracy(std::vector<Label>{0, 0, 0, 1}, std::vector<Label>{0, 0, 1, 1}), (2.0 / 3 + 1) / 2,
              1e-15);
  // po = 3/4; marginals a (2, 2), b (1, 3): pe = (2 + 6) / 16 = 1/2; kappa = 1/2.
  std::vector<Label> a = {0, 0, 1, 1}, b = {0, 1, 1, 1};
  EXPECT_NEAR(*CohenKappa(a, b), 0.5, 1e-15);
  // tp 2, tn 1, fp 1, fn 0: (2*1 - 1*0) / sqrt(3 * 2 * 2 * 1).
  EXPECT_NEAR(*MatthewsCorrcoef(a, b), 2 / std::sqrt(12.0), 1e-15);
  EXPECT_EQ(*MatthewsCorrcoef(a, std::vector<Label>{1, 1, 1, 1}), 0.0);
  EXPECT_TRUE(std::isnan(*CohenKappa(std::vector<Label>{3, 3}, std::vector<Label>{3, 3})));
}

TEST(ClassificationTest, LogLoss) {
  std::vector<Label> y = {1, 0};
  std::vector<double> p = {0.8, 0.3};
  EXPECT_NEAR(*LogLossBinary(y, p), -(std::log(0.8) + std::log(0.7)) / 2, 1e-15);
  ScoreMatrix m{{0, 1}, {0.2, 0.8, 0.7, 0.3}};  // rows: sample 0 (true 1), sample 1 (true 0)
  EXPECT_NEAR(*LogLoss(y, m), -(std::log(0.8) + std::log(0.7)) / 2, 1e-15);
  // A certain, wrong prediction is clipped to eps = 2^-52, not infinity.
  EXPECT_NEAR(*LogLossBinary(std::vector<Label>{1}, std::vector<double>{0.0}), -std::log(2.220446049250313e-16),
              1e-12);
}

TEST(ClassificationTest, LogLossRejectsBadProbabilities) {
  std::vector<Label> y = {0, 1};
  auto not_one = LogLoss(y, ScoreMatrix{{0, 1}, {0.5, 0.6, 0.1, 0.9}});
  ASSERT_FALSE(not_one.ok());
  EXPECT_NE(not_one.status().message().find("sum"), std::string::npos) << not_one.status().message();
  EXPECT_FALSE(LogLoss(std::vector<Label>{0, 5}, ScoreMatrix{{0, 1}, {0.5, 0.5, 0.1, 0.9}}).ok());
  EXPECT_FALSE(LogLoss(y, ScoreMatrix{{0, 1}, {0.5, 0.5, NAN, 0.9}}).ok());
  EXPECT_FALSE(LogLoss(y, ScoreMatrix{{0, 1}, {0.5, 0.5}}).ok());  // one row for two labels
  EXPECT_FALSE(LogLossBinary(y, std::vector<double>{0.5, 1.5}).ok());
}

TEST(ClassificationTest, TopKBreaksTiesTowardsTheLaterColumn) {
  ScoreMatrix s{{0, 1, 2}, {0.5, 0.5, 0.0, 0.1, 0.3, 0.6}};
  // Row 0: columns 0 and 1 tie; sklearn's reversed stable argsort ranks column 1 first.
  EXPECT_DOUBLE_EQ(*TopKAccuracy(std::vector<Label>{0, 2}, s, 1), 0.5);
  EXPECT_DOUBLE_EQ(*TopKAccuracy(std::vector<Label>{1, 2}, s, 1), 1.0);
  EXPECT_DOUBLE_EQ(*TopKAccuracy(std::vector<Label>{0, 0}, s, 2), 0.5);
  EXPECT_FALSE(TopKAccuracy(std::vector<Label>{0, 0}, s, 0).ok());
}

TEST(ClassificationTest, LengthAndEmptinessErrors) {
  std::vector<Label> a = {0, 1, 1}, b = {0, 1};
  auto r = Accuracy(a, b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "y_true and y_pred differ in length (3 vs 2)");
  EXPECT_FALSE(Accuracy({}, {}).ok());
  EXPECT_FALSE(ClassReport({}, {}).ok());
  EXPECT_FALSE(MatthewsCorrcoef(a, b).ok());
}

}  // namespace
}  // namespace moebius::eval
