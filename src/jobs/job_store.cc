#include "jobs/job_store.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "base/log.h"
#include "jobs/failure_reason.h"

namespace moebius::jobs {
namespace {

using store::Row;
using store::Rows;
using store::SqlValue;
using store::Tx;

constexpr char kColumns[] =
    "id, project_id, kind, name, payload, priority, cpus, memory_mb, gpus, max_attempts, timeout_s, state, attempts, worker, "
    "lease_expires_at, cancel_requested, created_at, started_at, finished_at, created_by, exit_code, error, group_id, group_rank, "
    "group_size, rendezvous_timeout_s, dedup_key";
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
  j.group = r.Int(22);
  j.rank = static_cast<int>(r.Int(23));
  j.world_size = static_cast<int>(r.Int(24));
  j.rendezvous_timeout_s = r.Int(25);
  if (!r.IsNull(26)) j.spec.dedup_key = r.Text(26);
  return j;
}

Result<Job> Load(Tx& tx, int64_t id) {
  ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kColumns + " FROM jobs WHERE id = ?", {id},
                                          "job " + std::to_string(id) + " does not exist"));
  return JobOf(r);
}

// The job holding `key`, if any.
Result<std::optional<Job>> ByDedupKey(Tx& tx, const std::string& key) {
  ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kColumns + " FROM jobs WHERE dedup_key = ?", {key}));
  if (rows.empty()) return std::optional<Job>();
  return std::optional<Job>(JobOf(rows[0]));
}

Status ValidateSpec(const JobSpec& s) {
  if (s.kind.empty() || s.kind.size() > 64) return InvalidArgument("job kind must be 1 to 64 characters");
  if (s.dedup_key.size() > 512) return InvalidArgument("job dedup key must be at most 512 characters");
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

// The ranks of a group, by rank.
Result<std::vector<Job>> LoadGroup(Tx& tx, int64_t group) {
  ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kColumns + " FROM jobs WHERE group_id = ? ORDER BY group_rank", {group}));
  std::vector<Job> out;
  for (const Row& r : rows) out.push_back(JobOf(r));
  return out;
}

std::string RankName(const Job& j) { return "rank " + std::to_string(j.rank) + " (job " + std::to_string(j.id) + ")"; }

// Ends every rank of `group` but `except` that is not final yet with `state` and `why`, adding
// them to `ended`; a running rank's worker learns it on its next heartbeat (the lease is gone)
// and stops the process.
Status EndRestOfGroup(Tx& tx, int64_t group, int64_t except, JobState state, const std::string& why, int64_t now,
                      std::vector<Job>& ended) {
  ASSIGN_OR_RETURN(std::vector<Job> members, LoadGroup(tx, group));
  for (const Job& m : members) {
    if (m.id == except || IsFinal(m.state)) continue;
    RETURN_IF_ERROR(End(tx, m.id, state, std::nullopt, why.substr(0, 4000), now));
    ASSIGN_OR_RETURN(Job now_job, Load(tx, m.id));
    ended.push_back(std::move(now_job));
  }
  return Status::Ok();
}

bool ValidRendezvousKey(const std::string& k) {
  if (k.empty() || k.size() > 128) return false;
  for (char c : k)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  return true;
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
)SQL"},
          // Gang jobs (EXP-8): the group (rank 0's id), the rank, the group's size and its
          // rendezvous timeout; 0/0/1/0 for an ordinary job.
          {603, "job groups", R"SQL(
ALTER TABLE jobs ADD COLUMN group_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN group_rank BIGINT NOT NULL DEFAULT 0;
ALTER TABLE jobs ADD COLUMN group_size BIGINT NOT NULL DEFAULT 1;
ALTER TABLE jobs ADD COLUMN rendezvous_timeout_s BIGINT NOT NULL DEFAULT 0;
CREATE INDEX jobs_group ON jobs (group_id, group_rank)
)SQL"},
          // What the ranks of a group publish to find each other (the rabit tracker's address).
          {604, "job rendezvous", R"SQL(
CREATE TABLE job_rendezvous (
  group_id BIGINT NOT NULL,
  rkey TEXT NOT NULL,
  value TEXT NOT NULL,
  job_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (group_id, rkey)
)
)SQL"},
          // Idempotent submissions: at most one job per key (NULL: no key).
          {605, "job dedup keys", R"SQL(
ALTER TABLE jobs ADD COLUMN dedup_key TEXT;
CREATE UNIQUE INDEX jobs_dedup_key ON jobs (dedup_key) WHERE dedup_key IS NOT NULL
)SQL"}};
}

