// `moebius train xgboost`: the built-in tabular trainer (src/train) as a command that a job
// runs (payload.command ["moebius", "train", "xgboost", ...]; the worker runs its own binary
// for a leading "moebius"). It trains, then logs everything to the tracking API found in the
// environment (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN, MLFLOW_RUN_ID) and stores the test
// evaluation through POST /api/v1/runs/{run}/evaluations. --out DIR also writes the artifacts
// locally; with --out and no MLFLOW_TRACKING_URI nothing is sent anywhere.
//
// Any failure prints "error: ..." on stderr (the job log) and exits 1; a run this command
// created is marked FAILED.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/strings.h"
#include "cli/cli_app.h"
#include "cli/tracking_run_logger.h"
#include "train/xgb_trainer.h"

namespace moebius::cli {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Result<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(std::string(what) + ": cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WriteFile(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) return Internal("cannot write " + path.string());
  return Status::Ok();
}

struct TrainFlags {
  std::string data, label, task = "binary", group, booster = "gbtree", mode = "boosting", params, transform, features;
  int rounds = 100, early_stopping = 0, threads = 0, perf_calls = 2000;
  bool no_explain = false, no_perf = false;
  uint64_t seed = 0;
  std::string experiment, project, run_name, out;
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

void Say(const std::string& line) {
  std::printf("train: %s\n", line.c_str());
  std::fflush(stdout);
}

Status WriteOut(const std::string& dir, const train::TrainResult& r) {
  fs::path d(dir);
  RETURN_IF_ERROR(WriteFile(d / "model" / "model.json", r.model_json));
  RETURN_IF_ERROR(WriteFile(d / "model" / "transform.json", r.transform_spec));
  RETURN_IF_ERROR(WriteFile(d / "model" / "signature.json", r.signature.dump(2)));
  if (!r.explanations.is_null()) RETURN_IF_ERROR(WriteFile(d / "explanations.json", r.explanations.dump()));
  RETURN_IF_ERROR(WriteFile(d / "evaluation.json", r.evaluation.dump(2)));
  if (!r.perf.is_null()) RETURN_IF_ERROR(WriteFile(d / "perf.json", r.perf.dump(2)));
  Json params = Json::object(), metrics = Json::object(), history = Json::array();
  for (const auto& [k, v] : r.params) params[k] = v;
  for (const auto& [k, v] : r.metrics) metrics[k] = v;
  for (const auto& m : r.history) history.push_back(Json{{"key", m.key}, {"value", m.value}, {"step", m.step}});
  RETURN_IF_ERROR(WriteFile(d / "params.json", params.dump(2)));
  RETURN_IF_ERROR(WriteFile(d / "metrics.json", Json{{"summary", metrics}, {"history", history}}.dump()));
  return Status::Ok();
}

Status Log(TrackingRunLogger& run, const train::TrainResult& r) {
  RETURN_IF_ERROR(run.LogParams(r.params));
  std::vector<LoggedMetric> ms;
  for (const auto& m : r.history) ms.push_back({m.key, m.value, m.step});
  for (const auto& [k, v] : r.metrics) ms.push_back({k, v, 0});
  RETURN_IF_ERROR(run.LogMetrics(ms));
  std::map<std::string, std::string> tags = r.tags;
  tags["moebius.trainer"] = "xgboost";
  RETURN_IF_ERROR(run.SetTags(tags));
  RETURN_IF_ERROR(run.PutArtifact("model/model.json", r.model_json));
  RETURN_IF_ERROR(run.PutArtifact("model/transform.json", r.transform_spec));
  RETURN_IF_ERROR(run.PutArtifact("model/signature.json", r.signature.dump(2)));
  if (!r.explanations.is_null()) RETURN_IF_ERROR(run.PutArtifact("explanations.json", r.explanations.dump()));
  if (!r.perf.is_null()) RETURN_IF_ERROR(run.PutArtifact("perf.json", r.perf.dump(2)));
  ASSIGN_OR_RETURN(Json ev, run.Evaluate("test", r.eval_request));
  Say("evaluation stored as " + Str(ev, "artifact"));
  return Status::Ok();
}

Status RunTrain(const TrainFlags& f) {
  ASSIGN_OR_RETURN(train::XgbOptions o, ToOptions(f));
  std::string uri = Env("MLFLOW_TRACKING_URI");
  std::unique_ptr<TrackingRunLogger> run;
  if (uri.empty()) {
    if (f.out.empty()) return InvalidArgument("no MLFLOW_TRACKING_URI in the environment: run this as a job, set it, or give --out DIR");
  } else {
    ASSIGN_OR_RETURN(run, TrackingRunLogger::Open(uri, Env("MLFLOW_TRACKING_TOKEN"), Env("MLFLOW_RUN_ID"), f.experiment, f.project,
                                                  f.run_name));
    Say(std::string(run->created() ? "created" : "logging to") + " run " + run->run_id());
  }
  auto result = train::TrainXgboost(o, Say);
  if (!result.ok()) {
    if (run && run->created()) (void)run->End("FAILED");
    return result.status();
  }
  if (!f.out.empty()) {
    RETURN_IF_ERROR(WriteOut(f.out, *result));
    Say("artifacts written to " + f.out);
  }
  if (run) {
    Status st = Log(*run, *result);
    if (!st.ok()) {
      if (run->created()) (void)run->End("FAILED");
      return st;
    }
    if (run->created()) RETURN_IF_ERROR(run->End("FINISHED"));
  }
  std::string summary;
  for (auto it = result->evaluation["metrics"].begin(); it != result->evaluation["metrics"].end(); ++it)
    if (it->is_number()) summary += " test_" + it.key() + "=" + it->dump();
  Say("done:" + summary);
  return Status::Ok();
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
  x->add_option("--experiment", f->experiment, "without MLFLOW_RUN_ID: create a run in this experiment");
  x->add_option("--project", f->project, "with --experiment: the project of a new experiment");
  x->add_option("--run-name", f->run_name, "with --experiment: the new run's name");
  x->add_option("--out", f->out, "also write the artifacts to this folder");
  host.OnRunLocal(x, [f]() { return RunTrain(*f); });
}

}  // namespace moebius::cli
