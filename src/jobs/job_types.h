// Jobs (EXP-9): units of work — a training run, a command, a trial of a study — queued durably in
// the metadata store and run by workers that hold a lease on them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/json.h"
#include "base/status.h"

namespace moebius::jobs {

// queued → running → succeeded | failed | cancelled | timed_out; a running job whose worker
// stops heartbeating goes back to queued while it has attempts left, else fails.
enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled, kTimedOut };

const char* JobStateName(JobState s);
std::optional<JobState> ParseJobState(std::string_view name);
inline bool IsFinal(JobState s) { return s != JobState::kQueued && s != JobState::kRunning; }

// What a job needs from a worker; a worker takes only jobs that fit what it has free.
struct Resources {
  double cpus = 1;
  int64_t memory_mb = 512;
  int64_t gpus = 0;
  bool Fits(const Resources& free) const { return cpus <= free.cpus && memory_mb <= free.memory_mb && gpus <= free.gpus; }
};

struct JobSpec {
  int64_t project_id = 0;
  std::string kind = "command";  // command, train, trial, ...
  std::string name;
  Json payload = Json::object();  // what to run: kind-specific (command line, env, data refs, ...)
  int priority = 0;               // higher first; ties: older first
  Resources resources;
  int max_attempts = 3;           // 1 = no retry
  int64_t timeout_s = 0;          // 0 = none; the worker kills the job after this long
  // "" for none. Otherwise at most one job ever has this key: Enqueue of a spec whose key a job
  // already has returns that job instead of a new one. The scheduler and the pipeline runner
  // key their jobs ("schedule:ID:FIRE_AT", "pipeline:RUN:STEP") so that redoing a submission
  // after a crash finds the job the first attempt queued.
  std::string dedup_key;
};

// A credential handed to one job as MLFLOW_TRACKING_TOKEN (and MOEBIUS_TOKEN).
struct JobToken {
  std::string secret;
  std::string id;  // the credential's id (what revoking it needs)
};

struct Job {
  int64_t id = 0;
  JobSpec spec;
  JobState state = JobState::kQueued;
  int attempts = 0;           // claims so far
  std::string worker;         // the lease holder while running
  int64_t lease_expires_at = 0;
  bool cancel_requested = false;
  int64_t created_at = 0, started_at = 0, finished_at = 0;
  std::string created_by;
  std::optional<int> exit_code;
  std::string error;          // why it failed, was cancelled or timed out
  // Gang jobs (EXP-8, docs/design/jobs.md "Job groups"): the N jobs of one distributed
  // submission share `group` (rank 0's job id; 0 for an ordinary job), each has its `rank`
  // (0..world_size-1). Rank 0 is the leader and owns the run. The ranks that started must all
  // be running within `rendezvous_timeout_s` of the first start, or the whole group fails.
  int64_t group = 0;
  int rank = 0;
  int world_size = 1;
  int64_t rendezvous_timeout_s = 0;
  // Set only on the Job a claim returns, when the store issues per-attempt credentials (see
  // JobStoreHooks): the token of the job's submitter for this attempt. Never stored in the job
  // row, never in job JSON or logs; the claim's answer hands it to the claiming worker alone.
  JobToken token;
};

// A distributed submission: world_size jobs of one group (2..64), and how long the ranks may take
// to all start once the first one has.
struct GroupSpec {
  int world_size = 1;
  int64_t rendezvous_timeout_s = 300;
};

struct LogChunk {
  int64_t seq = 0;  // per job, from 1
  int64_t at = 0;
  std::string text;
};

}  // namespace moebius::jobs