Result<Job> JobStore::Enqueue(const JobSpec& spec, const std::string& user) {
  RETURN_IF_ERROR(ValidateSpec(spec));
  Job j;
  j.spec = spec;
  j.created_at = clock_.NowMillis();
  j.created_by = user;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    if (!spec.dedup_key.empty()) {
      ASSIGN_OR_RETURN(std::optional<Job> existing, ByDedupKey(tx, spec.dedup_key));
      if (existing) {
        j = std::move(*existing);
        return Status::Ok();
      }
    }
    ASSIGN_OR_RETURN(j.id, tx.NextId("jobs"));
    return Insert(tx, j);
  }));
  return j;
}

Result<std::optional<Job>> JobStore::FindByDedupKey(const std::string& dedup_key) {
  std::optional<Job> out;
  if (dedup_key.empty()) return out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, ByDedupKey(tx, dedup_key));
    return Status::Ok();
  }));
  return out;
}

Status JobStore::Insert(Tx& tx, const Job& j) {
  const JobSpec& spec = j.spec;
  return tx.Exec(std::string("INSERT INTO jobs (") + kColumns +
                     ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {j.id, spec.project_id, spec.kind, spec.name, spec.payload.dump(), int64_t{spec.priority}, spec.resources.cpus,
                  spec.resources.memory_mb, spec.resources.gpus, int64_t{spec.max_attempts}, spec.timeout_s, std::string("queued"),
                  int64_t{0}, std::string(), int64_t{0}, int64_t{0}, j.created_at, int64_t{0}, int64_t{0}, j.created_by, nullptr,
                  std::string(), j.group, int64_t{j.rank}, int64_t{j.world_size}, j.rendezvous_timeout_s,
                  spec.dedup_key.empty() ? SqlValue(nullptr) : SqlValue(spec.dedup_key)})
      .status();
}

Result<std::vector<Job>> JobStore::EnqueueGroup(const JobSpec& spec, const GroupSpec& group, const std::string& user) {
  RETURN_IF_ERROR(ValidateSpec(spec));
  if (group.world_size < 2 || group.world_size > 64) return InvalidArgument("distributed.workers must be between 2 and 64 (1 is an ordinary job)");
  if (group.rendezvous_timeout_s < 1 || group.rendezvous_timeout_s > 86400)
    return InvalidArgument("distributed.rendezvous_timeout_s must be between 1 and 86400");
  std::vector<Job> out;
  int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    out.clear();
    if (!spec.dedup_key.empty()) {
      ASSIGN_OR_RETURN(std::optional<Job> existing, ByDedupKey(tx, spec.dedup_key));
      if (existing) {
        ASSIGN_OR_RETURN(out, LoadGroup(tx, existing->group > 0 ? existing->group : existing->id));
        if (out.empty()) out.push_back(std::move(*existing));
        return Status::Ok();
      }
    }
    for (int rank = 0; rank < group.world_size; ++rank) {
      Job j;
      j.spec = spec;
      j.spec.max_attempts = 1;
      if (rank > 0) {
        j.spec.payload.erase("run_id");
        j.spec.payload.erase("experiment_id");
        j.spec.dedup_key.clear();  // the leader holds the group's key
      }
      j.created_at = now;
      j.created_by = user;
      ASSIGN_OR_RETURN(j.id, tx.NextId("jobs"));
      j.group = rank == 0 ? j.id : out[0].id;
      j.rank = rank;
      j.world_size = group.world_size;
      j.rendezvous_timeout_s = group.rendezvous_timeout_s;
      RETURN_IF_ERROR(Insert(tx, j));
      out.push_back(std::move(j));
    }
    return Status::Ok();
  }));
  return out;
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
  if (f.group > 0) {
    sql += " AND group_id = ?";
    params.push_back(f.group);
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
  std::vector<int64_t> groups;  // reported in this call
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
    if (!e.final || !hooks_.job_ended) continue;
    if (e.job.group == 0) {
      hooks_.job_ended(e.job);
    } else if (std::find(groups.begin(), groups.end(), e.job.group) == groups.end()) {
      groups.push_back(e.job.group);
      GroupEnded(e.job.group);
    }
  }
}

