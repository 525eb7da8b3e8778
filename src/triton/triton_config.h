// A Triton model configuration (config.pbtxt) as plain data, written and read with libprotobuf's
// text format against src/triton/model_config.proto (Triton's message, field names and numbers;
// docs/design/triton.md). Only triton_config.cc includes the generated protobuf header.
//
// Datatypes are kept in KServe v2 spelling (FP32, INT64, BYTES, ...), the registry's; the text
// format uses Triton's enum (TYPE_FP32, TYPE_INT64, TYPE_STRING, ...).
//
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace moebius::triton {

struct TensorConfig {
  std::string name;
  std::string datatype;       // v2: FP32, INT64, BYTES, ...
  std::vector<int64_t> dims;  // without the batch dimension when max_batch_size > 0; -1 variable
  bool operator==(const TensorConfig&) const = default;
};

struct EnsembleStep {
  std::string model_name;
  int64_t model_version = -1;  // -1: the latest
  std::vector<std::pair<std::string, std::string>> input_map;   // step input → ensemble tensor (sorted)
  std::vector<std::pair<std::string, std::string>> output_map;  // step output → ensemble tensor (sorted)
  bool operator==(const EnsembleStep&) const = default;
};

struct ModelConfig {
  std::string name;
  std::string platform;  // pytorch_libtorch | onnxruntime_onnx | ensemble | ...
  std::string backend;   // fil | ...
  // Version policy: "latest" (num_versions), "all", or "specific" (versions); empty: unset (Triton's
  // default, the latest one).
  std::string version_policy;
  int64_t latest_versions = 1;
  std::vector<int64_t> specific_versions;
  int64_t max_batch_size = 0;
  std::vector<TensorConfig> inputs;
  std::vector<TensorConfig> outputs;
  bool dynamic_batching = false;
  int64_t max_queue_delay_us = 0;
  std::vector<int64_t> preferred_batch_sizes;
  std::string instance_kind;  // KIND_CPU | KIND_GPU | KIND_AUTO | KIND_MODEL; empty: no instance_group
  int64_t instance_count = 0;
  std::string default_model_filename;
  std::vector<std::pair<std::string, std::string>> parameters;  // sorted by key
  std::vector<EnsembleStep> ensemble;                           // platform "ensemble" only
  bool operator==(const ModelConfig&) const = default;
};

// config.pbtxt text. kInvalidArgument for a datatype or instance kind Triton lacks.
Result<std::string> RenderConfig(const ModelConfig& config);

// Parses config.pbtxt text. Fields Moebius does not read are skipped and named in `unknown` (when
// given); syntax errors and wrong types are kInvalidArgument with the line and column.
Result<ModelConfig> ParseConfig(std::string_view text, std::vector<std::string>* unknown = nullptr);

// v2 datatype ↔ Triton's enum name ("FP32" ↔ "TYPE_FP32", "BYTES" ↔ "TYPE_STRING"); empty when none.
std::string TritonTypeName(std::string_view v2);
std::string V2TypeName(std::string_view triton);

}  // namespace moebius::triton
