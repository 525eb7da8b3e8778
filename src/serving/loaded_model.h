// A registered version ready to answer inference (INF-1; docs/design/serving.md): the model file
// compiled (tree_predictor.h), the fitted transform spec of the package (transform.json) run
// before it so clients send raw columns, and the signature that names the inputs. Loaded once per
// version and shared by every deployment variant that serves it.
//
// Inputs a request may give:
//   - the raw columns of the signature, one tensor each, shape [n] or [n, 1] (numbers for numeric
//     columns, BYTES for string columns), transformed here into the model's features; or
//   - the features themselves as one FP32/FP64 tensor "input__0" of shape [n, features] (Triton
//     FIL's input), with no transform.
// The answer is "predict": FP32 [n] (a probability of the positive class, a regression value, or a
// class index) or [n, classes] (probabilities per class).
//
// Runtimes: XGBoost models run on the compiled tree predictor when it takes them, else on XGBoost's
// own C API (UBJSON files, dart boosters, categorical splits, other objectives); a variant may ask
// for either ("compiled" refuses what the predictor does not take). TorchScript and ONNX are refused
// at load with what is missing (the libtorch and OpenCV dnn runtimes are not built yet).
//
// Thread-safety: immutable after Load; Infer is safe from many threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "registry/model_inspect.h"
#include "registry/registry_types.h"
#include "serving/tree_predictor.h"
#include "serving/v2_protocol.h"
#include "serving/xgboost_runtime.h"
#include "transform/transformer.h"

namespace moebius::serving {

// Which runtime answers: "auto" (the compiled predictor when it takes the model, else XGBoost's),
// "compiled" or "xgboost".
enum class Runtime { kAuto, kCompiled, kXgboost };
Result<Runtime> ParseRuntime(const std::string& name);
const char* RuntimeName(Runtime r);

class LoadedModel {
 public:
  static Result<std::shared_ptr<const LoadedModel>> Load(const registry::ModelVersion& v, const registry::ReadFile& read,
                                                         Runtime runtime = Runtime::kAuto);

  // v2 model metadata's inputs and outputs: [{name, datatype, shape}].
  Json InputsJson() const;
  Json OutputsJson() const;
  int64_t num_features() const { return xgboost_ ? xgboost_->num_features() : trees_.num_features(); }
  int64_t num_outputs() const { return xgboost_ ? xgboost_->num_outputs() : trees_.num_outputs(); }
  // The runtime that answers: "compiled" or "xgboost".
  const char* runtime() const { return xgboost_ ? "xgboost" : "compiled"; }

  // kInvalidArgument naming a missing, unknown or ill-shaped input, or a value of the wrong kind.
  // `transform_ns`, when given, receives the time spent reading the inputs and transforming them.
  Result<std::vector<OutputTensor>> Infer(const InferRequest& request, uint64_t* transform_ns = nullptr) const;

 private:
  Result<std::vector<float>> Features(const InferRequest& request, size_t* rows) const;

  CompiledTrees trees_;
  std::shared_ptr<const XgboostRuntime> xgboost_;  // set when XGBoost's runtime answers
  std::optional<transform::Transformer> transform_;
  // The raw columns a request names: the transform's inputs, else the signature's inputs as features.
  std::vector<std::pair<std::string, transform::ColumnType>> columns_;
};

}  // namespace moebius::serving
