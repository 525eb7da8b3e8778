// Booster: an XGBoost model (xgboost/c_api.h) behind an RAII type with Status errors.
// booster.cc and dmatrix.cc are the only translation units that include the XGBoost header.
//
// Thread safety: a Booster is not thread-safe (XGBoost keeps per-handle prediction caches and returns
// pointers into thread-local buffers); use one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "train/dmatrix.h"

namespace moebius::train {

// A prediction: values row-major with `shape` as XGBoost returns it (strict shape: 2 dims for
// normal and margin output, [rows, groups, features + 1] for contributions).
struct Prediction {
  std::vector<uint64_t> shape;
  std::vector<float> values;
};

enum class PredictKind { kValue = 0, kMargin = 1, kContributions = 2 };

class Booster {
 public:
  // A booster that caches `cache` matrices (the training and evaluation sets).
  static Result<Booster> Create(const std::vector<const DMatrix*>& cache);
  // A booster from a saved model (JSON or UBJSON bytes).
  static Result<Booster> Load(const std::string& model);

  Status SetParam(const std::string& name, const std::string& value);
  // Names saved with the model (XGBoost JSON "feature_names") and used by FeatureScore.
  Status SetFeatureNames(const std::vector<std::string>& names);
  Status UpdateOneIter(int iteration, const DMatrix& train);
  // XGBoost's evaluation line for this iteration: "[3]\ttrain-logloss:0.25\tvalid-logloss:0.31".
  Result<std::string> EvalOneIter(int iteration, const std::vector<std::pair<std::string, const DMatrix*>>& sets);
  // The model's layers [begin, end) as a new booster (trees of those rounds).
  Result<Booster> Slice(int begin, int end) const;
  Result<int> BoostedRounds() const;
  // The model as XGBoost JSON.
  Result<std::string> SaveJson() const;
  // The learner's configuration (parameters as XGBoost resolved them), as JSON text.
  Result<std::string> SaveConfig() const;
  Result<Prediction> Predict(const DMatrix& m, PredictKind kind) const;
  // In-place prediction on one dense row-major block (the serving path): no DMatrix is built.
  // Boosters without in-place prediction (gblinear) go through a DMatrix instead.
  Result<Prediction> PredictDense(const float* values, size_t rows, size_t cols, PredictKind kind) const;
  // XGBoosterFeatureScore: `type` is weight, gain, cover, total_gain or total_cover. Returns
  // (feature name, score) for the features the model uses; for a multi-output linear model the
  // scores of all outputs are summed.
  Result<std::vector<std::pair<std::string, double>>> FeatureScore(const std::string& type) const;

  void* handle() const { return handle_.get(); }

 private:
  std::shared_ptr<void> handle_;
  mutable bool inplace_ = true;
};

// XGBoost's version, "1.7.4".
std::string XgboostVersion();

}  // namespace moebius::train
