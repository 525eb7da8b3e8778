// Value types of tracking: experiments, runs and what is logged to them. Field names follow
// MLflow's so the MLflow-compatible API maps one to one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace moebius::tracking {

struct KeyValue {
  std::string key;
  std::string value;
};

struct MetricPoint {
  std::string key;
  double value = 0;
  int64_t timestamp = 0;
  int64_t step = 0;
};

struct Experiment {
  int64_t experiment_id = 0;
  int64_t project_id = 0;
  std::string name;
  std::string artifact_location;
  std::string lifecycle_stage;  // "active" or "deleted"
  int64_t creation_time = 0;
  int64_t last_update_time = 0;
  std::vector<KeyValue> tags;
};

struct RunInfo {
  std::string run_id;
  std::string run_name;
  int64_t experiment_id = 0;
  std::string user_id;
  std::string status;  // RUNNING, SCHEDULED, FINISHED, FAILED, KILLED
  std::optional<int64_t> start_time;
  std::optional<int64_t> end_time;
  std::string artifact_uri;
  std::string lifecycle_stage;
};

struct RunInput {
  std::string kind;    // "dataset_version", "code", ...
  std::string ref;     // what was used, e.g. "cifar@v3"
  std::string detail;  // JSON text
};

struct Run {
  RunInfo info;
  std::vector<MetricPoint> metrics;  // latest value per key
  std::vector<KeyValue> params;
  std::vector<KeyValue> tags;
  std::vector<RunInput> inputs;
};

struct Page {
  std::vector<std::string> ids;
  std::string next_page_token;
};

struct ArtifactEntry {
  std::string path;
  bool is_dir = false;
  int64_t file_size = 0;
  std::string sha256;
};

struct MetricSeries {
  std::string run_id;
  std::string key;
  std::vector<MetricPoint> points;
  int64_t total = 0;  // points stored before downsampling
  bool downsampled = false;
};

// MLflow's limits (mlflow/utils/validation.py).
inline constexpr size_t kMaxParamValueLength = 6000;
inline constexpr size_t kMaxTagValueLength = 8000;
inline constexpr size_t kMaxEntityKeyLength = 250;
inline constexpr size_t kMaxExperimentNameLength = 500;
inline constexpr size_t kMaxRunNameLength = 500;
inline constexpr size_t kMaxBatchMetrics = 1000;
inline constexpr size_t kMaxBatchParams = 100;
inline constexpr size_t kMaxBatchTags = 100;
inline constexpr size_t kMaxBatchEntities = 1000;

}  // namespace moebius::tracking
