#include "cli/tracking_run_logger.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>

namespace moebius::cli {
namespace {

const char* kMlflow = "/api/2.0/mlflow/";

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Result<std::unique_ptr<TrackingRunLogger>> TrackingRunLogger::Open(const std::string& uri, const std::string& token,
                                                                   const std::string& run_id, const std::string& experiment,
                                                                   const std::string& project, const std::string& run_name) {
  std::unique_ptr<TrackingRunLogger> l(new TrackingRunLogger(uri, token));
  if (!run_id.empty()) {
    ASSIGN_OR_RETURN(Json run, l->client_.Get(std::string(kMlflow) + "runs/get?run_id=" + RestClient::Segment(run_id)));
    l->run_id_ = run_id;
    l->experiment_id_ = run["run"]["info"]["experiment_id"].get<std::string>();
    return l;
  }
  if (experiment.empty())
    return InvalidArgument("no MLFLOW_RUN_ID in the environment: give --experiment NAME to create a run (or run this as a job of a run)");
  auto found = l->client_.Get(std::string(kMlflow) + "experiments/get-by-name?experiment_name=" + RestClient::Segment(experiment));
  if (found.ok()) {
    l->experiment_id_ = (*found)["experiment"]["experiment_id"].get<std::string>();
  } else if (found.status().code() == StatusCode::kNotFound) {
    Json body{{"name", experiment}};
    if (!project.empty()) body["tags"] = Json::array({Json{{"key", "moebius.project"}, {"value", project}}});
    ASSIGN_OR_RETURN(Json made, l->client_.Post(std::string(kMlflow) + "experiments/create", body));
    l->experiment_id_ = made["experiment_id"].get<std::string>();
  } else {
    return found.status();
  }
  Json body{{"experiment_id", l->experiment_id_}, {"start_time", NowMs()}};
  if (!run_name.empty()) body["run_name"] = run_name;
  ASSIGN_OR_RETURN(Json run, l->client_.Post(std::string(kMlflow) + "runs/create", body));
  l->run_id_ = run["run"]["info"]["run_id"].get<std::string>();
  l->created_ = true;
  return l;
}

Status TrackingRunLogger::Batch(const Json& body) {
  Json b = body;
  b["run_id"] = run_id_;
  return client_.Post(std::string(kMlflow) + "runs/log-batch", b).status();
}

namespace {

// The same value written twice: equal text, or numbers equal to 1e-5 relative (6 significant
// digits, "0.0149382" as a
// trainer prints it and "0.014938248209799625" as a study logged it).
bool SameParamValue(const std::string& a, const std::string& b) {
  if (a == b) return true;
  char* ea = nullptr;
  char* eb = nullptr;
  double x = std::strtod(a.c_str(), &ea), y = std::strtod(b.c_str(), &eb);
  if (a.empty() || b.empty() || *ea != '\0' || *eb != '\0') return false;
  return std::fabs(x - y) <= 1e-5 * std::max(std::fabs(x), std::fabs(y));
}

}  // namespace

Status TrackingRunLogger::LogParams(const std::vector<std::pair<std::string, std::string>>& params_in) {
  // A run made by a study already has the trial's parameters; the trainer's own text of the same
  // value is not logged again (MLflow refuses a param written twice with different text).
  std::vector<std::pair<std::string, std::string>> params;
  auto run = client_.Get("/api/2.0/mlflow/runs/get?run_id=" + RestClient::Segment(run_id_));
  std::map<std::string, std::string> existing;
  if (run.ok() && (*run)["run"].contains("data") && (*run)["run"]["data"].contains("params"))
    for (const Json& p : (*run)["run"]["data"]["params"]) existing[p.value("key", "")] = p.value("value", "");
  for (const auto& kv : params_in) {
    auto it = existing.find(kv.first);
    if (it == existing.end() || !SameParamValue(it->second, kv.second)) params.push_back(kv);
  }
  for (size_t i = 0; i < params.size(); i += 100) {
    Json ps = Json::array();
    for (size_t j = i; j < params.size() && j < i + 100; ++j) ps.push_back(Json{{"key", params[j].first}, {"value", params[j].second}});
    RETURN_IF_ERROR(Batch(Json{{"params", ps}}));
  }
  return Status::Ok();
}

Status TrackingRunLogger::LogMetrics(const std::vector<LoggedMetric>& metrics) {
  int64_t now = NowMs();
  for (size_t i = 0; i < metrics.size(); i += 1000) {
    Json ms = Json::array();
    for (size_t j = i; j < metrics.size() && j < i + 1000; ++j) {
      Json v = metrics[j].value;
      if (metrics[j].value != metrics[j].value) v = "NaN";
      ms.push_back(Json{{"key", metrics[j].key}, {"value", v}, {"timestamp", now}, {"step", metrics[j].step}});
    }
    RETURN_IF_ERROR(Batch(Json{{"metrics", ms}}));
  }
  return Status::Ok();
}

Status TrackingRunLogger::SetTags(const std::map<std::string, std::string>& tags) {
  Json ts = Json::array();
  for (const auto& [k, v] : tags) ts.push_back(Json{{"key", k}, {"value", v}});
  return Batch(Json{{"tags", ts}});
}

Status TrackingRunLogger::PutArtifact(const std::string& path, const std::string& bytes) {
  return client_
      .PutBytes("/api/2.0/mlflow-artifacts/artifacts/" + experiment_id_ + "/" + RestClient::Segment(run_id_) + "/artifacts/" + path, bytes)
      .status();
}

Result<Json> TrackingRunLogger::Evaluate(const std::string& name, const Json& request) {
  Json body = request;
  body["name"] = name;
  ASSIGN_OR_RETURN(Json out, client_.Post("/api/v1/runs/" + RestClient::Segment(run_id_) + "/evaluations", body));
  return out["evaluation"];
}

Status TrackingRunLogger::End(const std::string& status) {
  return client_.Post(std::string(kMlflow) + "runs/update", Json{{"run_id", run_id_}, {"status", status}, {"end_time", NowMs()}}).status();
}

}  // namespace moebius::cli
