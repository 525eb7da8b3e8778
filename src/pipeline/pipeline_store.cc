#include "pipeline/pipeline_store.h"

#include "pipeline/component_spec.h"

namespace moebius::pipeline {
namespace {

using store::Row;
using store::Rows;
using store::SqlValue;
using store::Tx;

const char* Table(DefKind k) { return k == DefKind::kComponent ? "pipeline_components" : "pipeline_definitions"; }
const char* Noun(DefKind k) { return k == DefKind::kComponent ? "component" : "pipeline"; }

constexpr char kDefColumns[] = "project_id, name, version, hash, definition, created_at, created_by";

Definition DefOf(const Row& r) {
  Definition d;
  d.project_id = r.Int(0);
  d.name = r.Text(1);
  d.version = r.Int(2);
  d.hash = r.Text(3);
  d.definition = Json::parse(r.Text(4), nullptr, false);
  d.created_at = r.Int(5);
  d.created_by = r.Text(6);
  return d;
}

constexpr char kRunColumns[] =
    "id, project_id, pipeline, pipeline_version, params, cache, state, run_id, experiment_id, error, created_at, finished_at, created_by";
constexpr char kStepColumns[] =
    "pipeline_run_id, name, ordinal, component, component_version, depends_on, state, job_id, run_id, cache_key, resolved, outputs, "
    "cached_from, error, started_at, finished_at";

PipelineRun RunOf(const Row& r) {
  PipelineRun p;
  p.id = r.Int(0);
  p.project_id = r.Int(1);
  p.pipeline = r.Text(2);
  p.pipeline_version = r.Int(3);
  p.params = Json::parse(r.Text(4), nullptr, false);
  p.cache = r.Int(5) != 0;
  p.state = ParseRunState(r.Text(6)).value_or(RunState::kFailed);
  p.run_id = r.Text(7);
  p.experiment_id = r.Int(8);
  p.error = r.Text(9);
  p.created_at = r.Int(10);
  p.finished_at = r.Int(11);
  p.created_by = r.Text(12);
  return p;
}

StepRecord StepOf(const Row& r) {
  StepRecord s;
  s.pipeline_run_id = r.Int(0);
  s.name = r.Text(1);
  s.ordinal = static_cast<int>(r.Int(2));
  s.component = r.Text(3);
  s.component_version = r.Int(4);
  Json deps = Json::parse(r.Text(5), nullptr, false);
  if (deps.is_array())
    for (const Json& d : deps)
      if (d.is_string()) s.depends_on.push_back(d);
  s.state = ParseStepState(r.Text(6)).value_or(StepState::kFailed);
  if (!r.IsNull(7)) s.job_id = r.Int(7);
  s.run_id = r.Text(8);
  s.cache_key = r.Text(9);
  s.resolved = Json::parse(r.Text(10), nullptr, false);
  s.outputs = Json::parse(r.Text(11), nullptr, false);
  s.cached_from = r.Text(12);
  s.error = r.Text(13);
  s.started_at = r.Int(14);
  s.finished_at = r.Int(15);
  return s;
}

SqlValue JobIdValue(const std::optional<int64_t>& id) { return id ? SqlValue(*id) : SqlValue(nullptr); }

}  // namespace

const char* StepStateName(StepState s) {
  switch (s) {
    case StepState::kPending: return "pending";
    case StepState::kQueued: return "queued";
    case StepState::kRunning: return "running";
    case StepState::kSucceeded: return "succeeded";
    case StepState::kFailed: return "failed";
    case StepState::kCached: return "cached";
    case StepState::kSkipped: return "skipped";
    case StepState::kCancelled: return "cancelled";
  }
  return "failed";
}

std::optional<StepState> ParseStepState(std::string_view name) {
  for (StepState s : {StepState::kPending, StepState::kQueued, StepState::kRunning, StepState::kSucceeded, StepState::kFailed,
                      StepState::kCached, StepState::kSkipped, StepState::kCancelled})
    if (name == StepStateName(s)) return s;
  return std::nullopt;
}

const char* RunStateName(RunState s) {
  switch (s) {
    case RunState::kRunning: return "running";
    case RunState::kSucceeded: return "succeeded";
    case RunState::kFailed: return "failed";
    case RunState::kCancelled: return "cancelled";
  }
  return "failed";
}

std::optional<RunState> ParseRunState(std::string_view name) {
  for (RunState s : {RunState::kRunning, RunState::kSucceeded, RunState::kFailed, RunState::kCancelled})
    if (name == RunStateName(s)) return s;
  return std::nullopt;
}

std::vector<store::Migration> PipelineMigrations() {
  return {{1000, "pipelines", R"SQL(
CREATE TABLE pipeline_components (
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  hash TEXT NOT NULL,
  definition TEXT NOT NULL,
  deleted BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (project_id, name, version)
);
CREATE TABLE pipeline_definitions (
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  version BIGINT NOT NULL,
  hash TEXT NOT NULL,
  definition TEXT NOT NULL,
  deleted BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (project_id, name, version)
);
CREATE TABLE pipeline_runs (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  pipeline TEXT NOT NULL,
  pipeline_version BIGINT NOT NULL,
  params TEXT NOT NULL,
  cache BIGINT NOT NULL,
  state TEXT NOT NULL,
  run_id TEXT NOT NULL,
  experiment_id BIGINT NOT NULL,
  error TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX pipeline_runs_state ON pipeline_runs (state);
CREATE INDEX pipeline_runs_project ON pipeline_runs (project_id, pipeline, id);
CREATE TABLE pipeline_steps (
  pipeline_run_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  ordinal BIGINT NOT NULL,
  component TEXT NOT NULL,
  component_version BIGINT NOT NULL,
  depends_on TEXT NOT NULL,
  state TEXT NOT NULL,
  job_id BIGINT,
  run_id TEXT NOT NULL,
  cache_key TEXT NOT NULL,
  resolved TEXT NOT NULL,
  outputs TEXT NOT NULL,
  cached_from TEXT NOT NULL,
  error TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  PRIMARY KEY (pipeline_run_id, name)
);
CREATE INDEX pipeline_steps_job ON pipeline_steps (job_id);
CREATE INDEX pipeline_steps_cache ON pipeline_steps (cache_key, state)
)SQL"}};
}

Result<std::pair<Definition, bool>> PipelineStore::Save(DefKind kind, int64_t project_id, const Json& normalized,
                                                        const std::string& user) {
  Definition d;
  d.project_id = project_id;
  d.name = normalized["name"];
  d.definition = normalized;
  d.hash = DefinitionHash(normalized);
  bool created = false;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows latest, tx.Query(std::string("SELECT ") + kDefColumns + " FROM " + Table(kind) +
                                               " WHERE project_id = ? AND name = ? AND deleted = 0 ORDER BY version DESC LIMIT 1",
                                           {project_id, d.name}));
    if (!latest.empty() && latest[0].Text(3) == d.hash) {
      d = DefOf(latest[0]);
      return Status::Ok();
    }
    ASSIGN_OR_RETURN(Rows max, tx.Query(std::string("SELECT MAX(version) FROM ") + Table(kind) + " WHERE project_id = ? AND name = ?",
                                        {project_id, d.name}));
    d.version = (max.empty() || max[0].IsNull(0) ? 0 : max[0].Int(0)) + 1;
    d.created_at = clock_.NowMillis();
    d.created_by = user;
    created = true;
    return tx.Exec(std::string("INSERT INTO ") + Table(kind) +
                       " (project_id, name, version, hash, definition, deleted, created_at, created_by) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                   {project_id, d.name, d.version, d.hash, normalized.dump(), d.created_at, user})
        .status();
  }));
  return std::make_pair(d, created);
}

