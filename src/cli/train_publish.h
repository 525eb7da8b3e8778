// The part every built-in trainer command shares (`moebius train xgboost|image|text`): open the
// tracking run before training (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, MLFLOW_RUN_ID from
// the job's environment, or a new run in --experiment), train, write the artifacts to --out
// when asked, log params, metrics, tags and artifacts (model/<model_file>, model/transform.json,
// model/signature.json, explanations.json, perf.json), post the test evaluation
// (POST /api/v1/runs/{run}/evaluations, name "test") and end a run it created.
//
// A failure of training or logging marks a run this command created FAILED and is returned, so
// the command prints "error: ..." and exits 1 (a job's run is ended by the job's outcome).
#pragma once

#include <functional>
#include <string>

#include "base/status.h"
#include "train/train_result.h"

namespace CLI {
class App;
}

namespace moebius::cli {

struct TrainTracking {
  std::string experiment, project, run_name, out;
};

// Adds --experiment, --project, --run-name and --out to a trainer command.
void AddTrainTrackingFlags(CLI::App* cmd, TrainTracking& t);

// Prints "train: <line>" on stdout, flushed (the job log).
void TrainSay(const std::string& line);

using Trainer = std::function<Result<train::TrainResult>(const train::TrainLog& log)>;

Status RunAndPublish(const TrainTracking& t, const Trainer& trainer);

}  // namespace moebius::cli
