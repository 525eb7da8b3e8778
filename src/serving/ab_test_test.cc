// The significance tests of the A/B comparison against scipy.stats (values computed with
// python3-scipy: 2 * t.sf, 2 * norm.sf, ttest_ind(equal_var=False)), and the scoring of captured
// answers with feedback.
#include "serving/ab_test.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moebius::serving {
namespace {

TEST(AbTest, PValuesEqualScipys) {
  EXPECT_NEAR(StudentTwoSidedP(2.0, 10), 0.07338803477074039, 1e-12);
  EXPECT_NEAR(StudentTwoSidedP(-0.5, 3.7), 0.645335633319932, 1e-12);
  EXPECT_NEAR(StudentTwoSidedP(5, 120), 1.9781905804539636e-06, 1e-15);
  EXPECT_NEAR(NormalTwoSidedP(1.96), 0.04999579029644087, 1e-14);
  // ttest_ind([1..7], [2, 4, ..., 18], equal_var=False)
  auto mv = [](std::vector<double> v, double& mean, double& var) {
    mean = 0;
    for (double x : v) mean += x;
    mean /= v.size();
    var = 0;
    for (double x : v) var += (x - mean) * (x - mean);
    var /= v.size() - 1;
  };
  double m1, v1, m2, v2;
  mv({1, 2, 3, 4, 5, 6, 7}, m1, v1);
  mv({2, 4, 6, 8, 10, 12, 14, 16, 18}, m2, v2);
  TestResult t = WelchT(7, m1, v1, 9, m2, v2);
  EXPECT_NEAR(t.statistic, -3.0, 1e-12);
  EXPECT_NEAR(t.p, 0.012151566653178798, 1e-12);
  TestResult z = TwoProportionZ(45, 100, 30, 100);
  EXPECT_NEAR(z.statistic, 2.1908902300206647, 1e-12);
  EXPECT_NEAR(z.p, 0.02845973691631055, 1e-12);
  EXPECT_EQ(TwoProportionZ(0, 0, 3, 10).p, 1);
  EXPECT_EQ(WelchT(1, 0, 0, 5, 1, 1).p, 1);
}

TEST(AbTest, ScoresCapturesAndComparesArms) {
  AbMetric accuracy = ParseAbMetric("accuracy", "churned", 0.5).value();
  std::vector<ArmScores> arms;
  auto record = [](const std::string& variant, double p, Json feedback, bool shadow = false) {
    return Json{{"variant", variant}, {"shadow", shadow}, {"outputs", {{"predict", {{"data", {p}}}}}}, {"feedback", feedback}};
  };
  int scored = 0;
  for (int i = 0; i < 100; ++i) {
    scored += ScoreCapture(record("a", 0.9, {{"churned", i < 90 ? 1 : 0}}), accuracy, arms);  // 90 % right
    scored += ScoreCapture(record("b", 0.9, {{"churned", i < 60 ? 1 : 0}}), accuracy, arms);  // 60 % right
  }
  EXPECT_FALSE(ScoreCapture(record("a", 0.9, {{"churned", 1}}, true), accuracy, arms));  // a shadow's answer is not an arm's
  EXPECT_FALSE(ScoreCapture(record("a", 0.9, {{"other", 1}}), accuracy, arms));          // no such label
  EXPECT_EQ(scored, 200);
  Json out = CompareArms(arms, accuracy, "a");
  ASSERT_EQ(out["arms"].size(), 2u);
  EXPECT_DOUBLE_EQ(out["arms"][0]["value"].get<double>(), 0.9);
  const Json& b = out["arms"][1];
  EXPECT_DOUBLE_EQ(b["value"].get<double>(), 0.6);
  EXPECT_NEAR(b["vs_control"]["difference"].get<double>(), -0.3, 1e-12);
  EXPECT_TRUE(b["vs_control"]["significant"].get<bool>());
  EXPECT_LT(b["vs_control"]["p"].get<double>(), 1e-5);
  AbMetric mae = ParseAbMetric("mae", "y", 0.5).value();
  std::vector<ArmScores> reg;
  EXPECT_TRUE(ScoreCapture(record("a", 2.5, {{"y", 2.0}}), mae, reg));
  EXPECT_DOUBLE_EQ(reg[0].values[0], 0.5);
  EXPECT_FALSE(ParseAbMetric("auc", "y", 0.5).ok());
}

}  // namespace
}  // namespace moebius::serving
