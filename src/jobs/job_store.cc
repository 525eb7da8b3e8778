#include "jobs/job_store.h"

#include <algorithm>
#include <cmath>

#include "base/log.h"

namespace moebius::jobs {
namespace {

using store::Row;
using store::Rows;
using store::SqlValue;
using store::Tx;

constexpr char kColumns[] =
    "id, project_id, kind, name, payload, priority, cpus, memory_mb, gpus, max_attempts, timeout_s, state, attempts, worker, "
    "lease_expires_at, cancel_requested, created_at, started_at, finished_at, created_by, exit_code, error";
constexpr size_t kMaxLogAppend = 1 << 20;

Job JobOf(const Row& r) {
  Job j;
  j.id = r.Int(0);
  j.spec.project_id = r.Int(1);
  j.spec.kind = r.Text(2);
  j.spec.name = r.Text(3);
  j.spec.payload = Json::parse(r.Text(4), nullptr, false);
  j.spec.priority = static_cast<int>(r.Int(5));
  j.spec.resources = {r.Double(6), r.Int(7), r.Int(8)};
  j.spec.max_attempts = static_cast<int>(r.Int(9));
  j.spec.timeout_s = r.Int(10);
  j.state = ParseJobState(r.Text(11)).value_or(JobState::kFailed);
  j.attempts = static_cast<int>(r.Int(12));
  j.worker = r.Text(13);
  j.lease_expires_at = r.Int(14);
  j.cancel_requested = r.Int(15) != 0;
  j.created_at = r.Int(16);
  j.started_at = r.Int(17);
  j.finished_at = r.Int(18);
  j.created_by = r.Text(19);
  if (!r.IsNull(20)) j.exit_code = static_cast<int>(r.Int(20));
  j.error = r.Text(21);
  return j;
}

Result<Job> Load(Tx& tx, int64_t id) {
  ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kColumns + " FROM jobs WHERE id = ?", {id},
                                          "job " + std::to_string(id) + " does not exist"));
  return JobOf(r);
}

Status ValidateSpec(const JobSpec& s) {
  if (s.kind.empty() || s.kind.size() > 64) return InvalidArgument("job kind must be 1 to 64 characters");
  if (s.name.size() > 256) return InvalidArgument("job name must be at most 256 characters");
  if (!s.payload.is_object()) return InvalidArgument("job payload must be an object");
  if (s.payload.dump().size() > (1 << 20)) return InvalidArgument("job payload must be at most 1 MiB");
  if (s.priority < -1000 || s.priority > 1000) return InvalidArgument("priority must be between -1000 and 1000");
  const Resources& r = s.resources;
  if (!(r.cpus > 0) || r.cpus > 1024 || !std::isfinite(r.cpus)) return InvalidArgument("resources.cpus must be in (0, 1024]");
  if (r.memory_mb < 1 || r.memory_mb > (int64_t{1} << 24)) return InvalidArgument("resources.memory_mb must be between 1 and 16777216");
  if (r.gpus < 0 || r.gpus > 64) return InvalidArgument("resources.gpus must be between 0 and 64");
  if (s.max_attempts < 1 || s.max_attempts > 100) return InvalidArgument("max_attempts must be between 1 and 100");
  if (s.timeout_s < 0 || s.timeout_s > 30LL * 86400) return InvalidArgument("timeout_s must be between 0 (none) and 30 days");
  return Status::Ok();
}

// The lease of a running job held by `worker`, or kFailedPrecondition.
Result<Job> Held(Tx& tx, int64_t id, const std::string& worker) {
  ASSIGN_OR_RETURN(Job j, Load(tx, id));
  if (j.state != JobState::kRunning || j.worker != worker)
    return FailedPrecondition("job " + std::to_string(id) + " is not held by worker '" + worker + "' (it is " + JobStateName(j.state) + ")");
  return j;
}

Status End(Tx& tx, int64_t id, JobState state, std::optional<int> exit_code, const std::string& error, int64_t now) {
  SqlValue code = nullptr;
  if (exit_code) code = int64_t{*exit_code};
  return tx.Exec("UPDATE jobs SET state = ?, exit_code = ?, error = ?, finished_at = ?, lease_expires_at = 0 WHERE id = ?",
                 {std::string(JobStateName(state)), code, error, now, id})
      .status();
}

}  // namespace

const char* JobStateName(JobState s) {
  switch (s) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kSucceeded: return "succeeded";
    case JobState::kFailed: return "failed";
    case JobState::kCancelled: return "cancelled";
    case JobState::kTimedOut: return "timed_out";
  }
  return "failed";
}

