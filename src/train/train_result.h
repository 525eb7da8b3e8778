// What every built-in trainer (XGBoost here, the libtorch image and text trainers in
// src/train/torch) hands back to the command that logs it (src/cli/train_publish.h): params,
// per-iteration and summary metrics, tags, the model file, the fitted transform spec, the
// input/output signature, the test evaluation request and its result, explanations and the
// serving measurement. No I/O and no framework types, so the CLI never includes XGBoost's or
// libtorch's headers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/json.h"

namespace moebius::train {

struct IterationMetric {
  std::string key;  // "train-logloss", "valid-auc" (characters MLflow refuses become '_')
  double value = 0;
  int64_t step = 0;
};

struct TrainResult {
  std::string trainer = "xgboost";  // the tag moebius.trainer
  std::vector<std::pair<std::string, std::string>> params;  // what to log as run params
  std::vector<IterationMetric> history;
  std::map<std::string, double> metrics;  // summary metrics: rows_*, time.*, explain.*, perf.*
  std::map<std::string, std::string> tags;
  std::string model_file = "model.json";  // artifact name under model/
  std::string model_bytes;                // XGBoost JSON, or the torch trainers' model archive
  std::string transform_spec;             // the fitted spec, canonical JSON
  Json signature;                         // inputs, features, output
  Json eval_request;                      // src/eval request for the test split
  Json evaluation;                        // its result, computed here
  Json explanations;                      // null when not computed
  Json perf;                              // null when not measured
};

using TrainLog = std::function<void(const std::string&)>;

// Metric key characters the tracking API refuses (anything but letters, digits, _ - . space /)
// become '_': "ndcg@10" → "ndcg_10".
std::string MetricKey(const std::string& name);

}  // namespace moebius::train