Result<Definition> PipelineStore::Get(DefKind kind, int64_t project_id, const std::string& name, std::optional<int64_t> version) {
  Definition d;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    std::string sql = std::string("SELECT ") + kDefColumns + " FROM " + Table(kind) + " WHERE project_id = ? AND name = ? AND deleted = 0";
    std::vector<SqlValue> params{project_id, name};
    if (version) {
      sql += " AND version = ?";
      params.push_back(*version);
    } else {
      sql += " ORDER BY version DESC LIMIT 1";
    }
    ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    if (rows.empty()) {
      if (!version) return NotFound(std::string(Noun(kind)) + " '" + name + "' does not exist");
      return NotFound(std::string(Noun(kind)) + " '" + name + "' has no version " + std::to_string(*version));
    }
    d = DefOf(rows[0]);
    return Status::Ok();
  }));
  return d;
}

Result<std::vector<Definition>> PipelineStore::ListLatest(DefKind kind, int64_t project_id) {
  std::vector<Definition> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    std::string t = Table(kind);
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT project_id, name, version, hash, definition, created_at, created_by FROM " + t +
                                             " d WHERE project_id = ? AND deleted = 0 AND version = (SELECT MAX(version) FROM " + t +
                                             " e WHERE e.project_id = d.project_id AND e.name = d.name AND e.deleted = 0) ORDER BY name",
                                         {project_id}));
    for (const Row& r : rows) out.push_back(DefOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Definition>> PipelineStore::Versions(DefKind kind, int64_t project_id, const std::string& name) {
  std::vector<Definition> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kDefColumns + " FROM " + Table(kind) +
                                             " WHERE project_id = ? AND name = ? AND deleted = 0 ORDER BY version DESC",
                                         {project_id, name}));
    for (const Row& r : rows) out.push_back(DefOf(r));
    return Status::Ok();
  }));
  if (out.empty()) return NotFound(std::string(Noun(kind)) + " '" + name + "' does not exist");
  return out;
}

