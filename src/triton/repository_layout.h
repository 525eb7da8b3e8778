// Triton's model repository layout as Moebius writes and reads it (INF-4, INF-5, EXP-10;
// docs/design/triton.md):
//
//   <repository>/moebius-repository.json      the manifest: every file's sha256 and size, and per
//                                             version its registered model, number, signature,
//                                             lineage and the paths its files had when registered
//   <repository>/<model>/config.pbtxt          Triton's model configuration (triton_config.h)
//   <repository>/<model>/<n>/<model file>      under Triton's name: xgboost.json | xgboost.ubj for
//                                             the FIL backend, model.pt for pytorch_libtorch,
//                                             model.onnx for onnxruntime_onnx
//   <repository>/<model>/<n>/moebius/...       the version's other files (signature.json,
//                                             transform.json — our transform spec —, MLmodel, ...),
//                                             which Triton ignores
//   <repository>/<ensemble>/config.pbtxt       platform "ensemble": every member gets the same
//   <repository>/<ensemble>/1/ensemble.json    inputs, each output is named <model>__<output>
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/json.h"
#include "base/status.h"
#include "registry/model_inspect.h"
#include "triton/triton_config.h"

namespace moebius::triton {

inline constexpr const char* kManifestPath = "moebius-repository.json";
inline constexpr const char* kManifestFormat = "moebius.triton-repository";
inline constexpr const char* kSidecarDir = "moebius";  // a version's files other than the model file

// A name Triton and file systems accept: letters, digits, '_', '-', '.'; others become '_'.
std::string RepositoryName(std::string_view registered_model);

// The file name of a version's model in Triton's layout ("xgboost.json", "model.pt", ...).
std::string TritonModelFileName(const std::string& format, const std::string& model_file);

struct ConfigOptions {
  int64_t max_batch_size = 1024;
  int64_t max_queue_delay_us = 100;
  int64_t instances = 1;
};

// Triton's configuration of a registered version: platform or backend, inputs and outputs from
// its signature (an XGBoost model's own feature count and objective for the FIL backend, read from
// `xgb`, which may be empty for a UBJSON model), batching and one CPU instance group.
Result<ModelConfig> ConfigForVersion(const std::string& name, const std::string& format, const Json& signature,
                                     const registry::XgbInfo& xgb, const std::string& model_file, const ConfigOptions& options);

// The format of a configuration's model ("xgboost", "torchscript", "onnx") and the file Triton
// loads from each version folder; kInvalidArgument for a platform Moebius does not register.
struct ConfigModel {
  std::string format;
  std::string file_name;
};
Result<ConfigModel> ModelOfConfig(const ModelConfig& config);

// Whether a configuration agrees with a version's signature and model: kInvalidArgument naming
// the first difference (input count, datatype, dims; an XGBoost model's feature count).
Status CheckConfigAgainstModel(const ModelConfig& config, const std::string& format, const Json& signature, const registry::XgbInfo& xgb);

// The v2 signature a configuration stands for, when a repository carries no other
// ({"inputs", "outputs", "source": "config.pbtxt"}; "features" for the FIL backend).
Json SignatureOfConfig(const ModelConfig& config);

// A repository path is relative, '/'-separated, without empty, '.' or '..' segments.
Status CheckRepositoryPath(std::string_view path);

}  // namespace moebius::triton
