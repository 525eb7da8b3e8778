// What a folder of files holds as a model (REG-1): its format, the model file, its signature,
// each file's role. Two layouts are understood:
//
//   moebius  the built-in trainers' `model/` folder: model.json | model.ubj (XGBoost), model.pt
//            (TorchScript), model.onnx (ONNX), with signature.json ("moebius.signature") and
//            transform.json; also any folder holding exactly one such model file.
//   mlflow   an MLflow model directory: `MLmodel` (YAML) with the xgboost, pytorch or onnx flavour
//            and its data file, and the signature MLflow wrote (a column or tensor spec).
//
// The signature is kept as {"inputs": [{name, datatype, shape}], "outputs": [...], "source":
// "signature.json" | "MLmodel" | "model file"} with KServe v2 datatypes (FP32, FP64, INT64, BYTES,
// BOOL, …) and -1 for a variable dimension. It is read from signature.json or MLmodel when there,
// else inferred from an XGBoost model (its feature names and count, its objective); and it is
// checked against the model: an XGBoost model's feature count must equal the signature's.
// TorchScript and ONNX files without a signature are refused (their inputs cannot be read here).
//
// Thread-safety: stateless functions.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "registry/registry_types.h"

namespace moebius::registry {

struct InspectedModel {
  std::string format;      // xgboost | torchscript | onnx
  std::string flavor;      // moebius | mlflow
  std::string model_file;  // path among files
  Json signature;
  std::vector<ModelFile> files;  // roles filled in
};

// `files` are relative paths with their content hash and size; `read` returns at most
// `max_bytes` of a file's bytes from its start (small files whole, a model file's head).
// kInvalidArgument says what is missing or wrong.
using ReadFile = std::function<Result<std::string>(const ModelFile&, int64_t max_bytes)>;
// `given_signature` (v2, may be null) stands in when the folder carries none (a Triton repository's
// config.pbtxt gives one); it is checked against the model like any other.
Result<InspectedModel> InspectModelFiles(std::vector<ModelFile> files, const ReadFile& read, const Json& given_signature = nullptr);

// What an XGBoost model file says of its inputs and outputs: from JSON, feature names and count
// and the objective; from UBJ (binary), nothing but that it is a model (num_feature -1).
struct XgbInfo {
  int64_t num_feature = -1;
  int64_t num_class = 0;
  std::string objective;
  std::vector<std::string> feature_names;
};
// kInvalidArgument when `bytes` is not an XGBoost model; `path` names it in the message.
Result<XgbInfo> ReadXgboost(const std::string& bytes, const std::string& path);

// The v2 signature of a "moebius.signature" document (signature.json of the built-in trainers).
Result<Json> SignatureFromMoebius(const Json& doc);

// sha256 over "path\0sha256\n" of every file in path order.
std::string ContentHash(const std::vector<ModelFile>& files);

}  // namespace moebius::registry
