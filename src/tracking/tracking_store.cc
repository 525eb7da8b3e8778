#include "tracking/tracking_store.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "base/crypto.h"
#include "base/json.h"
#include "base/strings.h"
#include "tracking/page_token.h"
#include "tracking/run_names.h"

namespace moebius::tracking {
namespace {

using store::Row;
using store::Rows;
using store::SqlValue;
using store::Tx;

constexpr char kExperimentColumns[] =
    "experiment_id, project_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time";
constexpr char kRunColumns[] =
    "run_uuid, name, experiment_id, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage";

Experiment ExperimentOf(const Row& r) {
  Experiment e;
  e.experiment_id = r.Int(0);
  e.project_id = r.Int(1);
  e.name = r.Text(2);
  e.artifact_location = r.Text(3);
  e.lifecycle_stage = r.Text(4);
  e.creation_time = r.Int(5);
  e.last_update_time = r.Int(6);
  return e;
}

RunInfo RunInfoOf(const Row& r) {
  RunInfo i;
  i.run_id = r.Text(0);
  i.run_name = r.Text(1);
  i.experiment_id = r.Int(2);
  i.user_id = r.Text(3);
  i.status = r.Text(4);
  if (!r.IsNull(5)) i.start_time = r.Int(5);
  if (!r.IsNull(6)) i.end_time = r.Int(6);
  i.artifact_uri = r.Text(7);
  i.lifecycle_stage = r.Text(8);
  return i;
}

Status RunNotFound(const std::string& id) { return NotFound("Run '" + id + "' not found"); }

Status ValidateKey(const char* what, const std::string& key) {
  if (key.empty()) return InvalidArgument(std::string(what) + " name must not be empty");
  if (key.size() > kMaxEntityKeyLength)
    return InvalidArgument(std::string(what) + " name '" + key.substr(0, 50) + "...' is longer than " +
                           std::to_string(kMaxEntityKeyLength) + " characters");
  if (!IsValidUtf8(key)) return InvalidArgument(std::string(what) + " name is not valid UTF-8");
  for (unsigned char c : key) {
    bool ok = std::isalnum(c) || c >= 0x80 || c == '_' || c == '-' || c == '.' || c == ' ' || c == '/';
    if (!ok)
      return InvalidArgument("Invalid " + std::string(what) + " name: '" + key +
                             "'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), "
                             "spaces ( ), and slashes (/).");
  }
  if (key.front() == '/') return InvalidArgument("Invalid " + std::string(what) + " name: '" + key + "' must not start with '/'");
  for (const std::string& seg : Split(key, '/'))
    if (seg == "..") return InvalidArgument("Invalid " + std::string(what) + " name: '" + key + "' must not contain '..'");
  return Status::Ok();
}

Status ValidateValue(const char* what, const std::string& key, const std::string& value, size_t max) {
  if (value.size() > max)
    return InvalidArgument(std::string(what) + " value for '" + key + "' is " + std::to_string(value.size()) +
                           " bytes; the limit is " + std::to_string(max));
  if (!IsValidUtf8(value) && !value.empty())
    return InvalidArgument(std::string(what) + " value for '" + key + "' is not valid UTF-8");
  return Status::Ok();
}

Status ValidateRunId(const std::string& id) {
  if (!IsLowerHex(id, 32)) return RunNotFound(id);
  return Status::Ok();
}

bool IsKnownStatus(const std::string& s) {
  return s == "RUNNING" || s == "SCHEDULED" || s == "FINISHED" || s == "FAILED" || s == "KILLED";
}

// (step, timestamp, value) ordering used to pick the latest point, as MLflow does. NaN sorts
// below every number.
bool LaterThan(const MetricPoint& a, const MetricPoint& b) {
  auto key = [](const MetricPoint& p) {
    double v = std::isnan(p.value) ? -INFINITY : p.value;
    return std::make_tuple(p.step, p.timestamp, v);
  };
  return key(a) > key(b);
}

SqlValue MetricValue(double v) { return std::isnan(v) ? SqlValue(0.0) : SqlValue(v); }
double ValueOf(const Row& r, size_t value_col, size_t nan_col) { return r.Int(nan_col) ? std::nan("") : r.Double(value_col); }

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

Status TouchExperiment(Tx& tx, int64_t experiment_id, int64_t now) {
  return tx.Exec("UPDATE experiments SET last_update_time = ? WHERE experiment_id = ?", {now, experiment_id}).status();
}

}  // namespace

// ---------------------------------------------------------------------------- experiments

Result<Experiment> TrackingStore::CreateExperiment(int64_t project_id, const std::string& name,
                                                   const std::string& artifact_location, const std::vector<KeyValue>& tags) {
  if (Trim(name).empty()) return InvalidArgument("Experiment name must not be empty");
  if (name.size() > kMaxExperimentNameLength)
    return InvalidArgument("Experiment name is longer than " + std::to_string(kMaxExperimentNameLength) + " characters");
  if (!IsValidUtf8(name)) return InvalidArgument("Experiment name is not valid UTF-8");
  if (!artifact_location.empty() && !StartsWith(artifact_location, "mlflow-artifacts:"))
    return InvalidArgument("artifact_location must be empty or an mlflow-artifacts: URI; artifacts are stored by the server");
  for (const auto& t : tags) {
    RETURN_IF_ERROR(ValidateKey("Tag", t.key));
    RETURN_IF_ERROR(ValidateValue("Tag", t.key, t.value, kMaxTagValueLength));
  }
  Experiment e;
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(e.experiment_id, tx.NextId("experiments"));
    e.project_id = project_id;
    e.name = name;
    e.artifact_location = "mlflow-artifacts:/" + std::to_string(e.experiment_id);
    e.lifecycle_stage = "active";
    e.creation_time = e.last_update_time = clock_.NowMillis();
    e.tags = tags;
    RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO experiments (") + kExperimentColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                            {e.experiment_id, project_id, name, e.artifact_location, e.lifecycle_stage, e.creation_time,
                             e.last_update_time})
                        .status());
    std::vector<std::vector<SqlValue>> rows;
    for (const auto& t : tags) rows.push_back({e.experiment_id, t.key, t.value});
    return tx.ExecMany("INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) "
                       "ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
                       rows);
  });
  if (st.code() == StatusCode::kAlreadyExists) return AlreadyExists("Experiment '" + name + "' already exists.");
  RETURN_IF_ERROR(st);
  return e;
}

