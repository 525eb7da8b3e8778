// Explanations of a trained XGBoost model (EVAL-4), computed on the test split:
//   - importance by XGBoosterFeatureScore: weight, gain, cover, total_gain, total_cover (tree
//     boosters; a linear booster has weight only: its coefficients);
//   - TreeSHAP contributions (XGBoosterPredictFromDMatrix with contributions) on the first
//     `shap_rows` test rows: per prediction
//     one value per feature plus the bias, which must sum to the margin; the check's largest
//     absolute difference is reported, the mean |SHAP| per feature is the global ranking, and
//     the first `sample_rows` rows are kept whole;
//   - permutation importance: the task metric on the test split minus the metric with one
//     feature's values shuffled (mean and std over `repeats` shuffles; a deterministic
//     generator seeded by `seed`), signed so that larger means more important.
//
// Thread safety: uses the booster (not thread-safe); call from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "train/booster.h"

namespace moebius::train {

struct ExplainInput {
  const Booster* booster = nullptr;
  std::vector<std::string> feature_names;
  const std::vector<float>* features = nullptr;  // test rows, row-major
  size_t rows = 0;
  // The task metric of predictions (type 0, PredictDense's output) and its direction.
  std::function<Result<double>(const Prediction&)> metric;
  std::string metric_name;
  bool higher_is_better = true;
  bool trees = true;  // false for gblinear: no gain/cover, SHAP of a linear model
  uint64_t seed = 0;
  int repeats = 5;
  size_t sample_rows = 20;
  size_t shap_rows = 2000;  // TreeSHAP runs on the first this many test rows (its cost is per row × trees × depth²)
};

// The explanations.json artifact:
//   {"importance": {"gain": {feature: score}, ...},
//    "shap": {"mean_abs": {feature: v}, "max_sum_error": e, "rows": n, "outputs": k,
//             "sample": [{"row": i, "bias": [..], "values": [[per feature] per output]}]},
//    "permutation": {"metric": name, "baseline": v, "repeats": r,
//                    "importance": {feature: {"mean": m, "std": s}}}}
Result<Json> Explain(const ExplainInput& in);

}  // namespace moebius::train
