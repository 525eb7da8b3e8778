// `moebius train xgboost`: the built-in tabular trainer (src/train) as a command that a job
// runs (payload.command ["moebius", "train", "xgboost", ...]; the worker runs its own binary
// for a leading "moebius"). Logging to the tracking API, --out and failure handling are
// train_publish.h's, shared with `moebius train image` and `moebius train text`.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/crypto.h"
#include "base/strings.h"
#include "cli/cli_app.h"
#include "cli/train_distributed.h"
#include "cli/train_publish.h"
#include "train/xgb_trainer.h"

namespace moebius::cli {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(std::string(what) + ": cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TrainFlags {
  std::string data, label, task = "binary", group, booster = "gbtree", mode = "boosting", params, transform, features;
  int rounds = 100, early_stopping = 0, threads = 0, perf_calls = 2000;
  bool no_explain = false, no_perf = false;
  uint64_t seed = 0;
  TrainTracking tracking;
};

Result<train::XgbOptions> ToOptions(const TrainFlags& f) {
  train::XgbOptions o;
  o.data_dir = f.data;
  o.label = f.label;
  ASSIGN_OR_RETURN(o.task, train::ParseTask(f.task));
  o.group = f.group;
  o.booster = f.booster;
  if (f.mode == "boosting") o.mode = train::Mode::kBoosting;
  else if (f.mode == "random_forest") o.mode = train::Mode::kRandomForest;
  else return InvalidArgument("unknown --mode '" + f.mode + "': use boosting or random_forest");
  if (!f.params.empty()) {
    Json p = Json::parse(f.params, nullptr, false);
    if (p.is_discarded() || !p.is_object()) return InvalidArgument("--params must be a JSON object, e.g. '{\"max_depth\": 4}'");
    o.params = p;
  }
  o.rounds = f.rounds;
  o.early_stopping = f.early_stopping;
  if (!f.transform.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(f.transform, "--transform"));
    Json t = Json::parse(text, nullptr, false);
    if (t.is_discarded()) return InvalidArgument("--transform: " + f.transform + " is not JSON");
    o.transform = t;
  }
  o.seed = f.seed;
  o.threads = f.threads;
  o.perf_calls = f.perf_calls;
  o.explain = !f.no_explain;
  o.measure_perf = !f.no_perf;
  if (!f.features.empty())
    for (const auto& s : Split(f.features, ','))
      if (!s.empty()) o.features.push_back(s);
  RETURN_IF_ERROR(train::Validate(o));
  return o;
}

// A rank of a distributed group (train_distributed.h): joins XGBoost's collective and trains its
// shard; rank 0 publishes the run with the distributed settings, the others print their model's
// sha256 (every rank's must equal rank 0's) and publish nothing.
Status RunDistributed(const TrainFlags& f, train::XgbOptions o, const GroupEnv& g) {
  o.shard = g.rank;
  o.shards = g.world_size;
  auto trainer = [&o, &g](const train::TrainLog& log) -> Result<train::TrainResult> {
    ASSIGN_OR_RETURN(auto collective, XgbCollective::Join(g, log));
    o.leave_collective = [&collective] { return collective->Leave(); };
    ASSIGN_OR_RETURN(train::TrainResult res, train::TrainXgboost(o, log));
    std::string sha = Sha256Hex(res.model_bytes);
    log("rank " + std::to_string(g.rank) + ": model sha256 " + sha);
    if (g.rank != 0) return res;
    res.params.emplace_back("distributed.workers", std::to_string(g.world_size));
    res.params.emplace_back("distributed.backend", "xgboost-rabit");
    res.params.emplace_back("distributed.group", std::to_string(g.group));
    res.tags["moebius.distributed"] = "xgboost-rabit";
    res.tags["moebius.model_sha256"] = sha;
    auto ranks = collective->Ranks();
    if (ranks.ok()) {
      std::vector<std::string> jobs, workers;
      for (const Json& r : *ranks) {
        jobs.push_back(std::to_string(r.value("job_id", int64_t{0})));
        workers.push_back(r.value("worker", ""));
      }
      res.params.emplace_back("distributed.job_ids", Join(jobs, ","));
      res.params.emplace_back("distributed.worker_names", Join(workers, ",").substr(0, 480));
    } else {
      log("could not read the group's ranks: " + ranks.status().message());
    }
    return res;
  };
  if (g.rank == 0) return RunAndPublish(f.tracking, trainer);
  auto res = trainer(TrainSay);
  if (!res.ok()) return res.status();
  TrainSay("done: rank " + std::to_string(g.rank) + " of " + std::to_string(g.world_size) + " (rank 0 logs the run)");
  return Status::Ok();
}

Status RunTrain(const TrainFlags& f) {
  ASSIGN_OR_RETURN(train::XgbOptions o, ToOptions(f));
  ASSIGN_OR_RETURN(auto group, GroupFromEnv());
  if (group) return RunDistributed(f, std::move(o), *group);
  return RunAndPublish(f.tracking, [&o](const train::TrainLog& log) { return train::TrainXgboost(o, log); });
}

}  // namespace

void AddTrainCommands(CommandHost& host) {
  auto* train = host.Noun("train", "built-in trainers, run as jobs: moebius train xgboost --data DIR --label COL ...");
  train->require_subcommand(1);
  auto* x = host.Sub(train, "xgboost", "train XGBoost on a tabular split version (logs to MLFLOW_TRACKING_URI / MLFLOW_RUN_ID)");
  auto* f = host.Own<TrainFlags>();
  x->add_option("--data", f->data, "folder of a split version (payload.data or `moebius data checkout`)")->required();
  x->add_option("--label", f->label, "the column to predict")->required();
  x->add_option("--task", f->task, "binary | multiclass | regression | ranking")->capture_default_str();
  x->add_option("--group", f->group, "ranking: the query column");
  x->add_option("--booster", f->booster, "gbtree | gblinear | dart")->capture_default_str();
  x->add_option("--mode", f->mode, "boosting | random_forest")->capture_default_str();
  x->add_option("--params", f->params, "XGBoost parameters as a JSON object (unknown keys are an error)");
  x->add_option("--rounds", f->rounds, "boosting rounds")->capture_default_str();
  x->add_option("--early-stopping", f->early_stopping, "stop after N rounds without improvement on the valid split (0: off)")->capture_default_str();
  x->add_option("--transform", f->transform, "a TransformConfig JSON file, fitted on the train split");
  x->add_option("--seed", f->seed, "random seed: the same seed gives the same model")->capture_default_str();
  x->add_option("--features", f->features, "comma-separated input columns (default: all but label, split, fold, group)");
  x->add_option("--threads", f->threads, "XGBoost threads (0: all cores)")->capture_default_str();
  x->add_option("--perf-calls", f->perf_calls, "single-row predictions timed for perf.latency_p50_ms/p99")->capture_default_str();
  x->add_flag("--no-explain", f->no_explain, "skip the explanations (importance, TreeSHAP, permutation importance)");
  x->add_flag("--no-perf", f->no_perf, "skip the serving measurement (latency, throughput, memory)");
  AddTrainTrackingFlags(x, f->tracking);
  host.OnRunLocal(x, [f]() { return RunTrain(*f); });
  AddTrainImageCommand(host, train);
  AddTrainTextCommand(host, train);
}

}  // namespace moebius::cli