Status TrackingStore::EnsureDefaultExperiment(int64_t project_id) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT 1 FROM experiments WHERE experiment_id = 0"));
    if (!rows.empty()) return Status::Ok();
    int64_t now = clock_.NowMillis();
    return tx.Exec(std::string("INSERT INTO experiments (") + kExperimentColumns + ") VALUES (0, ?, 'Default', 'mlflow-artifacts:/0', 'active', ?, ?)",
                   {project_id, now, now})
        .status();
  });
}

static Status LoadExperimentTags(Tx& tx, Experiment& e) {
  ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key", {e.experiment_id}));
  for (const Row& r : rows) e.tags.push_back({r.Text(0), r.Text(1)});
  return Status::Ok();
}

Result<Experiment> TrackingStore::GetExperiment(int64_t experiment_id) {
  Experiment e;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kExperimentColumns + " FROM experiments WHERE experiment_id = ?",
                                            {experiment_id}, "No Experiment with id=" + std::to_string(experiment_id) + " exists"));
    e = ExperimentOf(r);
    return LoadExperimentTags(tx, e);
  }));
  return e;
}

Result<Experiment> TrackingStore::GetExperimentByName(const std::string& name) {
  Experiment e;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kExperimentColumns + " FROM experiments WHERE name = ?",
                                            {name}, "Could not find experiment with name '" + name + "'"));
    e = ExperimentOf(r);
    return LoadExperimentTags(tx, e);
  }));
  return e;
}

Result<std::vector<Experiment>> TrackingStore::ListExperiments(int64_t project_id, const std::string& view_type) {
  std::vector<Experiment> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kExperimentColumns +
                                             " FROM experiments WHERE project_id = ? ORDER BY creation_time DESC, experiment_id DESC",
                                         {project_id}));
    for (const Row& r : rows) {
      Experiment e = ExperimentOf(r);
      bool deleted = e.lifecycle_stage == "deleted";
      if ((view_type == "ACTIVE_ONLY" && deleted) || (view_type == "DELETED_ONLY" && !deleted)) continue;
      RETURN_IF_ERROR(LoadExperimentTags(tx, e));
      out.push_back(std::move(e));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::pair<std::vector<Experiment>, std::string>> TrackingStore::SearchExperiments(const ExperimentSearchRequest& q) {
  ASSIGN_OR_RETURN(CompiledQuery cq, CompileExperimentSearch(q));
  std::vector<Experiment> out;
  std::string next;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows ids, tx.Query(cq.sql, cq.params));
    if (static_cast<int64_t>(ids.size()) > cq.limit) {
      ids.resize(static_cast<size_t>(cq.limit));
      next = EncodePageToken(cq.offset + cq.limit);
    }
    for (const Row& id : ids) {
      ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kExperimentColumns + " FROM experiments WHERE experiment_id = ?",
                                              {id.Int(0)}, "experiment vanished"));
      Experiment e = ExperimentOf(r);
      RETURN_IF_ERROR(LoadExperimentTags(tx, e));
      out.push_back(std::move(e));
    }
    return Status::Ok();
  }));
  return std::make_pair(std::move(out), next);
}

