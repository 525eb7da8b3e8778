#include "hpo/study_store.h"

namespace moebius::hpo {
namespace {

using store::Row;
using store::SqlValue;
using store::Tx;

constexpr char kStudyColumns[] =
    "id, project_id, name, experiment_id, parent_run_id, spec, state, error, created_by, created_at, finished_at";
constexpr char kTrialColumns[] =
    "study_id, number, state, params, value, intermediate, run_id, job_id, error, created_at, finished_at";

StudyRecord StudyOf(const Row& r) {
  StudyRecord s;
  s.id = r.Int(0);
  s.project_id = r.Int(1);
  s.name = r.Text(2);
  s.experiment_id = r.Int(3);
  s.parent_run_id = r.Text(4);
  s.spec = Json::parse(r.Text(5), nullptr, false);
  s.state = ParseStudyState(r.Text(6)).value_or(StudyState::kFailed);
  s.error = r.Text(7);
  s.created_by = r.Text(8);
  s.created_at = r.Int(9);
  s.finished_at = r.Int(10);
  return s;
}

TrialRecord TrialOf(const Row& r) {
  TrialRecord t;
  t.study_id = r.Int(0);
  t.number = r.Int(1);
  t.state = r.Text(2);
  t.params = Json::parse(r.Text(3), nullptr, false);
  if (!r.IsNull(4)) t.value = r.Double(4);
  Json im = Json::parse(r.Text(5), nullptr, false);
  if (im.is_array())
    for (const Json& p : im)
      if (p.is_array() && p.size() == 2 && p[0].is_number_integer() && p[1].is_number()) t.intermediate[p[0].get<int64_t>()] = p[1].get<double>();
  t.run_id = r.Text(6);
  t.job_id = r.Int(7);
  t.error = r.Text(8);
  t.created_at = r.Int(9);
  t.finished_at = r.Int(10);
  return t;
}

}  // namespace

const char* StudyStateName(StudyState s) {
  switch (s) {
    case StudyState::kRunning: return "running";
    case StudyState::kStopped: return "stopped";
    case StudyState::kCompleted: return "completed";
    case StudyState::kFailed: return "failed";
  }
  return "failed";
}

std::optional<StudyState> ParseStudyState(std::string_view s) {
  for (StudyState st : {StudyState::kRunning, StudyState::kStopped, StudyState::kCompleted, StudyState::kFailed})
    if (s == StudyStateName(st)) return st;
  return std::nullopt;
}

std::vector<store::Migration> HpoMigrations() {
  return {{700, "hpo_studies_trials", R"SQL(
CREATE TABLE hpo_studies (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  experiment_id BIGINT NOT NULL,
  parent_run_id TEXT NOT NULL,
  spec TEXT NOT NULL,
  state TEXT NOT NULL,
  error TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX hpo_studies_name ON hpo_studies (project_id, name);
CREATE INDEX hpo_studies_state ON hpo_studies (state);
CREATE TABLE hpo_trials (
  study_id BIGINT NOT NULL,
  number BIGINT NOT NULL,
  state TEXT NOT NULL,
  params TEXT NOT NULL,
  value DOUBLE PRECISION,
  intermediate TEXT NOT NULL,
  run_id TEXT NOT NULL,
  job_id BIGINT NOT NULL,
  error TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  PRIMARY KEY (study_id, number)
)
)SQL"}};
}

Result<StudyRecord> StudyStore::Create(StudyRecord s) {
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto existing, tx.Query("SELECT id FROM hpo_studies WHERE project_id = ? AND name = ?", {s.project_id, s.name}));
    if (!existing.empty()) return AlreadyExists("the project already has a study named '" + s.name + "'");
    ASSIGN_OR_RETURN(s.id, tx.NextId("hpo_studies"));
    return tx.Exec(std::string("INSERT INTO hpo_studies (") + kStudyColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {s.id, s.project_id, s.name, s.experiment_id, s.parent_run_id, s.spec.dump(), std::string(StudyStateName(s.state)),
                    s.error, s.created_by, s.created_at, s.finished_at})
        .status();
  }));
  return s;
}

Result<StudyRecord> StudyStore::Get(int64_t id) {
  StudyRecord s;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kStudyColumns + " FROM hpo_studies WHERE id = ?", {id},
                                            "study " + std::to_string(id) + " does not exist"));
    s = StudyOf(r);
    return Status::Ok();
  }));
  return s;
}

Result<std::vector<StudyRecord>> StudyStore::List(int64_t project_id) {
  std::vector<StudyRecord> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("SELECT ") + kStudyColumns + " FROM hpo_studies WHERE project_id = ? ORDER BY id DESC",
                                         {project_id}));
    for (const Row& r : rows) out.push_back(StudyOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<StudyRecord>> StudyStore::ListRunning() {
  std::vector<StudyRecord> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("SELECT ") + kStudyColumns + " FROM hpo_studies WHERE state = ? ORDER BY id",
                                         {std::string("running")}));
    for (const Row& r : rows) out.push_back(StudyOf(r));
    return Status::Ok();
  }));
  return out;
}

Status StudyStore::SetState(int64_t id, StudyState state, const std::string& error, int64_t finished_at) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE hpo_studies SET state = ?, error = ?, finished_at = ? WHERE id = ?",
                                        {std::string(StudyStateName(state)), error, finished_at, id}));
    if (n == 0) return NotFound("study " + std::to_string(id) + " does not exist");
    return Status::Ok();
  });
}

Status StudyStore::PutTrial(const TrialRecord& t) {
  Json im = Json::array();
  for (const auto& [step, v] : t.intermediate) im.push_back(Json::array({step, v}));
  SqlValue value = nullptr;
  if (t.value) value = *t.value;
  return db_.Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(tx.Exec("DELETE FROM hpo_trials WHERE study_id = ? AND number = ?", {t.study_id, t.number}).status());
    return tx.Exec(std::string("INSERT INTO hpo_trials (") + kTrialColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {t.study_id, t.number, t.state, t.params.dump(), value, im.dump(), t.run_id, t.job_id, t.error, t.created_at,
                    t.finished_at})
        .status();
  });
}

Result<std::vector<TrialRecord>> StudyStore::Trials(int64_t study_id) {
  std::vector<TrialRecord> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query(std::string("SELECT ") + kTrialColumns + " FROM hpo_trials WHERE study_id = ? ORDER BY number",
                                         {study_id}));
    for (const Row& r : rows) out.push_back(TrialOf(r));
    return Status::Ok();
  }));
  return out;
}

}  // namespace moebius::hpo
