// Experiments, runs, params, metrics, tags and artifacts (EXP-1, EXP-6, EXP-11), with MLflow's
// validation rules and semantics: params are write-once, metrics keep full history plus a
// latest value per key, a log-batch is all or nothing, deleted runs and experiments can be
// restored.
//
// Thread-safety: thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <tuple>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "store/blob/blob_store.h"
#include "store/meta/database.h"
#include "tracking/search_sql.h"
#include "tracking/tracking_types.h"

namespace moebius::tracking {

struct RunUpdate {
  std::optional<std::string> status;
  std::optional<int64_t> end_time;
  std::optional<std::string> run_name;
};

class TrackingStore {
 public:
  TrackingStore(store::Database& db, store::BlobStore& blobs, const Clock& clock)
      : db_(db), blobs_(blobs), clock_(clock) {}

  // --- experiments
  Result<Experiment> CreateExperiment(int64_t project_id, const std::string& name, const std::string& artifact_location,
                                      const std::vector<KeyValue>& tags);
  // Creates MLflow's "Default" experiment (id 0) in `project_id` unless it exists.
  Status EnsureDefaultExperiment(int64_t project_id);
  Result<Experiment> GetExperiment(int64_t experiment_id);
  Result<Experiment> GetExperimentByName(const std::string& name);
  Result<std::vector<Experiment>> ListExperiments(int64_t project_id, const std::string& view_type);
  // Returns matching experiments and the next page token.
  Result<std::pair<std::vector<Experiment>, std::string>> SearchExperiments(const ExperimentSearchRequest& q);
  Status RenameExperiment(int64_t experiment_id, const std::string& new_name);
  Status SetExperimentLifecycle(int64_t experiment_id, bool deleted);
  Status SetExperimentTag(int64_t experiment_id, const std::string& key, const std::string& value);

  // --- runs
  Result<Run> CreateRun(int64_t experiment_id, const std::string& user_id, const std::string& run_name,
                        std::optional<int64_t> start_time, const std::vector<KeyValue>& tags);
  Result<Run> GetRun(const std::string& run_id);
  Result<RunInfo> UpdateRun(const std::string& run_id, const RunUpdate& update);
  Status SetRunLifecycle(const std::string& run_id, bool deleted);
  Result<std::pair<std::vector<Run>, std::string>> SearchRuns(const RunSearchRequest& q);
  Result<int64_t> ExperimentOfRun(const std::string& run_id);

  // --- logging (the run must exist and be active)
  Status LogBatch(const std::string& run_id, const std::vector<MetricPoint>& metrics, const std::vector<KeyValue>& params,
                  const std::vector<KeyValue>& tags);
  Status DeleteTag(const std::string& run_id, const std::string& key);
  Status LogInput(const std::string& run_id, const RunInput& input);
  // Runs that recorded an input of this kind and ref (e.g. a data version).
  Result<std::vector<RunInfo>> RunsWithInput(const std::string& kind, const std::string& ref);

  // --- metric history
  // Points ordered by (step, timestamp); paging by opaque token.
  Result<std::pair<std::vector<MetricPoint>, std::string>> GetMetricHistory(const std::string& run_id, const std::string& key,
                                                                            int64_t max_results, const std::string& page_token);
  // Downsampled series for charts: at most `max_points` points per series, keeping the first and
  // last point and each bucket's minimum and maximum, so spikes survive.
  Result<std::vector<MetricSeries>> BulkHistory(const std::vector<std::string>& run_ids, const std::vector<std::string>& keys,
                                                int64_t max_points);

  // --- artifacts (content in the blob store, names in run_artifacts)
  // `path` must be relative, without '..' or empty segments; kInvalidArgument otherwise.
  static Status ValidateArtifactPath(const std::string& path, bool allow_empty);
  Status PutArtifact(const std::string& run_id, const std::string& path, const store::BlobInfo& blob);
  Result<std::vector<ArtifactEntry>> ListArtifacts(const std::string& run_id, const std::string& path);
  Result<ArtifactEntry> GetArtifact(const std::string& run_id, const std::string& path);
  store::BlobStore& blobs() { return blobs_; }
  // (run id, path, sha256) of every artifact, for fsck.
  Result<std::vector<std::tuple<std::string, std::string, std::string>>> AllArtifacts();

 private:
  Result<std::vector<Run>> LoadRuns(store::Tx& tx, const std::vector<std::string>& ids);
  Status CheckRunActive(store::Tx& tx, const std::string& run_id);

  store::Database& db_;
  store::BlobStore& blobs_;
  const Clock& clock_;
};

// Downsampling used by BulkHistory, exposed for tests.
std::vector<MetricPoint> DownsampleMinMax(const std::vector<MetricPoint>& points, size_t max_points);

}  // namespace moebius::tracking