void JobStore::GroupEnded(int64_t group) {
  std::vector<Job> members;
  Status st = db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(members, LoadGroup(tx, group));
    return Status::Ok();
  });
  if (!st.ok() || members.empty()) {
    log::Warn("job group " + std::to_string(group) + ": " + st.ToString());
    return;
  }
  bool failed = false, cancelled = false;
  int64_t finished = 0;
  for (const Job& m : members) {
    if (!IsFinal(m.state)) return;  // the last rank to end reports the group
    failed |= m.state == JobState::kFailed || m.state == JobState::kTimedOut;
    cancelled |= m.state == JobState::kCancelled;
    finished = std::max(finished, m.finished_at);
  }
  Job leader = members[0];
  leader.state = failed ? JobState::kFailed : cancelled ? JobState::kCancelled : JobState::kSucceeded;
  leader.finished_at = finished;
  hooks_.job_ended(leader);
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
  std::vector<Ended> others;  // ranks of its group ended with it
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Job j, Held(tx, id, worker));
    JobState state = timed_out ? JobState::kTimedOut
                     : j.cancel_requested ? JobState::kCancelled
                     : exit_code == 0    ? JobState::kSucceeded
                                         : JobState::kFailed;
    std::string why = error;
    if (why.empty() && state == JobState::kFailed) {
      // The status alone names no reason: add what the end of the job's log says went wrong.
      why = "exited with status " + std::to_string(exit_code);
      ASSIGN_OR_RETURN(Rows tail, tx.Query("SELECT text FROM job_logs WHERE job_id = ? ORDER BY seq DESC LIMIT 16", {id}));
      std::string text;
      for (auto it = tail.rbegin(); it != tail.rend(); ++it) text += it->Text(0);
      if (text.size() > 16384) text = text.substr(text.size() - 16384);
      std::string reason = FailureReason(text);
      if (!reason.empty()) why += ": " + reason;
    }
    if (why.empty() && state == JobState::kCancelled) why = "cancelled";
    RETURN_IF_ERROR(End(tx, id, state, exit_code, why.substr(0, 4000), clock_.NowMillis()));
    std::vector<Job> rest;
    if (j.group > 0 && (state == JobState::kFailed || state == JobState::kTimedOut))
      RETURN_IF_ERROR(EndRestOfGroup(tx, j.group, id, JobState::kCancelled, RankName(j) + " of the group " + JobStateName(state) + ": " + why,
                                     clock_.NowMillis(), rest));
    ASSIGN_OR_RETURN(out, Load(tx, id));
    others = {{out, true}};
    for (auto& m : rest) others.push_back({std::move(m), true});
    return Status::Ok();
  }));
  AfterEnd(others);
  return out;
}

Result<Job> JobStore::Cancel(int64_t id, const std::string& user) {
  Job out;
  std::vector<Ended> ended;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ended.clear();
    ASSIGN_OR_RETURN(Job j, Load(tx, id));
    if (IsFinal(j.state)) return FailedPrecondition("job " + std::to_string(id) + " already ended (" + JobStateName(j.state) + ")");
    // A rank of a group takes the whole group with it.
    std::vector<Job> targets{j};
    if (j.group > 0) {
      ASSIGN_OR_RETURN(targets, LoadGroup(tx, j.group));
    }
    for (const Job& t : targets) {
      if (IsFinal(t.state)) continue;
      std::string by = "cancelled by " + user;
      if (t.id != id) by += " (with job " + std::to_string(id) + " of its group)";
      if (t.state == JobState::kQueued) {
        RETURN_IF_ERROR(End(tx, t.id, JobState::kCancelled, std::nullopt, by + " before it started", clock_.NowMillis()));
      } else {
        RETURN_IF_ERROR(tx.Exec("UPDATE jobs SET cancel_requested = 1 WHERE id = ?", {t.id}).status());
      }
      ASSIGN_OR_RETURN(Job now_job, Load(tx, t.id));
      if (t.id == id) out = now_job;
      if (IsFinal(now_job.state)) ended.push_back({std::move(now_job), true});
    }
    return Status::Ok();
  }));
  AfterEnd(ended);
  return out;
}