Status TrackingStore::RenameExperiment(int64_t experiment_id, const std::string& new_name) {
  if (Trim(new_name).empty()) return InvalidArgument("Experiment name must not be empty");
  if (new_name.size() > kMaxExperimentNameLength) return InvalidArgument("Experiment name is too long");
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?", {experiment_id},
                                            "No Experiment with id=" + std::to_string(experiment_id) + " exists"));
    if (r.Text(0) != "active") return FailedPrecondition("Cannot rename a non-active experiment.");
    return tx.Exec("UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
                   {new_name, clock_.NowMillis(), experiment_id})
        .status();
  });
  if (st.code() == StatusCode::kAlreadyExists) return AlreadyExists("Experiment '" + new_name + "' already exists.");
  return st;
}

Status TrackingStore::SetExperimentLifecycle(int64_t experiment_id, bool deleted) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?", {experiment_id},
                                            "No Experiment with id=" + std::to_string(experiment_id) + " exists"));
    if (experiment_id == 0 && deleted) return FailedPrecondition("The default experiment (id 0) cannot be deleted.");
    int64_t now = clock_.NowMillis();
    std::string stage = deleted ? "deleted" : "active";
    RETURN_IF_ERROR(tx.Exec("UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
                            {stage, now, experiment_id}).status());
    // Like MLflow, the experiment's runs follow it into (and out of) the deleted state.
    return tx.Exec("UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?",
                   {stage, deleted ? SqlValue(now) : SqlValue(nullptr), experiment_id})
        .status();
  });
}

Status TrackingStore::SetExperimentTag(int64_t experiment_id, const std::string& key, const std::string& value) {
  RETURN_IF_ERROR(ValidateKey("Tag", key));
  RETURN_IF_ERROR(ValidateValue("Tag", key, value, kMaxTagValueLength));
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?", {experiment_id},
                                            "No Experiment with id=" + std::to_string(experiment_id) + " exists"));
    if (r.Text(0) != "active") return FailedPrecondition("The experiment must be in the 'active' state.");
    RETURN_IF_ERROR(tx.Exec("INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) "
                            "ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
                            {experiment_id, key, value}).status());
    return TouchExperiment(tx, experiment_id, clock_.NowMillis());
  });
}

// ---------------------------------------------------------------------------- runs

Result<Run> TrackingStore::CreateRun(int64_t experiment_id, const std::string& user_id, const std::string& run_name_in,
                                     std::optional<int64_t> start_time, const std::vector<KeyValue>& tags) {
  for (const auto& t : tags) {
    RETURN_IF_ERROR(ValidateKey("Tag", t.key));
    RETURN_IF_ERROR(ValidateValue("Tag", t.key, t.value, kMaxTagValueLength));
  }
  std::string run_name = run_name_in;
  for (const auto& t : tags)
    if (t.key == "mlflow.runName" && run_name.empty()) run_name = t.value;
  if (run_name.size() > kMaxRunNameLength) return InvalidArgument("run_name is longer than 500 characters");
  if (run_name.empty()) run_name = GenerateRunName();
  std::string run_id = RandomHex(16);
  int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT lifecycle_stage FROM experiments WHERE experiment_id = ?", {experiment_id},
                                            "No Experiment with id=" + std::to_string(experiment_id) + " exists"));
    if (r.Text(0) != "active")
      return FailedPrecondition("The experiment " + std::to_string(experiment_id) + " must be in the 'active' state.");
    std::string artifact_uri = "mlflow-artifacts:/" + std::to_string(experiment_id) + "/" + run_id + "/artifacts";
    RETURN_IF_ERROR(tx.Exec("INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, end_time, "
                            "lifecycle_stage, artifact_uri, deleted_time) VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, 'active', ?, NULL)",
                            {run_id, run_name, experiment_id, user_id, start_time.value_or(now), artifact_uri})
                        .status());
    std::vector<std::vector<SqlValue>> rows;
    bool has_name_tag = false;
    for (const auto& t : tags) {
      rows.push_back({run_id, t.key, t.key == "mlflow.runName" ? run_name : t.value});
      has_name_tag |= t.key == "mlflow.runName";
    }
    if (!has_name_tag) rows.push_back({run_id, std::string("mlflow.runName"), run_name});
    if (!user_id.empty()) rows.push_back({run_id, std::string("mlflow.user"), user_id});
    RETURN_IF_ERROR(tx.ExecMany("INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?) "
                                "ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value",
                                rows));
    return TouchExperiment(tx, experiment_id, now);
  }));
  return GetRun(run_id);
}