std::optional<JobState> ParseJobState(std::string_view name) {
  for (JobState s : {JobState::kQueued, JobState::kRunning, JobState::kSucceeded, JobState::kFailed, JobState::kCancelled, JobState::kTimedOut})
    if (name == JobStateName(s)) return s;
  return std::nullopt;
}

std::vector<store::Migration> JobMigrations() {
  return {{600, "jobs", R"SQL(
CREATE TABLE jobs (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  priority BIGINT NOT NULL,
  cpus DOUBLE PRECISION NOT NULL,
  memory_mb BIGINT NOT NULL,
  gpus BIGINT NOT NULL,
  max_attempts BIGINT NOT NULL,
  timeout_s BIGINT NOT NULL,
  state TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  worker TEXT NOT NULL,
  lease_expires_at BIGINT NOT NULL,
  cancel_requested BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  exit_code BIGINT,
  error TEXT NOT NULL
);
CREATE INDEX jobs_queue ON jobs (state, priority, id);
CREATE INDEX jobs_project ON jobs (project_id, id);
CREATE TABLE job_logs (
  job_id BIGINT NOT NULL,
  seq BIGINT NOT NULL,
  at BIGINT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
)
)SQL"},
          // The tokens issued per attempt (JobStoreHooks), so that the end of an attempt revokes them.
          {601, "job credentials", R"SQL(
CREATE TABLE job_credentials (
  job_id BIGINT NOT NULL,
  attempt BIGINT NOT NULL,
  credential_id TEXT NOT NULL,
  PRIMARY KEY (job_id, attempt, credential_id)
)
)SQL"},
          // Recurring jobs (schedule_store.h): a cron expression and a job template per row.
          {602, "job schedules", R"SQL(
CREATE TABLE job_schedules (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  cron TEXT NOT NULL,
  job TEXT NOT NULL,
  enabled BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  next_fire_at BIGINT NOT NULL,
  last_fire_at BIGINT NOT NULL,
  last_job_id BIGINT NOT NULL,
  last_error TEXT NOT NULL
);
CREATE UNIQUE INDEX job_schedules_name ON job_schedules (project_id, name);
CREATE INDEX job_schedules_due ON job_schedules (enabled, next_fire_at)
)SQL"}};
}

Result<Job> JobStore::Enqueue(const JobSpec& spec, const std::string& user) {
  RETURN_IF_ERROR(ValidateSpec(spec));
  Job j;
  j.spec = spec;
  j.created_at = clock_.NowMillis();
  j.created_by = user;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(j.id, tx.NextId("jobs"));
    return tx.Exec(std::string("INSERT INTO jobs (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {j.id, spec.project_id, spec.kind, spec.name, spec.payload.dump(), int64_t{spec.priority}, spec.resources.cpus,
                    spec.resources.memory_mb, spec.resources.gpus, int64_t{spec.max_attempts}, spec.timeout_s, std::string("queued"),
                    int64_t{0}, std::string(), int64_t{0}, int64_t{0}, j.created_at, int64_t{0}, int64_t{0}, user, nullptr, std::string()})
        .status();
  }));
  return j;
}

Result<Job> JobStore::Get(int64_t id) {
  Job j;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(j, Load(tx, id));
    return Status::Ok();
  }));
  return j;
}

