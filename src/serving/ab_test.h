// A/B comparison of a deployment's variants on ground truth (INF-8; docs/design/serving.md): the
// captured answers that have feedback, scored per variant, each variant against the control with a
// significance test — a two-proportion z-test for accuracy, Welch's t-test for squared and
// absolute errors — and the error rate of every variant against the control's (z-test).
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::serving {

// Two-sided p-values.
double NormalTwoSidedP(double z);
double StudentTwoSidedP(double t, double df);

struct TestResult {
  double statistic = 0;  // z or t
  double df = 0;         // Welch's degrees of freedom (0 for z)
  double p = 1;
};
// Successes k of n in each arm (pooled two-proportion z-test); p = 1 when an arm is empty or the
// pooled share is 0 or 1.
TestResult TwoProportionZ(int64_t k1, int64_t n1, int64_t k2, int64_t n2);
// Welch's t-test from each arm's count, mean and sample variance; p = 1 with fewer than 2 per arm.
TestResult WelchT(int64_t n1, double mean1, double var1, int64_t n2, double mean2, double var2);

// One variant's scored answers.
struct ArmScores {
  std::string variant;
  std::vector<double> values;  // 1/0 per answer for accuracy; the error per answer for mse/mae
};

// How a captured answer is scored against its feedback.
struct AbMetric {
  std::string name = "accuracy";  // accuracy | mse | mae
  std::string label = "label";    // the feedback field holding the truth (or the feedback itself when it is a number)
  double threshold = 0.5;         // accuracy of a probability output: predicted class = output >= threshold
};
Result<AbMetric> ParseAbMetric(const std::string& name, const std::string& label, double threshold);

// Scores one captured record (with its feedback) into `arms` by variant; false when the record has
// no usable feedback or output.
bool ScoreCapture(const Json& record, const AbMetric& metric, std::vector<ArmScores>& arms);

// {metric, control, arms: [{variant, n, value, ci95: [lo, hi], vs_control: {difference, statistic,
// df, p, significant}}]}; `control` names the arm the others are tested against.
Json CompareArms(const std::vector<ArmScores>& arms, const AbMetric& metric, const std::string& control, double alpha = 0.05);

}  // namespace moebius::serving
