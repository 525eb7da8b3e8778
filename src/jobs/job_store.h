// The durable job queue in the metadata store (EXP-9). Portable SQL only: a claim is a read of the
// best fitting queued job and a conditional UPDATE in one write transaction, which is exclusive on
// SQLite; on PostgreSQL the same statement pair runs under FOR UPDATE SKIP LOCKED later.
//
// Leases: a claim gives the worker the job for `lease_ms`; Heartbeat extends it and tells the
// worker whether a cancel was requested. ReapExpired (called periodically by the server) puts a
// job whose lease ran out back in the queue while it has attempts left — so a dead worker's job
// is retried by another — and fails it otherwise; it also ends jobs running past their timeout
// plus a grace period, in case their worker cannot.
//
// Thread-safety: all methods may be called concurrently (the Database serializes writes).
#pragma once

#include <functional>
#include <vector>

#include "base/clock.h"
#include "jobs/job_types.h"
#include "store/meta/database.h"
#include "store/meta/migrations.h"

namespace moebius::jobs {

std::vector<store::Migration> JobMigrations();

struct JobFilter {
  std::vector<int64_t> project_ids;  // empty: all
  std::optional<JobState> state;
  int64_t group = 0;  // 0: any; else only the ranks of that group
  int limit = 100;
};

// What the server plugs into the store (src/app): per-attempt credentials and the end of jobs.
// Every hook runs after the store's transaction committed, never inside one, on the thread that
// made the change (a request handler, a worker or the reaper); errors are logged, never returned.
struct JobStoreHooks {
  // Issues a token for the job's submitter valid until `expires_at` (ms), named
  // "job-<id>-<attempt>". Called by Claim; the token comes back in Job::token. An error fails
  // the claimed job (no retry) and the claim returns nothing.
  std::function<Result<JobToken>(const Job& job, int64_t expires_at)> issue_token;
  // Revokes a token issue_token made, when its attempt ends: the job finished, was requeued or
  // failed by the reaper, timed out, or was cancelled.
  std::function<Status(const Job& job, const std::string& credential_id)> revoke_token;
  // The job reached a final state (by any path: its worker, a cancel, the reaper).
  std::function<void(const Job& job)> job_ended;
};

// What the ranks of a group share to find each other (PUT/GET /api/v1/jobs/{id}/rendezvous):
// the group's members by rank and the key/value pairs they published.
struct Rendezvous {
  int64_t group = 0;
  int world_size = 0;
  std::vector<Job> members;  // by rank
  std::vector<std::pair<std::string, std::string>> values;  // by key
};

class JobStore {
 public:
  // How long after the job's timeout (or, without one, after the claim) its token still works.
  static constexpr int64_t kTokenMarginMs = 10LL * 60 * 1000;
  static constexpr int64_t kTokenWithoutTimeoutMs = 7LL * 86400 * 1000;

  JobStore(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Set once, before the store is used from other threads.
  void SetHooks(JobStoreHooks hooks) { hooks_ = std::move(hooks); }

  // A spec with a dedup_key that a job already has returns that job (nothing is queued).
  Result<Job> Enqueue(const JobSpec& spec, const std::string& user);
  // A gang job (EXP-8): group.world_size jobs (2..64) of one group in one transaction, rank 0
  // first (its id is the group's id). Rank 0 keeps the payload; the others get it without
  // run_id and experiment_id (the leader owns the run). Every rank gets max_attempts 1: a rank
  // that is lost fails the group rather than rejoining a collective that moved on.
  //
  // Group semantics, enforced here: cancelling any rank cancels every rank; a rank that fails
  // or times out (by its worker or the reaper) ends the others as cancelled with a reason naming
  // it; ReapExpired fails every rank of a group whose ranks did not all start within
  // rendezvous_timeout_s of the first start. job_ended fires once per group, when every rank is
  // final, with the leader's job carrying the group's outcome (any failed or timed out → failed,
  // else any cancelled → cancelled, else succeeded).
  Result<std::vector<Job>> EnqueueGroup(const JobSpec& spec, const GroupSpec& group, const std::string& user);
  Result<Job> Get(int64_t id);
  // The job queued with `dedup_key` (for a group: its leader), if any.
  Result<std::optional<Job>> FindByDedupKey(const std::string& dedup_key);
  Result<std::vector<Job>> List(const JobFilter& filter);

  // The highest-priority (then oldest) queued job that fits `free`, now running under `worker`
  // until now + lease_ms; nullopt when none fits. With an issue_token hook the job carries its
  // attempt's token (Job::token), recorded so that the end of the attempt revokes it.
  Result<std::optional<Job>> Claim(const std::string& worker, const Resources& free, int64_t lease_ms);
  // Extends the lease. kFailedPrecondition when `worker` no longer holds the job (it was reaped,
  // cancelled or finished): the worker must stop it. Returns whether a cancel was requested.
  Result<bool> Heartbeat(int64_t id, const std::string& worker, int64_t lease_ms);
  // Ends a running job held by `worker`: succeeded when exit_code is 0, else failed; cancelled
  // when a cancel was requested; timed_out when `timed_out`.
  Result<Job> Finish(int64_t id, const std::string& worker, int exit_code, bool timed_out, const std::string& error);

  // A queued job is cancelled at once; a running one is marked and its worker stops it on its
  // next heartbeat. Cancelling a finished job is kFailedPrecondition.
  Result<Job> Cancel(int64_t id, const std::string& user);

  // Requeues or fails jobs whose lease expired, and times out jobs past timeout + grace_ms.
  // Returns the number of jobs changed.
  Result<int> ReapExpired(int64_t grace_ms = 30000);

  // The rendezvous of the group of job `id`. Put needs the job to be a running rank of a group
  // (kFailedPrecondition otherwise); keys are 1 to 128 characters of [A-Za-z0-9_.-], values at
  // most 4 KiB; a later Put of a key replaces its value.
  Status PutRendezvous(int64_t id, const std::string& key, const std::string& value);
  Result<Rendezvous> GetRendezvous(int64_t id);

  // Log lines of a job, appended by its worker while it holds the lease.
  Status AppendLog(int64_t id, const std::string& worker, const std::string& text);
  Result<std::vector<LogChunk>> ReadLog(int64_t id, int64_t after_seq, int limit = 1000);

 private:
  // After a commit: revoke the tokens of attempts that ended and report jobs that ended.
  struct Ended {
    Job job;
    bool final = false;
  };
  void AfterEnd(const std::vector<Ended>& ended);
  Status Insert(store::Tx& tx, const Job& j);
  // job_ended for a group: once every rank is final, the leader with the group's outcome.
  void GroupEnded(int64_t group);

  store::Database& db_;
  const Clock& clock_;
  JobStoreHooks hooks_;
};

}  // namespace moebius::jobs
