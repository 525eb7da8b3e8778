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
#include <string_view>
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
  // Answer with binary output data (request parameter binary_data_output, or an output's
  // binary_data parameter): Triton's binary tensor extension.
  bool binary_outputs = false;
};

struct OutputTensor {
  std::string name;
  std::string datatype = "FP32";
  std::vector<int64_t> shape;
  std::vector<float> data;
};

// Parses and checks a request body (limits as the router's: depth, strings, items). With Triton's
// binary tensor extension the JSON part is `body` and the bytes after it are `binary`: an input with
// parameters.binary_data_size takes that many bytes of it, in order (little-endian elements; BYTES
// elements each a 4-byte length and the bytes); every byte must be claimed.
Result<InferRequest> ParseInferRequest(const Json& body, std::string_view binary = {});

// The answer with binary outputs: the JSON header (each output with parameters.binary_data_size)
// followed by the outputs' raw FP32 data; `header_length` is for Inference-Header-Content-Length.
std::string InferResponseBinary(const std::string& model, const std::string& version, const std::string& id,
                                const std::vector<OutputTensor>& outputs, size_t* header_length);

Json InferResponseJson(const std::string& model, const std::string& version, const std::string& id, const std::vector<OutputTensor>& outputs);

}  // namespace moebius::serving
