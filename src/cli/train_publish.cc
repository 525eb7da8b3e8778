#include "cli/train_publish.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "cli/tracking_run_logger.h"

namespace moebius::cli {
namespace {

namespace fs = std::filesystem;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

Status WriteFile(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) return Internal("cannot write " + path.string());
  return Status::Ok();
}

Status WriteOut(const std::string& dir, const train::TrainResult& r) {
  fs::path d(dir);
  RETURN_IF_ERROR(WriteFile(d / "model" / r.model_file, r.model_bytes));
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
  tags["moebius.trainer"] = r.trainer;
  RETURN_IF_ERROR(run.SetTags(tags));
  RETURN_IF_ERROR(run.PutArtifact("model/" + r.model_file, r.model_bytes));
  RETURN_IF_ERROR(run.PutArtifact("model/transform.json", r.transform_spec));
  RETURN_IF_ERROR(run.PutArtifact("model/signature.json", r.signature.dump(2)));
  if (!r.explanations.is_null()) RETURN_IF_ERROR(run.PutArtifact("explanations.json", r.explanations.dump()));
  if (!r.perf.is_null()) RETURN_IF_ERROR(run.PutArtifact("perf.json", r.perf.dump(2)));
  ASSIGN_OR_RETURN(Json ev, run.Evaluate("test", r.eval_request));
  TrainSay("evaluation stored as " + (ev.contains("artifact") && ev["artifact"].is_string() ? ev["artifact"].get<std::string>() : ""));
  return Status::Ok();
}

}  // namespace

void AddTrainTrackingFlags(CLI::App* x, TrainTracking& t) {
  x->add_option("--experiment", t.experiment, "without MLFLOW_RUN_ID: create a run in this experiment");
  x->add_option("--project", t.project, "with --experiment: the project of a new experiment");
  x->add_option("--run-name", t.run_name, "with --experiment: the new run's name");
  x->add_option("--out", t.out, "also write the artifacts to this folder");
}

void TrainSay(const std::string& line) {
  std::printf("train: %s\n", line.c_str());
  std::fflush(stdout);
}

Status RunAndPublish(const TrainTracking& t, const Trainer& trainer) {
  std::string uri = Env("MLFLOW_TRACKING_URI");
  std::unique_ptr<TrackingRunLogger> run;
  if (uri.empty()) {
    if (t.out.empty()) return InvalidArgument("no MLFLOW_TRACKING_URI in the environment: run this as a job, set it, or give --out DIR");
  } else {
    ASSIGN_OR_RETURN(run, TrackingRunLogger::Open(uri, Env("MLFLOW_TRACKING_TOKEN"), Env("MLFLOW_RUN_ID"), t.experiment, t.project,
                                                  t.run_name));
    TrainSay(std::string(run->created() ? "created" : "logging to") + " run " + run->run_id());
  }
  auto result = trainer(TrainSay);
  if (!result.ok()) {
    if (run && run->created()) (void)run->End("FAILED");
    return result.status();
  }
  if (!t.out.empty()) {
    RETURN_IF_ERROR(WriteOut(t.out, *result));
    TrainSay("artifacts written to " + t.out);
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
  if (result->evaluation.contains("metrics"))
    for (auto it = result->evaluation["metrics"].begin(); it != result->evaluation["metrics"].end(); ++it)
      if (it->is_number()) summary += " test_" + it.key() + "=" + it->dump();
  TrainSay("done:" + summary);
  return Status::Ok();
}

}  // namespace moebius::cli