Result<std::vector<Run>> TrackingStore::LoadRuns(Tx& tx, const std::vector<std::string>& ids) {
  std::vector<Run> out;
  if (ids.empty()) return out;
  std::map<std::string, size_t> index;
  for (size_t start = 0; start < ids.size(); start += 500) {
    size_t n = std::min<size_t>(500, ids.size() - start);
    std::vector<SqlValue> params(ids.begin() + start, ids.begin() + start + n);
    std::string in = " IN (" + Placeholders(n) + ")";
    ASSIGN_OR_RETURN(Rows runs, tx.Query(std::string("SELECT ") + kRunColumns + " FROM runs WHERE run_uuid" + in, params));
    for (const Row& r : runs) {
      Run run;
      run.info = RunInfoOf(r);
      index[run.info.run_id] = out.size();
      out.push_back(std::move(run));
    }
    ASSIGN_OR_RETURN(Rows params_rows, tx.Query("SELECT run_uuid, key, value FROM params WHERE run_uuid" + in + " ORDER BY key", params));
    for (const Row& r : params_rows) out[index[r.Text(0)]].params.push_back({r.Text(1), r.Text(2)});
    ASSIGN_OR_RETURN(Rows tag_rows, tx.Query("SELECT run_uuid, key, value FROM tags WHERE run_uuid" + in + " ORDER BY key", params));
    for (const Row& r : tag_rows) out[index[r.Text(0)]].tags.push_back({r.Text(1), r.Text(2)});
    ASSIGN_OR_RETURN(Rows metric_rows, tx.Query("SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid" +
                                                    in + " ORDER BY key",
                                                params));
    for (const Row& r : metric_rows)
      out[index[r.Text(0)]].metrics.push_back({r.Text(1), ValueOf(r, 2, 5), r.Int(3), r.Int(4)});
    ASSIGN_OR_RETURN(Rows input_rows, tx.Query("SELECT run_uuid, kind, ref, detail FROM run_inputs WHERE run_uuid" + in + " ORDER BY kind, ref", params));
    for (const Row& r : input_rows) out[index[r.Text(0)]].inputs.push_back({r.Text(1), r.Text(2), r.Text(3)});
  }
  // Keep the caller's order (search order).
  std::vector<Run> ordered;
  ordered.reserve(out.size());
  for (const auto& id : ids) {
    auto it = index.find(id);
    if (it != index.end()) ordered.push_back(std::move(out[it->second]));
  }
  return ordered;
}

Result<Run> TrackingStore::GetRun(const std::string& run_id) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  std::vector<Run> runs;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(runs, LoadRuns(tx, {run_id}));
    return Status::Ok();
  }));
  if (runs.empty()) return RunNotFound(run_id);
  return std::move(runs.front());
}

Result<int64_t> TrackingStore::ExperimentOfRun(const std::string& run_id) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  int64_t exp = 0;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT experiment_id FROM runs WHERE run_uuid = ?", {run_id}, "Run '" + run_id + "' not found"));
    exp = r.Int(0);
    return Status::Ok();
  }));
  return exp;
}

