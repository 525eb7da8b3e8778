#include "train/booster.h"

#include <xgboost/c_api.h>

#include <cmath>
#include <cstdio>

#include "base/json.h"

namespace moebius::train {
namespace {

std::shared_ptr<void> OwnBooster(BoosterHandle h) {
  return std::shared_ptr<void>(h, [](void* p) { XGBoosterFree(p); });
}

Prediction Copy(const bst_ulong* shape, bst_ulong dim, const float* out) {
  Prediction p;
  size_t n = 1;
  for (bst_ulong i = 0; i < dim; ++i) {
    p.shape.push_back(shape[i]);
    n *= shape[i];
  }
  p.values.assign(out, out + n);
  return p;
}

std::string PredictConfig(PredictKind kind, bool inplace) {
  Json c{{"type", static_cast<int>(kind)}, {"training", false}, {"iteration_begin", 0}, {"iteration_end", 0},
         {"strict_shape", true}};
  std::string text = c.dump();
  // JSON has no NaN; XGBoost's parser reads the literal, as Python's json module writes it.
  if (inplace) text.insert(text.size() - 1, ",\"missing\":NaN,\"cache_id\":0");
  return text;
}

}  // namespace

Result<Booster> Booster::Create(const std::vector<const DMatrix*>& cache) {
  std::vector<DMatrixHandle> hs;
  for (const DMatrix* m : cache) hs.push_back(m->handle());
  BoosterHandle h = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterCreate(hs.data(), hs.size(), &h), "creating a booster"));
  Booster b;
  b.handle_ = OwnBooster(h);
  return b;
}

Result<Booster> Booster::Load(const std::string& model) {
  BoosterHandle h = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterCreate(nullptr, 0, &h), "creating a booster"));
  Booster b;
  b.handle_ = OwnBooster(h);
  RETURN_IF_ERROR(XgbCheck(XGBoosterLoadModelFromBuffer(h, model.data(), model.size()), "loading a model"));
  return b;
}

Status Booster::SetParam(const std::string& name, const std::string& value) {
  return XgbCheck(XGBoosterSetParam(handle(), name.c_str(), value.c_str()), ("parameter " + name).c_str());
}

Status Booster::SetFeatureNames(const std::vector<std::string>& names) {
  std::vector<const char*> p, types;
  for (const auto& n : names) {
    p.push_back(n.c_str());
    types.push_back("float");
  }
  RETURN_IF_ERROR(XgbCheck(XGBoosterSetStrFeatureInfo(handle(), "feature_name", p.data(), p.size()), "setting feature names"));
  return XgbCheck(XGBoosterSetStrFeatureInfo(handle(), "feature_type", types.data(), types.size()), "setting feature types");
}

Status Booster::UpdateOneIter(int iteration, const DMatrix& train) {
  return XgbCheck(XGBoosterUpdateOneIter(handle(), iteration, train.handle()), "training");
}

Result<std::string> Booster::EvalOneIter(int iteration, const std::vector<std::pair<std::string, const DMatrix*>>& sets) {
  std::vector<DMatrixHandle> hs;
  std::vector<const char*> names;
  for (const auto& [name, m] : sets) {
    hs.push_back(m->handle());
    names.push_back(name.c_str());
  }
  const char* out = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterEvalOneIter(handle(), iteration, hs.data(), names.data(), hs.size(), &out), "evaluating"));
  return std::string(out ? out : "");
}

Result<Booster> Booster::Slice(int begin, int end) const {
  BoosterHandle h = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterSlice(handle(), begin, end, 1, &h), "slicing the model"));
  Booster b;
  b.handle_ = OwnBooster(h);
  return b;
}

Result<int> Booster::BoostedRounds() const {
  int n = 0;
  RETURN_IF_ERROR(XgbCheck(XGBoosterBoostedRounds(handle(), &n), "counting rounds"));
  return n;
}

Result<std::string> Booster::SaveJson() const {
  bst_ulong len = 0;
  const char* out = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterSaveModelToBuffer(handle(), R"({"format":"json"})", &len, &out), "saving the model"));
  return std::string(out, len);
}

Result<std::string> Booster::SaveConfig() const {
  bst_ulong len = 0;
  const char* out = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterSaveJsonConfig(handle(), &len, &out), "reading the configuration"));
  return std::string(out, len);
}

Result<Prediction> Booster::Predict(const DMatrix& m, PredictKind kind) const {
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  std::string config = PredictConfig(kind, false);
  RETURN_IF_ERROR(XgbCheck(XGBoosterPredictFromDMatrix(handle(), m.handle(), config.c_str(), &shape, &dim, &out), "predicting"));
  return Copy(shape, dim, out);
}

Result<Prediction> Booster::PredictDense(const float* values, size_t rows, size_t cols, PredictKind kind) const {
  if (!inplace_) {
    ASSIGN_OR_RETURN(DMatrix m, DMatrix::FromDense(std::vector<float>(values, values + rows * cols), rows, cols, 0));
    return Predict(m, kind);
  }
  char iface[256];
  std::snprintf(iface, sizeof(iface), R"({"data":[%llu,true],"shape":[%zu,%zu],"typestr":"<f4","version":3})",
                static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(values)), rows, cols);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  std::string config = PredictConfig(kind, true);
  Status st = XgbCheck(XGBoosterPredictFromDense(handle(), iface, config.c_str(), nullptr, &shape, &dim, &out), "predicting");
  if (!st.ok() && st.message().find("not supported") != std::string::npos) {
    inplace_ = false;
    return PredictDense(values, rows, cols, kind);
  }
  RETURN_IF_ERROR(st);
  return Copy(shape, dim, out);
}

Result<std::vector<std::pair<std::string, double>>> Booster::FeatureScore(const std::string& type) const {
  std::string config = Json{{"importance_type", type}}.dump();
  bst_ulong n = 0, dim = 0;
  const char** names = nullptr;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterFeatureScore(handle(), config.c_str(), &n, &names, &dim, &shape, &scores), "feature scores"));
  size_t per = 1;
  for (bst_ulong i = 1; i < dim; ++i) per *= shape[i];
  std::vector<std::pair<std::string, double>> out;
  for (bst_ulong i = 0; i < n; ++i) {
    double sum = 0;
    for (size_t j = 0; j < per; ++j) sum += scores[i * per + j];
    out.emplace_back(names[i], sum);
  }
  return out;
}

std::string XgboostVersion() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace moebius::train
