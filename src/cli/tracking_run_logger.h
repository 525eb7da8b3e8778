// TrackingRunLogger: what a built-in trainer needs of the MLflow-compatible tracking API —
// open (or create) a run, log params, metrics and tags in MLflow-sized batches, upload
// artifacts through the proxied artifact store, post an evaluation
// (POST /api/v1/runs/{run}/evaluations) and end a run it created.
//
// The server and credential come from MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN (what every
// job gets), the run from MLFLOW_RUN_ID; without one, Open creates a run in the named
// experiment (created when absent; in `project` when given).
//
// Thread safety: not thread-safe (one RestClient).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "cli/rest_client.h"

namespace moebius::cli {

struct LoggedMetric {
  std::string key;
  double value = 0;
  int64_t step = 0;
};

class TrackingRunLogger {
 public:
  // kInvalidArgument when there is neither a run id nor an experiment name; the server's error
  // when the run does not exist or the token may not write to it.
  static Result<std::unique_ptr<TrackingRunLogger>> Open(const std::string& uri, const std::string& token,
                                                         const std::string& run_id, const std::string& experiment,
                                                         const std::string& project, const std::string& run_name);

  const std::string& run_id() const { return run_id_; }
  bool created() const { return created_; }

  // Params the run already has with the same value (equal text, or numbers equal to 1e-5
  // relative: 6 significant digits) are not sent again: a study logs the trial's parameters
  // before its trainer runs.
  Status LogParams(const std::vector<std::pair<std::string, std::string>>& params);
  Status LogMetrics(const std::vector<LoggedMetric>& metrics);
  Status SetTags(const std::map<std::string, std::string>& tags);
  Status PutArtifact(const std::string& path, const std::string& bytes);
  // The server evaluates `request` with src/eval and stores it as the run's evaluation `name`.
  Result<Json> Evaluate(const std::string& name, const Json& request);
  // Sets the run's status (FINISHED, FAILED) and end time.
  Status End(const std::string& status);

 private:
  TrackingRunLogger(const std::string& uri, const std::string& token) : client_(uri, token) {}
  Status Batch(const Json& body);

  RestClient client_;
  std::string run_id_;
  std::string experiment_id_;
  bool created_ = false;
};

}  // namespace moebius::cli