Result<std::vector<Job>> JobStore::List(const JobFilter& f) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM jobs WHERE 1 = 1";
  std::vector<SqlValue> params;
  if (!f.project_ids.empty()) {
    sql += " AND project_id IN (";
    for (size_t i = 0; i < f.project_ids.size(); ++i) {
      sql += i ? ", ?" : "?";
      params.push_back(f.project_ids[i]);
    }
    sql += ")";
  }
  if (f.state) {
    sql += " AND state = ?";
    params.emplace_back(std::in_place_type<std::string>, JobStateName(*f.state));
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.push_back(int64_t{std::clamp(f.limit, 1, 1000)});
  std::vector<Job> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    for (const Row& r : rows) out.push_back(JobOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<std::optional<Job>> JobStore::Claim(const std::string& worker, const Resources& free, int64_t lease_ms) {
  if (worker.empty() || worker.size() > 128) return InvalidArgument("worker name must be 1 to 128 characters");
  if (lease_ms < 1000 || lease_ms > 3600 * 1000) return InvalidArgument("lease must be between 1 s and 1 h");
  std::optional<Job> claimed;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kColumns +
                                             " FROM jobs WHERE state = 'queued' AND cpus <= ? AND memory_mb <= ? AND gpus <= ?"
                                             " ORDER BY priority DESC, id ASC LIMIT 1",
                                         {free.cpus, free.memory_mb, free.gpus}));
    if (rows.empty()) return Status::Ok();
    Job j = JobOf(rows[0]);
    int64_t now = clock_.NowMillis();
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE jobs SET state = 'running', worker = ?, lease_expires_at = ?, attempts = attempts + 1, "
                                        "started_at = ? WHERE id = ? AND state = 'queued'",
                                        {worker, now + lease_ms, now, j.id}));
    if (n != 1) return Status::Ok();  // taken meanwhile (another backend's transaction)
    ASSIGN_OR_RETURN(j, Load(tx, j.id));
    claimed = std::move(j);
    return Status::Ok();
  }));
  if (!claimed || !hooks_.issue_token) return claimed;
  Job& j = *claimed;
  int64_t now = clock_.NowMillis();
  int64_t expires = now + (j.spec.timeout_s > 0 ? j.spec.timeout_s * 1000 + kTokenMarginMs : kTokenWithoutTimeoutMs);
  auto token = hooks_.issue_token(j, expires);
  if (!token.ok()) {
    // The job cannot run without its credential; another attempt would fail the same way.
    std::vector<Ended> ended;
    RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
      auto held = Held(tx, j.id, worker);
      if (!held.ok()) return Status::Ok();
      RETURN_IF_ERROR(End(tx, j.id, JobState::kFailed, std::nullopt, ("cannot issue a token for the job: " + token.status().message()).substr(0, 4000),
                          clock_.NowMillis()));
      ASSIGN_OR_RETURN(Job now_job, Load(tx, j.id));
      ended.push_back({std::move(now_job), true});
      return Status::Ok();
    }));
    AfterEnd(ended);
    return std::optional<Job>();
  }
  // Record it while the attempt still runs; if it already ended, the token goes at once.
  bool recorded = false;
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Job cur, Load(tx, j.id));
    if (cur.state != JobState::kRunning || cur.attempts != j.attempts) return Status::Ok();
    RETURN_IF_ERROR(tx.Exec("INSERT INTO job_credentials (job_id, attempt, credential_id) VALUES (?, ?, ?)",
                            {j.id, int64_t{j.attempts}, token->id})
                        .status());
    recorded = true;
    return Status::Ok();
  });
  if (!st.ok() || !recorded) {
    if (hooks_.revoke_token) (void)hooks_.revoke_token(j, token->id);
    RETURN_IF_ERROR(st);
    return std::optional<Job>();  // the attempt ended meanwhile (cancelled and reaped)
  }
  j.token = std::move(*token);
  return claimed;
}

void JobStore::AfterEnd(const std::vector<Ended>& ended) {
  for (const Ended& e : ended) {
    if (hooks_.revoke_token) {
      std::vector<std::pair<int64_t, std::string>> creds;
      Status st = db_.Read([&](Tx& tx) -> Status {
        ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT attempt, credential_id FROM job_credentials WHERE job_id = ? AND attempt <= ?",
                                             {e.job.id, int64_t{e.job.attempts}}));
        for (const Row& r : rows) creds.emplace_back(r.Int(0), r.Text(1));
        return Status::Ok();
      });
      for (const auto& [attempt, id] : creds) {
        Status rs = hooks_.revoke_token(e.job, id);
        if (!rs.ok() && rs.code() != StatusCode::kNotFound) {
          log::Warn("job " + std::to_string(e.job.id) + ": revoking the token of attempt " + std::to_string(attempt) + ": " + rs.ToString());
          continue;  // kept: the next end of this job tries again; it expires anyway
        }
        Status del = db_.Write([&](Tx& tx) {
          return tx.Exec("DELETE FROM job_credentials WHERE job_id = ? AND attempt = ? AND credential_id = ?", {e.job.id, attempt, id})
              .status();
        });
        if (st.ok()) st = del;
      }
      if (!st.ok()) log::Warn("job " + std::to_string(e.job.id) + ": job credentials: " + st.ToString());
    }
    if (e.final && hooks_.job_ended) hooks_.job_ended(e.job);
  }
}

Result<bool> JobStore::Heartbeat(int64_t id, const std::string& worker, int64_t lease_ms) {
  if (lease_ms < 1000 || lease_ms > 3600 * 1000) return InvalidArgument("lease must be between 1 s and 1 h");
  bool cancel = false;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Job j, Held(tx, id, worker));
    cancel = j.cancel_requested;
    return tx.Exec("UPDATE jobs SET lease_expires_at = ? WHERE id = ?", {clock_.NowMillis() + lease_ms, id}).status();
  }));
  return cancel;
}

