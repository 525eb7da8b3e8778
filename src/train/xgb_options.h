// XgbOptions: what `moebius train xgboost` is asked to do, and the XGBoost parameters that
// follow from it. Everything a user can get wrong is checked here, before any data is read:
// the task, booster and mode names, the objective against the task, and every key of --params
// against the parameters XGBoost 1.7 documents (an unknown key is an error, not a silent no-op).
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::train {

enum class Task { kBinary, kMulticlass, kRegression, kRanking };
enum class Mode { kBoosting, kRandomForest };

const char* TaskName(Task t);
Result<Task> ParseTask(const std::string& name);

struct XgbOptions {
  std::string data_dir;      // a materialized split version
  std::string label;
  Task task = Task::kBinary;
  std::string group;         // ranking: the query column
  std::string booster = "gbtree";  // gbtree | gblinear | dart
  Mode mode = Mode::kBoosting;
  Json params = Json::object();    // XGBoost parameters from --params
  int rounds = 100;          // boosting rounds (random forest: 1)
  int early_stopping = 0;    // stop after N rounds without improvement on the valid split; 0: off
  std::optional<Json> transform;   // a TransformConfig (JSON) from --transform
  uint64_t seed = 0;
  std::vector<std::string> features;  // empty: every column but label, split, fold and group
  int threads = 0;           // XGBoost's nthread; 0: all cores
  int perf_calls = 2000;     // single-row predictions timed for the latency percentiles
  bool explain = true;       // importance, TreeSHAP and permutation importance (explanations.json)
  bool measure_perf = true;  // the serving measurement (perf.json, perf.* metrics)
  // Distributed training (EXP-8; docs/design/train.md "Distributed training"): this process is
  // rank `shard` of `shards` in XGBoost's collective, which the caller joined (collective.h). It
  // trains on its shard of the train and valid rows (row i → rank i mod shards; ranking: the
  // i-th query → rank i mod shards) after fitting the transform on the whole train split (so
  // every rank's features agree); XGBoost syncs sketches, histograms and metrics, and every
  // rank ends with the same model. `leave_collective` runs once the model is final; after it
  // rank 0 evaluates, explains and measures alone, and the other ranks return the model only.
  int shard = 0;
  int shards = 1;
  std::function<Status()> leave_collective;
};

// Checks the options that need no data: names, counts, the combination of mode, booster and
// rounds, and --params (see ParamsFor). kInvalidArgument naming the option.
Status Validate(const XgbOptions& o);

// The XGBoost parameters for a training run, in the order they are set: booster, objective (the
// task's default unless --params names one that fits the task), num_class, seed, nthread,
// tree_method "hist" (unless given), the random-forest settings, then --params. Values are
// XGBoost's text form. `num_class` is used for multiclass only. eval_metric may be a list and
// appears once per metric.
Result<std::vector<std::pair<std::string, std::string>>> ParamsFor(const XgbOptions& o, int num_class);

// The objectives allowed for a task.
const std::vector<std::string>& ObjectivesFor(Task t);

}  // namespace moebius::train
