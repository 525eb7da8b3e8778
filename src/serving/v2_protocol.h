// KServe v2 / Open Inference Protocol request and response bodies (SRV-1; docs/design/serving.md),
// JSON form: {"id"?, "parameters"?, "inputs": [{"name", "shape", "datatype", "data", "parameters"?}],
// "outputs"?: [{"name"}]} → {"model_name", "model_version", "id", "outputs": [{"name", "shape",
// "datatype", "data"}]}. `data` may be flat or nested row-major; its element count must equal the
// product of `shape`. Every mistake is kInvalidArgument naming the input and what is wrong, which
// the v2 routes answer as 400 {"error": "..."}.
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::serving {

struct InputTensor {
  std::string name;
  std::string datatype;  // BOOL, INT8..INT64, UINT8..UINT64, FP16, FP32, FP64, BYTES
  std::vector<int64_t> shape;
  std::vector<double> numbers;       // numeric and BOOL datatypes
  std::vector<std::string> strings;  // BYTES
  size_t size() const { return datatype == "BYTES" ? strings.size() : numbers.size(); }
};

struct InferRequest {
  std::string id;
  std::vector<InputTensor> inputs;
  std::vector<std::string> requested_outputs;  // empty: all
};

struct OutputTensor {
  std::string name;
  std::string datatype = "FP32";
  std::vector<int64_t> shape;
  std::vector<float> data;
};

// Parses and checks a request body (limits as the router's: depth, strings, items).
Result<InferRequest> ParseInferRequest(const Json& body);

Json InferResponseJson(const std::string& model, const std::string& version, const std::string& id, const std::vector<OutputTensor>& outputs);

}  // namespace moebius::serving
