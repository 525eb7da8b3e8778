#include "train/explain.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace moebius::train {
namespace {

// A uniform index in [0, n) from a 64-bit generator, the same on every platform (std::
// uniform_int_distribution is implementation-defined).
size_t Below(std::mt19937_64& rng, size_t n) {
  uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do x = rng(); while (x >= limit);
  return static_cast<size_t>(x % n);
}

}  // namespace

Result<Json> Explain(const ExplainInput& in) {
  const size_t cols = in.feature_names.size();
  Json out = Json::object();

  // Importance.
  Json importance = Json::object();
  std::vector<std::string> types = in.trees ? std::vector<std::string>{"weight", "gain", "cover", "total_gain", "total_cover"}
                                            : std::vector<std::string>{"weight"};
  for (const auto& t : types) {
    ASSIGN_OR_RETURN(auto scores, in.booster->FeatureScore(t));
    Json m = Json::object();
    for (const auto& [f, v] : scores) m[f] = v;
    importance[t] = m;
  }
  out["importance"] = importance;

  // SHAP.
  const size_t shap_rows = std::min(in.rows, in.shap_rows);
  std::vector<float> head(in.features->begin(), in.features->begin() + shap_rows * cols);
  ASSIGN_OR_RETURN(DMatrix test, DMatrix::FromDense(head, shap_rows, cols, 0));
  RETURN_IF_ERROR(test.SetFeatureNames(in.feature_names));
  ASSIGN_OR_RETURN(Prediction contrib, in.booster->Predict(test, PredictKind::kContributions));
  ASSIGN_OR_RETURN(Prediction margin, in.booster->Predict(test, PredictKind::kMargin));
  size_t outputs = contrib.shape.size() == 3 ? contrib.shape[1] : 1;
  size_t width = cols + 1;
  if (contrib.values.size() != shap_rows * outputs * width || margin.values.size() != shap_rows * outputs)
    return Internal("unexpected SHAP output shape");
  std::vector<double> mean_abs(cols, 0);
  double max_err = 0;
  Json sample = Json::array();
  for (size_t r = 0; r < shap_rows; ++r) {
    Json bias = Json::array(), values = Json::array();
    for (size_t k = 0; k < outputs; ++k) {
      const float* c = &contrib.values[(r * outputs + k) * width];
      double sum = 0;
      for (size_t f = 0; f < width; ++f) sum += c[f];
      for (size_t f = 0; f < cols; ++f) mean_abs[f] += std::fabs(c[f]) / static_cast<double>(shap_rows * outputs);
      max_err = std::max(max_err, std::fabs(sum - margin.values[r * outputs + k]));
      if (r < in.sample_rows) {
        bias.push_back(c[cols]);
        values.push_back(std::vector<float>(c, c + cols));
      }
    }
    if (r < in.sample_rows) sample.push_back(Json{{"row", r}, {"bias", bias}, {"values", values}, {"margin", std::vector<float>(margin.values.begin() + r * outputs, margin.values.begin() + (r + 1) * outputs)}});
  }
  Json ma = Json::object();
  for (size_t f = 0; f < cols; ++f) ma[in.feature_names[f]] = mean_abs[f];
  out["shap"] = Json{{"mean_abs", ma}, {"max_sum_error", max_err}, {"rows", shap_rows}, {"outputs", outputs}, {"sample", sample}};

  // Permutation importance.
  ASSIGN_OR_RETURN(Prediction base_pred, in.booster->PredictDense(in.features->data(), in.rows, cols, PredictKind::kValue));
  ASSIGN_OR_RETURN(double baseline, in.metric(base_pred));
  std::mt19937_64 rng(in.seed);
  std::vector<float> work = *in.features;
  std::vector<size_t> perm(in.rows);
  Json perm_imp = Json::object();
  for (size_t f = 0; f < cols; ++f) {
    std::vector<double> drops;
    for (int rep = 0; rep < in.repeats; ++rep) {
      for (size_t i = 0; i < in.rows; ++i) perm[i] = i;
      for (size_t i = in.rows; i > 1; --i) std::swap(perm[i - 1], perm[Below(rng, i)]);
      for (size_t i = 0; i < in.rows; ++i) work[i * cols + f] = (*in.features)[perm[i] * cols + f];
      ASSIGN_OR_RETURN(Prediction p, in.booster->PredictDense(work.data(), in.rows, cols, PredictKind::kValue));
      ASSIGN_OR_RETURN(double v, in.metric(p));
      drops.push_back(in.higher_is_better ? baseline - v : v - baseline);
    }
    for (size_t i = 0; i < in.rows; ++i) work[i * cols + f] = (*in.features)[i * cols + f];
    double mean = 0, var = 0;
    for (double d : drops) mean += d / drops.size();
    for (double d : drops) var += (d - mean) * (d - mean) / drops.size();
    perm_imp[in.feature_names[f]] = Json{{"mean", mean}, {"std", std::sqrt(var)}};
  }
  out["permutation"] = Json{{"metric", in.metric_name}, {"baseline", baseline}, {"repeats", in.repeats}, {"importance", perm_imp}};
  return out;
}

}  // namespace moebius::train
