#include "serving/xgboost_runtime.h"

#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace moebius::serving {
namespace {

constexpr char kPredictConfig[] =
    R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false, "cache_id": 0, "missing": NaN})";

std::string LastError() { return XGBGetLastError(); }

std::string ArrayInterface(const float* rows, size_t n, int64_t features) {
  char buf[160];
  std::snprintf(buf, sizeof buf, R"({"data": [%llu, true], "shape": [%zu, %lld], "typestr": "<f4", "version": 3})",
                static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(rows)), n, static_cast<long long>(features));
  return buf;
}

}  // namespace

Result<std::shared_ptr<const XgboostRuntime>> XgboostRuntime::Load(std::string_view bytes) {
  std::shared_ptr<XgboostRuntime> r(new XgboostRuntime());
  BoosterHandle h = nullptr;
  if (XGBoosterCreate(nullptr, 0, &h) != 0) return Internal("XGBoost: " + LastError());
  r->booster_ = h;
  if (XGBoosterLoadModelFromBuffer(h, bytes.data(), bytes.size()) != 0) return InvalidArgument("XGBoost cannot read the model: " + LastError());
  if (XGBoosterSetParam(h, "nthread", "1") != 0) return Internal("XGBoost: " + LastError());
  bst_ulong features = 0;
  if (XGBoosterGetNumFeature(h, &features) != 0) return Internal("XGBoost: " + LastError());
  if (features == 0 || features > 1000000) return InvalidArgument("the model names " + std::to_string(features) + " features");
  r->num_features_ = static_cast<int64_t>(features);
  // One row of missing values tells the shape of an answer.
  std::vector<float> row(features, std::nanf(""));
  std::vector<float> out(1024);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  std::string values = ArrayInterface(row.data(), 1, r->num_features_);
  if (XGBoosterPredictFromDense(h, values.c_str(), kPredictConfig, nullptr, &shape, &dim, &result) != 0)
    return InvalidArgument("XGBoost cannot predict with the model: " + LastError());
  r->num_outputs_ = dim >= 2 ? static_cast<int64_t>(shape[1]) : 1;
  return std::shared_ptr<const XgboostRuntime>(std::move(r));
}

XgboostRuntime::~XgboostRuntime() {
  if (booster_) XGBoosterFree(static_cast<BoosterHandle>(booster_));
}

Status XgboostRuntime::Predict(const float* rows, size_t n, float* out) const {
  if (n == 0) return Status::Ok();
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  std::string values = ArrayInterface(rows, n, num_features_);
  if (XGBoosterPredictFromDense(static_cast<BoosterHandle>(booster_), values.c_str(), kPredictConfig, nullptr, &shape, &dim, &result) != 0)
    return Internal("XGBoost prediction failed: " + LastError());
  size_t count = 1;
  for (bst_ulong i = 0; i < dim; ++i) count *= shape[i];
  if (count != n * static_cast<size_t>(num_outputs_)) return Internal("XGBoost answered " + std::to_string(count) + " values for " + std::to_string(n) + " rows");
  std::copy(result, result + count, out);
  return Status::Ok();
}

}  // namespace moebius::serving