Status PipelineStore::Delete(DefKind kind, int64_t project_id, const std::string& name) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec(std::string("UPDATE ") + Table(kind) + " SET deleted = 1 WHERE project_id = ? AND name = ? AND deleted = 0",
                                        {project_id, name}));
    if (n == 0) return NotFound(std::string(Noun(kind)) + " '" + name + "' does not exist");
    return Status::Ok();
  });
}

Status PipelineStore::CreateRun(PipelineRun& run) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(run.id, tx.NextId("pipeline_runs"));
    run.created_at = clock_.NowMillis();
    RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO pipeline_runs (") + kRunColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {run.id, run.project_id, run.pipeline, run.pipeline_version, run.params.dump(), int64_t{run.cache},
                             std::string(RunStateName(run.state)), run.run_id, run.experiment_id, run.error, run.created_at,
                             run.finished_at, run.created_by})
                        .status());
    for (auto& s : run.steps) {
      s.pipeline_run_id = run.id;
      RETURN_IF_ERROR(tx.Exec(std::string("INSERT INTO pipeline_steps (") + kStepColumns +
                                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                              {run.id, s.name, int64_t{s.ordinal}, s.component, s.component_version, Json(s.depends_on).dump(),
                               std::string(StepStateName(s.state)), JobIdValue(s.job_id), s.run_id, s.cache_key, s.resolved.dump(),
                               s.outputs.dump(), s.cached_from, s.error, s.started_at, s.finished_at})
                          .status());
    }
    return Status::Ok();
  });
}

Result<PipelineRun> PipelineStore::GetRun(int64_t id) {
  PipelineRun run;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kRunColumns + " FROM pipeline_runs WHERE id = ?", {id},
                                            "pipeline run " + std::to_string(id) + " does not exist"));
    run = RunOf(r);
    ASSIGN_OR_RETURN(Rows steps, tx.Query(std::string("SELECT ") + kStepColumns + " FROM pipeline_steps WHERE pipeline_run_id = ? ORDER BY ordinal", {id}));
    for (const Row& s : steps) run.steps.push_back(StepOf(s));
    return Status::Ok();
  }));
  return run;
}