Result<RunInfo> TrackingStore::UpdateRun(const std::string& run_id, const RunUpdate& up) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  if (up.status && !IsKnownStatus(*up.status))
    return InvalidArgument("Invalid run status '" + *up.status + "'; expected RUNNING, SCHEDULED, FINISHED, FAILED or KILLED");
  if (up.run_name && up.run_name->size() > kMaxRunNameLength) return InvalidArgument("run_name is longer than 500 characters");
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(CheckRunActive(tx, run_id));
    if (up.status) RETURN_IF_ERROR(tx.Exec("UPDATE runs SET status = ? WHERE run_uuid = ?", {*up.status, run_id}).status());
    if (up.end_time) RETURN_IF_ERROR(tx.Exec("UPDATE runs SET end_time = ? WHERE run_uuid = ?", {*up.end_time, run_id}).status());
    if (up.run_name && !up.run_name->empty()) {
      RETURN_IF_ERROR(tx.Exec("UPDATE runs SET name = ? WHERE run_uuid = ?", {*up.run_name, run_id}).status());
      RETURN_IF_ERROR(tx.Exec("INSERT INTO tags (run_uuid, key, value) VALUES (?, 'mlflow.runName', ?) "
                              "ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value",
                              {run_id, *up.run_name}).status());
    }
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(Run run, GetRun(run_id));
  return run.info;
}

Status TrackingStore::SetRunLifecycle(const std::string& run_id, bool deleted) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?",
                                        {std::string(deleted ? "deleted" : "active"),
                                         deleted ? SqlValue(clock_.NowMillis()) : SqlValue(nullptr), run_id}));
    if (n == 0) return RunNotFound(run_id);
    return Status::Ok();
  });
}

Result<std::pair<std::vector<Run>, std::string>> TrackingStore::SearchRuns(const RunSearchRequest& q) {
  ASSIGN_OR_RETURN(CompiledQuery cq, CompileRunSearch(q));
  std::vector<Run> runs;
  std::string next;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(cq.sql, cq.params));
    if (static_cast<int64_t>(rows.size()) > cq.limit) {
      rows.resize(static_cast<size_t>(cq.limit));
      next = EncodePageToken(cq.offset + cq.limit);
    }
    std::vector<std::string> ids;
    ids.reserve(rows.size());
    for (const Row& r : rows) ids.push_back(r.Text(0));
    ASSIGN_OR_RETURN(runs, LoadRuns(tx, ids));
    return Status::Ok();
  }));
  return std::make_pair(std::move(runs), next);
}

Status TrackingStore::CheckRunActive(Tx& tx, const std::string& run_id) {
  ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT lifecycle_stage FROM runs WHERE run_uuid = ?", {run_id}));
  if (rows.empty()) return RunNotFound(run_id);
  if (rows[0].Text(0) != "active")
    return FailedPrecondition("The run " + run_id + " must be in the 'active' state. Current state is " + rows[0].Text(0) + ".");
  return Status::Ok();
}

// ---------------------------------------------------------------------------- logging

