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
// Served so far: XGBoost JSON models whose trees the compiled predictor takes. UBJSON models, dart
// and linear boosters, categorical splits, TorchScript and ONNX are refused at load with what is
// missing (the XGBoost C API, libtorch and OpenCV dnn runtimes come next).
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
#include "transform/transformer.h"

namespace moebius::serving {

class LoadedModel {
 public:
  static Result<std::shared_ptr<const LoadedModel>> Load(const registry::ModelVersion& v, const registry::ReadFile& read);

  // v2 model metadata's inputs and outputs: [{name, datatype, shape}].
  Json InputsJson() const;
  Json OutputsJson() const;
  int64_t num_features() const { return trees_.num_features(); }

  // kInvalidArgument naming a missing, unknown or ill-shaped input, or a value of the wrong kind.
  Result<std::vector<OutputTensor>> Infer(const InferRequest& request) const;

 private:
  Result<std::vector<float>> Features(const InferRequest& request, size_t* rows) const;

  CompiledTrees trees_;
  std::optional<transform::Transformer> transform_;
  // The raw columns a request names: the transform's inputs, else the signature's inputs as features.
  std::vector<std::pair<std::string, transform::ColumnType>> columns_;
};

}  // namespace moebius::serving