Result<std::vector<PipelineRun>> PipelineStore::ListRuns(int64_t project_id, const std::string& pipeline, int limit) {
  std::vector<PipelineRun> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    std::string sql = std::string("SELECT ") + kRunColumns + " FROM pipeline_runs WHERE project_id = ?";
    std::vector<SqlValue> params{project_id};
    if (!pipeline.empty()) {
      sql += " AND pipeline = ?";
      params.push_back(pipeline);
    }
    sql += " ORDER BY id DESC LIMIT ?";
    params.push_back(int64_t{limit});
    ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    for (const Row& r : rows) {
      out.push_back(RunOf(r));
      ASSIGN_OR_RETURN(Rows counts, tx.Query("SELECT state, COUNT(*) FROM pipeline_steps WHERE pipeline_run_id = ? GROUP BY state",
                                             {out.back().id}));
      for (const Row& c : counts) out.back().step_counts[c.Text(0)] = static_cast<int>(c.Int(1));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<int64_t>> PipelineStore::ActiveRunIds() {
  std::vector<int64_t> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT id FROM pipeline_runs WHERE state = 'running' ORDER BY id"));
    for (const Row& r : rows) out.push_back(r.Int(0));
    return Status::Ok();
  }));
  return out;
}

Status PipelineStore::UpdateStep(const StepRecord& s) {
  return db_.Write([&](Tx& tx) -> Status {
    return tx.Exec("UPDATE pipeline_steps SET component_version = ?, state = ?, job_id = ?, run_id = ?, cache_key = ?, resolved = ?, "
                   "outputs = ?, cached_from = ?, error = ?, started_at = ?, finished_at = ? WHERE pipeline_run_id = ? AND name = ?",
                   {s.component_version, std::string(StepStateName(s.state)), JobIdValue(s.job_id), s.run_id, s.cache_key,
                    s.resolved.dump(), s.outputs.dump(), s.cached_from, s.error, s.started_at, s.finished_at, s.pipeline_run_id, s.name})
        .status();
  });
}

Result<bool> PipelineStore::FinishRun(int64_t id, RunState state, const std::string& error) {
  bool changed = false;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE pipeline_runs SET state = ?, error = ?, finished_at = ? WHERE id = ? AND state = 'running'",
                                        {std::string(RunStateName(state)), error, clock_.NowMillis(), id}));
    changed = n > 0;
    return Status::Ok();
  }));
  return changed;
}

Result<std::optional<StepRecord>> PipelineStore::FindCached(int64_t project_id, const std::string& cache_key) {
  std::optional<StepRecord> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT s.pipeline_run_id, s.name, s.ordinal, s.component, s.component_version, s.depends_on, "
                                         "s.state, s.job_id, s.run_id, s.cache_key, s.resolved, s.outputs, s.cached_from, s.error, "
                                         "s.started_at, s.finished_at FROM pipeline_steps s JOIN pipeline_runs r ON r.id = s.pipeline_run_id "
                                         "WHERE s.cache_key = ? AND s.state = 'succeeded' AND r.project_id = ? "
                                         "ORDER BY s.finished_at DESC LIMIT 1",
                                         {cache_key, project_id}));
    if (!rows.empty()) out = StepOf(rows[0]);
    return Status::Ok();
  }));
  return out;
}

Result<std::pair<StepRecord, int64_t>> PipelineStore::StepOfJob(int64_t job_id) {
  std::pair<StepRecord, int64_t> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx,
                                            "SELECT s.pipeline_run_id, s.name, s.ordinal, s.component, s.component_version, s.depends_on, "
                                            "s.state, s.job_id, s.run_id, s.cache_key, s.resolved, s.outputs, s.cached_from, s.error, "
                                            "s.started_at, s.finished_at, r.project_id FROM pipeline_steps s JOIN pipeline_runs r "
                                            "ON r.id = s.pipeline_run_id WHERE s.job_id = ?",
                                            {job_id}, "job " + std::to_string(job_id) + " is not a pipeline step"));
    out = {StepOf(r), r.Int(16)};
    return Status::Ok();
  }));
  return out;
}

}  // namespace moebius::pipeline