Status TrackingStore::LogBatch(const std::string& run_id, const std::vector<MetricPoint>& metrics,
                               const std::vector<KeyValue>& params, const std::vector<KeyValue>& tags) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  if (metrics.size() > kMaxBatchMetrics)
    return InvalidArgument("A batch logging request can contain at most 1000 metrics. Got " + std::to_string(metrics.size()) + " metrics.");
  if (params.size() > kMaxBatchParams)
    return InvalidArgument("A batch logging request can contain at most 100 params. Got " + std::to_string(params.size()) + " params.");
  if (tags.size() > kMaxBatchTags)
    return InvalidArgument("A batch logging request can contain at most 100 tags. Got " + std::to_string(tags.size()) + " tags.");
  if (metrics.size() + params.size() + tags.size() > kMaxBatchEntities)
    return InvalidArgument("A batch logging request can contain at most 1000 metrics, params and tags in total.");
  std::map<std::string, std::string> param_map;
  for (const auto& p : params) {
    RETURN_IF_ERROR(ValidateKey("Param", p.key));
    RETURN_IF_ERROR(ValidateValue("Param", p.key, p.value, kMaxParamValueLength));
    auto [it, inserted] = param_map.emplace(p.key, p.value);
    if (!inserted && it->second != p.value)
      return InvalidArgument("Duplicate parameter keys have been submitted with different values: '" + p.key + "'");
  }
  for (const auto& t : tags) {
    RETURN_IF_ERROR(ValidateKey("Tag", t.key));
    RETURN_IF_ERROR(ValidateValue("Tag", t.key, t.value, kMaxTagValueLength));
  }
  std::map<std::string, MetricPoint> latest_in_batch;
  std::set<std::string> checked_keys;
  for (const auto& m : metrics) {
    if (!checked_keys.count(m.key)) {
      RETURN_IF_ERROR(ValidateKey("Metric", m.key));
      checked_keys.insert(m.key);
    }
    auto it = latest_in_batch.find(m.key);
    if (it == latest_in_batch.end() || LaterThan(m, it->second)) latest_in_batch[m.key] = m;
  }

  return db_.Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(CheckRunActive(tx, run_id));
    if (!params.empty()) {
      std::vector<std::vector<SqlValue>> rows;
      for (const auto& [key, value] : param_map) {
        ASSIGN_OR_RETURN(Rows existing, tx.Query("SELECT value FROM params WHERE run_uuid = ? AND key = ?", {run_id, key}));
        if (!existing.empty()) {
          if (existing[0].Text(0) != value)
            return InvalidArgument("Changing param values is not allowed. Param with key='" + key +
                                   "' was already logged with value='" + existing[0].Text(0) + "' for run ID='" + run_id +
                                   "'. Attempted logging new value '" + value + "'.");
          continue;
        }
        rows.push_back({run_id, key, value});
      }
      RETURN_IF_ERROR(tx.ExecMany("INSERT INTO params (run_uuid, key, value) VALUES (?, ?, ?)", rows));
    }
    if (!tags.empty()) {
      std::vector<std::vector<SqlValue>> rows;
      for (const auto& t : tags) {
        rows.push_back({run_id, t.key, t.value});
        if (t.key == "mlflow.runName")
          RETURN_IF_ERROR(tx.Exec("UPDATE runs SET name = ? WHERE run_uuid = ?", {t.value, run_id}).status());
      }
      RETURN_IF_ERROR(tx.ExecMany("INSERT INTO tags (run_uuid, key, value) VALUES (?, ?, ?) "
                                  "ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value",
                                  rows));
    }
    if (!metrics.empty()) {
      std::vector<std::vector<SqlValue>> rows;
      rows.reserve(metrics.size());
      for (const auto& m : metrics)
        rows.push_back({run_id, m.key, m.step, m.timestamp, MetricValue(m.value), int64_t{std::isnan(m.value) ? 1 : 0}});
      RETURN_IF_ERROR(tx.ExecMany("INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT DO NOTHING",
                                  rows));
      for (const auto& [key, m] : latest_in_batch) {
        ASSIGN_OR_RETURN(Rows cur, tx.Query("SELECT step, timestamp, value, is_nan FROM latest_metrics WHERE run_uuid = ? AND key = ?",
                                            {run_id, key}));
        if (!cur.empty()) {
          MetricPoint old{key, ValueOf(cur[0], 2, 3), cur[0].Int(1), cur[0].Int(0)};
          if (!LaterThan(m, old)) continue;
        }
        RETURN_IF_ERROR(tx.Exec("INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?) "
                                "ON CONFLICT (run_uuid, key) DO UPDATE SET step = excluded.step, timestamp = excluded.timestamp, "
                                "value = excluded.value, is_nan = excluded.is_nan",
                                {run_id, key, m.step, m.timestamp, MetricValue(m.value), int64_t{std::isnan(m.value) ? 1 : 0}})
                            .status());
      }
    }
    return Status::Ok();
  });
}

Status TrackingStore::DeleteTag(const std::string& run_id, const std::string& key) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  return db_.Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(CheckRunActive(tx, run_id));
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM tags WHERE run_uuid = ? AND key = ?", {run_id, key}));
    if (n == 0) return NotFound("No tag with name: " + key + " in run with id " + run_id);
    return Status::Ok();
  });
}

Status TrackingStore::LogInput(const std::string& run_id, const RunInput& input) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  if (input.kind.empty() || input.kind.size() > 64 || input.ref.empty() || input.ref.size() > 500)
    return InvalidArgument("input kind and ref must be non-empty (kind ≤ 64, ref ≤ 500 characters)");
  return db_.Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(CheckRunActive(tx, run_id));
    return tx.Exec("INSERT INTO run_inputs (run_uuid, kind, ref, detail) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (run_uuid, kind, ref) DO UPDATE SET detail = excluded.detail",
                   {run_id, input.kind, input.ref, input.detail.empty() ? std::string("{}") : input.detail})
        .status();
  });
}

Result<std::vector<RunInfo>> TrackingStore::RunsWithInput(const std::string& kind, const std::string& ref) {
  std::vector<RunInfo> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kRunColumns + " FROM runs WHERE run_uuid IN "
                                         "(SELECT run_uuid FROM run_inputs WHERE kind = ? AND ref = ?) ORDER BY start_time DESC",
                                         {kind, ref}));
    for (const Row& r : rows) out.push_back(RunInfoOf(r));
    return Status::Ok();
  }));
  return out;
}