Result<Job> JobStore::Finish(int64_t id, const std::string& worker, int exit_code, bool timed_out, const std::string& error) {
  Job out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Job j, Held(tx, id, worker));
    JobState state = timed_out ? JobState::kTimedOut
                     : j.cancel_requested ? JobState::kCancelled
                     : exit_code == 0    ? JobState::kSucceeded
                                         : JobState::kFailed;
    std::string why = error;
    if (why.empty() && state == JobState::kFailed) why = "exited with status " + std::to_string(exit_code);
    if (why.empty() && state == JobState::kCancelled) why = "cancelled";
    RETURN_IF_ERROR(End(tx, id, state, exit_code, why.substr(0, 4000), clock_.NowMillis()));
    ASSIGN_OR_RETURN(out, Load(tx, id));
    return Status::Ok();
  }));
  AfterEnd({{out, true}});
  return out;
}

Result<Job> JobStore::Cancel(int64_t id, const std::string& user) {
  Job out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Job j, Load(tx, id));
    if (IsFinal(j.state)) return FailedPrecondition("job " + std::to_string(id) + " already ended (" + JobStateName(j.state) + ")");
    if (j.state == JobState::kQueued) {
      RETURN_IF_ERROR(End(tx, id, JobState::kCancelled, std::nullopt, "cancelled by " + user + " before it started", clock_.NowMillis()));
    } else {
      RETURN_IF_ERROR(tx.Exec("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", {id}).status());
    }
    ASSIGN_OR_RETURN(out, Load(tx, id));
    return Status::Ok();
  }));
  if (IsFinal(out.state)) AfterEnd({{out, true}});
  return out;
}

Result<int> JobStore::ReapExpired(int64_t grace_ms) {
  int changed = 0;
  std::vector<Ended> ended;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    int64_t now = clock_.NowMillis();
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kColumns + " FROM jobs WHERE state = 'running'", {}));
    for (const Row& r : rows) {
      Job j = JobOf(r);
      if (j.spec.timeout_s > 0 && now > j.started_at + j.spec.timeout_s * 1000 + grace_ms) {
        RETURN_IF_ERROR(End(tx, j.id, JobState::kTimedOut, std::nullopt,
                            "ran past its timeout of " + std::to_string(j.spec.timeout_s) + " s and its worker did not stop it", now));
      } else if (j.lease_expires_at < now) {
        if (j.cancel_requested) {
          RETURN_IF_ERROR(End(tx, j.id, JobState::kCancelled, std::nullopt, "cancelled; its worker stopped answering", now));
        } else if (j.attempts < j.spec.max_attempts) {
          RETURN_IF_ERROR(tx.Exec("UPDATE jobs SET state = 'queued', worker = '', lease_expires_at = 0, error = ? WHERE id = ?",
                                  {"worker '" + j.worker + "' stopped answering; queued again (attempt " + std::to_string(j.attempts) +
                                       " of " + std::to_string(j.spec.max_attempts) + " used)",
                                   j.id})
                              .status());
        } else {
          RETURN_IF_ERROR(End(tx, j.id, JobState::kFailed, std::nullopt,
                              "worker '" + j.worker + "' stopped answering and no attempts are left", now));
        }
      } else {
        continue;
      }
      ++changed;
      ASSIGN_OR_RETURN(Job now_job, Load(tx, j.id));
      now_job.attempts = j.attempts;
      bool final = IsFinal(now_job.state);
      ended.push_back({std::move(now_job), final});
    }
    return Status::Ok();
  }));
  AfterEnd(ended);
  return changed;
}

Status JobStore::AppendLog(int64_t id, const std::string& worker, const std::string& text) {
  if (text.size() > kMaxLogAppend) return InvalidArgument("a log append must be at most 1 MiB");
  if (text.empty()) return Status::Ok();
  return db_.Write([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(Held(tx, id, worker).status());
    ASSIGN_OR_RETURN(Rows max, tx.Query("SELECT COALESCE(MAX(seq), 0) FROM job_logs WHERE job_id = ?", {id}));
    return tx.Exec("INSERT INTO job_logs (job_id, seq, at, text) VALUES (?, ?, ?, ?)", {id, max[0].Int(0) + 1, clock_.NowMillis(), text})
        .status();
  });
}

Result<std::vector<LogChunk>> JobStore::ReadLog(int64_t id, int64_t after_seq, int limit) {
  std::vector<LogChunk> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(Load(tx, id).status());
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT seq, at, text FROM job_logs WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                                         {id, after_seq, int64_t{std::clamp(limit, 1, 10000)}}));
    for (const Row& r : rows) out.push_back({r.Int(0), r.Int(1), r.Text(2)});
    return Status::Ok();
  }));
  return out;
}

}  // namespace moebius::jobs