Result<int> JobStore::ReapExpired(int64_t grace_ms) {
  int changed = 0;
  std::vector<Ended> ended;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    changed = 0;
    ended.clear();
    int64_t now = clock_.NowMillis();
    std::vector<Job> group_ended;  // ranks ended because another rank of their group did
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kColumns + " FROM jobs WHERE state = 'running'", {}));
    for (const Row& r : rows) {
      Job j = JobOf(r);
      ASSIGN_OR_RETURN(Job cur, Load(tx, j.id));  // an earlier rank of its group may have ended it
      if (cur.state != JobState::kRunning) continue;
      std::optional<JobState> failed;  // how it ended, for its group
      std::string why;
      if (j.spec.timeout_s > 0 && now > j.started_at + j.spec.timeout_s * 1000 + grace_ms) {
        why = "ran past its timeout of " + std::to_string(j.spec.timeout_s) + " s and its worker did not stop it";
        RETURN_IF_ERROR(End(tx, j.id, JobState::kTimedOut, std::nullopt, why, now));
        failed = JobState::kTimedOut;
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
          why = "worker '" + j.worker + "' stopped answering and no attempts are left";
          RETURN_IF_ERROR(End(tx, j.id, JobState::kFailed, std::nullopt, why, now));
          failed = JobState::kFailed;
        }
      } else {
        continue;
      }
      ++changed;
      ASSIGN_OR_RETURN(Job now_job, Load(tx, j.id));
      now_job.attempts = j.attempts;
      bool final = IsFinal(now_job.state);
      ended.push_back({std::move(now_job), final});
      if (failed && j.group > 0)
        RETURN_IF_ERROR(EndRestOfGroup(tx, j.group, j.id, JobState::kCancelled,
                                       RankName(j) + " of the group " + JobStateName(*failed) + ": " + why, now, group_ended));
    }
    // Groups whose ranks did not all start within the rendezvous timeout of the first start.
    ASSIGN_OR_RETURN(Rows waiting, tx.Query("SELECT DISTINCT group_id FROM jobs WHERE group_id > 0 AND state = 'queued'", {}));
    for (const Row& w : waiting) {
      ASSIGN_OR_RETURN(std::vector<Job> members, LoadGroup(tx, w.Int(0)));
      int started = 0;
      int64_t first = 0;
      for (const Job& m : members)
        if (m.attempts > 0) {
          ++started;
          first = first == 0 ? m.started_at : std::min(first, m.started_at);
        }
      if (started == 0 || members.empty() || now <= first + members[0].rendezvous_timeout_s * 1000) continue;
      std::string why = "only " + std::to_string(started) + " of " + std::to_string(members[0].world_size) + " workers started within " +
                        std::to_string(members[0].rendezvous_timeout_s) + " s (the group's rendezvous timeout); every rank of the group fails";
      RETURN_IF_ERROR(EndRestOfGroup(tx, w.Int(0), 0, JobState::kFailed, why, now, group_ended));
    }
    for (auto& g : group_ended) {
      ++changed;
      ended.push_back({std::move(g), true});
    }
    return Status::Ok();
  }));
  AfterEnd(ended);
  return changed;
}

// ---- rendezvous

Status JobStore::PutRendezvous(int64_t id, const std::string& key, const std::string& value) {
  if (!ValidRendezvousKey(key)) return InvalidArgument("a rendezvous key must be 1 to 128 characters of A-Z, a-z, 0-9, '_', '.', '-'");
  if (value.size() > 4096) return InvalidArgument("a rendezvous value must be at most 4096 bytes");
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Job j, Load(tx, id));
    if (j.group == 0) return FailedPrecondition("job " + std::to_string(id) + " is not a rank of a distributed group");
    if (j.state != JobState::kRunning)
      return FailedPrecondition("job " + std::to_string(id) + " is " + JobStateName(j.state) + "; only a running rank may publish");
    RETURN_IF_ERROR(tx.Exec("DELETE FROM job_rendezvous WHERE group_id = ? AND rkey = ?", {j.group, key}).status());
    return tx.Exec("INSERT INTO job_rendezvous (group_id, rkey, value, job_id, at) VALUES (?, ?, ?, ?, ?)",
                   {j.group, key, value, id, clock_.NowMillis()})
        .status();
  });
}

Result<Rendezvous> JobStore::GetRendezvous(int64_t id) {
  Rendezvous out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Job j, Load(tx, id));
    if (j.group == 0) return FailedPrecondition("job " + std::to_string(id) + " is not a rank of a distributed group");
    out.group = j.group;
    out.world_size = j.world_size;
    ASSIGN_OR_RETURN(out.members, LoadGroup(tx, j.group));
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT rkey, value FROM job_rendezvous WHERE group_id = ? ORDER BY rkey", {j.group}));
    for (const Row& r : rows) out.values.emplace_back(r.Text(0), r.Text(1));
    return Status::Ok();
  }));
  return out;
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