// ---------------------------------------------------------------------------- history

Result<std::pair<std::vector<MetricPoint>, std::string>> TrackingStore::GetMetricHistory(const std::string& run_id,
                                                                                         const std::string& key,
                                                                                         int64_t max_results,
                                                                                         const std::string& page_token) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  if (max_results <= 0 || max_results > 25000) return InvalidArgument("max_results must be between 1 and 25000");
  int64_t offset = 0;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(offset, DecodePageToken(page_token));
  }
  std::vector<MetricPoint> points;
  std::string next;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows exists, tx.Query("SELECT 1 FROM runs WHERE run_uuid = ?", {run_id}));
    if (exists.empty()) return RunNotFound(run_id);
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? "
                                         "ORDER BY step, timestamp, value LIMIT ? OFFSET ?",
                                         {run_id, key, max_results + 1, offset}));
    if (static_cast<int64_t>(rows.size()) > max_results) {
      rows.resize(static_cast<size_t>(max_results));
      next = EncodePageToken(offset + max_results);
    }
    points.reserve(rows.size());
    for (const Row& r : rows) points.push_back({key, ValueOf(r, 2, 3), r.Int(1), r.Int(0)});
    return Status::Ok();
  }));
  return std::make_pair(std::move(points), next);
}

std::vector<MetricPoint> DownsampleMinMax(const std::vector<MetricPoint>& points, size_t max_points) {
  if (points.size() <= max_points || max_points < 4) return points;
  // Buckets over the index range; each keeps its min and max (in step order), so a chart
  // drawn from the result shows the same envelope as the full series.
  size_t inner = points.size() - 2;
  size_t buckets = (max_points - 2) / 2;
  std::vector<MetricPoint> out;
  out.reserve(max_points);
  out.push_back(points.front());
  for (size_t b = 0; b < buckets; ++b) {
    size_t lo = 1 + b * inner / buckets, hi = 1 + (b + 1) * inner / buckets;
    if (lo >= hi) continue;
    size_t imin = lo, imax = lo;
    for (size_t i = lo; i < hi; ++i) {
      double v = points[i].value;
      if (std::isnan(v)) continue;
      if (std::isnan(points[imin].value) || v < points[imin].value) imin = i;
      if (std::isnan(points[imax].value) || v > points[imax].value) imax = i;
    }
    if (imin == imax) {
      out.push_back(points[imin]);
    } else {
      out.push_back(points[std::min(imin, imax)]);
      out.push_back(points[std::max(imin, imax)]);
    }
  }
  out.push_back(points.back());
  return out;
}

Result<std::vector<MetricSeries>> TrackingStore::BulkHistory(const std::vector<std::string>& run_ids,
                                                             const std::vector<std::string>& keys, int64_t max_points) {
  if (run_ids.empty() || run_ids.size() > 100) return InvalidArgument("run_ids must list 1 to 100 runs");
  if (keys.empty() || keys.size() > 100) return InvalidArgument("metric_keys must list 1 to 100 keys");
  if (max_points < 10 || max_points > 100000) return InvalidArgument("max_points must be between 10 and 100000");
  for (const auto& id : run_ids) RETURN_IF_ERROR(ValidateRunId(id));
  std::vector<MetricSeries> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    for (const auto& id : run_ids) {
      ASSIGN_OR_RETURN(Rows exists, tx.Query("SELECT 1 FROM runs WHERE run_uuid = ?", {id}));
      if (exists.empty()) return RunNotFound(id);
      for (const auto& key : keys) {
        ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT step, timestamp, value, is_nan FROM metrics WHERE run_uuid = ? AND key = ? "
                                             "ORDER BY step, timestamp, value",
                                             {id, key}));
        if (rows.empty()) continue;
        MetricSeries s;
        s.run_id = id;
        s.key = key;
        s.total = static_cast<int64_t>(rows.size());
        std::vector<MetricPoint> all;
        all.reserve(rows.size());
        for (const Row& r : rows) all.push_back({key, ValueOf(r, 2, 3), r.Int(1), r.Int(0)});
        s.points = DownsampleMinMax(all, static_cast<size_t>(max_points));
        s.downsampled = s.points.size() < all.size();
        out.push_back(std::move(s));
      }
    }
    return Status::Ok();
  }));
  return out;
}

// ---------------------------------------------------------------------------- artifacts

