// XGBoost's own runtime through its C API (INF-1; docs/design/serving.md): the models the compiled
// tree predictor does not take (UBJSON files, dart boosters, categorical splits, other objectives)
// and, when a variant asks for it, any XGBoost model. Inplace prediction from a dense float matrix
// (XGBoosterPredictFromDense), one thread per call: XGBoost documents inplace prediction as safe
// from several threads on one booster.
//
// Only xgboost_runtime.cc includes xgboost/c_api.h.
// Thread-safety: immutable after Load; Predict is safe from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "base/status.h"

namespace moebius::serving {

class XgboostRuntime {
 public:
  // A model in XGBoost's JSON or UBJSON form. kInvalidArgument when XGBoost cannot read it.
  static Result<std::shared_ptr<const XgboostRuntime>> Load(std::string_view bytes);
  ~XgboostRuntime();
  XgboostRuntime(const XgboostRuntime&) = delete;
  XgboostRuntime& operator=(const XgboostRuntime&) = delete;

  int64_t num_features() const { return num_features_; }
  // Values per row XGBoost gives: 1, or the class count of a multi:softprob model.
  int64_t num_outputs() const { return num_outputs_; }

  // `rows` is row-major [n × num_features()] (NaN for missing); `out` receives n × num_outputs().
  Status Predict(const float* rows, size_t n, float* out) const;

 private:
  XgboostRuntime() = default;
  void* booster_ = nullptr;  // BoosterHandle
  int64_t num_features_ = 0;
  int64_t num_outputs_ = 1;
};

}  // namespace moebius::serving