Status TrackingStore::ValidateArtifactPath(const std::string& path, bool allow_empty) {
  if (path.empty()) return allow_empty ? Status::Ok() : InvalidArgument("artifact path must not be empty");
  if (path.size() > 1024) return InvalidArgument("artifact path is longer than 1024 characters");
  if (!IsValidUtf8(path)) return InvalidArgument("artifact path is not valid UTF-8");
  if (path.front() == '/') return InvalidArgument("Invalid path: artifact paths must be relative, got '" + path + "'");
  if (path.find('\\') != std::string::npos) return InvalidArgument("Invalid path: backslashes are not allowed in '" + path + "'");
  for (const std::string& seg : Split(path, '/')) {
    if (seg == ".." || seg == ".") return InvalidArgument("Invalid path: '" + path + "' must not contain '.' or '..' segments");
    if (seg.empty()) return InvalidArgument("Invalid path: '" + path + "' has an empty segment");
  }
  return Status::Ok();
}

Status TrackingStore::PutArtifact(const std::string& run_id, const std::string& path, const store::BlobInfo& blob) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  RETURN_IF_ERROR(ValidateArtifactPath(path, false));
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT 1 FROM runs WHERE run_uuid = ?", {run_id}));
    if (rows.empty()) return RunNotFound(run_id);
    // A file cannot also be a directory.
    ASSIGN_OR_RETURN(Rows all, tx.Query("SELECT path FROM run_artifacts WHERE run_uuid = ?", {run_id}));
    for (const Row& r : all) {
      std::string other = r.Text(0);
      if (StartsWith(other, path + "/")) return InvalidArgument("artifact path '" + path + "' is a directory");
      if (StartsWith(path, other + "/")) return InvalidArgument("artifact path '" + other + "' is a file, not a directory");
    }
    return tx.Exec("INSERT INTO run_artifacts (run_uuid, path, sha256, size, created_at) VALUES (?, ?, ?, ?, ?) "
                   "ON CONFLICT (run_uuid, path) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, created_at = excluded.created_at",
                   {run_id, path, blob.sha256, blob.size, clock_.NowMillis()})
        .status();
  });
}

Result<std::vector<ArtifactEntry>> TrackingStore::ListArtifacts(const std::string& run_id, const std::string& path) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  RETURN_IF_ERROR(ValidateArtifactPath(path, true));
  std::vector<ArtifactEntry> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows exists, tx.Query("SELECT 1 FROM runs WHERE run_uuid = ?", {run_id}));
    if (exists.empty()) return RunNotFound(run_id);
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT path, size, sha256 FROM run_artifacts WHERE run_uuid = ? ORDER BY path", {run_id}));
    std::string prefix = path.empty() ? "" : path + "/";
    std::set<std::string> dirs;
    for (const Row& r : rows) {
      std::string p = r.Text(0);
      if (!StartsWith(p, prefix)) continue;
      std::string rest = p.substr(prefix.size());
      size_t slash = rest.find('/');
      if (slash == std::string::npos) {
        out.push_back({p, false, r.Int(1), r.Text(2)});
      } else if (dirs.insert(rest.substr(0, slash)).second) {
        out.push_back({prefix + rest.substr(0, slash), true, 0, ""});
      }
    }
    std::sort(out.begin(), out.end(), [](const ArtifactEntry& a, const ArtifactEntry& b) { return a.path < b.path; });
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<std::tuple<std::string, std::string, std::string>>> TrackingStore::AllArtifacts() {
  std::vector<std::tuple<std::string, std::string, std::string>> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT run_uuid, path, sha256 FROM run_artifacts ORDER BY run_uuid, path"));
    for (const Row& r : rows) out.emplace_back(r.Text(0), r.Text(1), r.Text(2));
    return Status::Ok();
  }));
  return out;
}

Result<ArtifactEntry> TrackingStore::GetArtifact(const std::string& run_id, const std::string& path) {
  RETURN_IF_ERROR(ValidateRunId(run_id));
  RETURN_IF_ERROR(ValidateArtifactPath(path, false));
  ArtifactEntry e;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, "SELECT path, size, sha256 FROM run_artifacts WHERE run_uuid = ? AND path = ?",
                                            {run_id, path}, "artifact '" + path + "' does not exist in run " + run_id));
    e = {r.Text(0), false, r.Int(1), r.Text(2)};
    return Status::Ok();
  }));
  return e;
}

}  // namespace moebius::tracking
