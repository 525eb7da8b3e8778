// A worker: claims queued jobs that fit its free resources, runs each command job as a child
// process group (ProcessRunner) in a fresh working directory, streams its output to the job's
// log, heartbeats every lease/3 (at most 2 s apart), stops the job when a cancel is requested or the lease is lost,
// and reports how it ended. Up to `slots` jobs run at once, each on its own thread.
//
// Shutdown (the stop token of Run): running jobs' process groups are killed (SIGTERM, SIGKILL
// after the grace period) and the jobs are NOT finished: their leases run out and the server's
// reaper queues them again while attempts are left, so a restarted or another worker retries
// them. A job whose lease was lost is stopped and not reported either: it is someone else's now.
//
// Thread-safety: Run is called once, from one thread; running() may be read from any thread.
#pragma once

#include <atomic>
#include <functional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "jobs/job_queue.h"
#include "jobs/job_types.h"

namespace moebius::jobs {

// Variables a job runs with beyond its payload.env, and the values to mask in its log.
struct JobEnvironment {
  std::vector<std::pair<std::string, std::string>> variables;
  // Secret values: replaced by "***" in the job's log (best effort: a value split across two log
  // pieces, which go about every 0.5 s, is not caught).
  std::vector<std::string> masked;
};

struct WorkerOptions {
  std::string name;              // the lease holder's name; unique per worker process
  int slots = 1;                 // jobs at once
  Resources capacity;            // what this worker offers in all; a job is claimed only if it fits what is free
  int64_t lease_ms = 30000;
  // Heartbeats go every min(lease/3, this): they also carry cancel requests, which should reach a
  // job within a couple of seconds.
  int64_t max_heartbeat_ms = 2000;
  int64_t poll_ms = 1000;        // between claims while the queue is empty
  int64_t kill_grace_ms = 5000;  // SIGTERM → SIGKILL
  std::string work_dir;          // each job runs in work_dir/job-<id>-<attempt>, removed afterwards
  std::string tracking_uri;      // the server's URL, given to jobs as MLFLOW_TRACKING_URI
  // Jobs get, in this order of preference: the token their claim carried (Job::token: the server
  // issues one per attempt for the job's submitter — embedded and remote workers alike), one from
  // issue_token, or tracking_token.
  std::string tracking_token;
  // Optional: a credential per job when the claim carried none; revoke_token runs when the job
  // ends. An error fails the job.
  std::function<Result<JobToken>(const Job&)> issue_token;
  std::function<void(const Job&, const JobToken&)> revoke_token;
  // Fill the job's working directory before its command runs (data versions, code snapshots,
  // pipeline inputs), in order; an error fails the job with that message (no retry).
  std::vector<std::function<Status(const Job&, const JobToken&, const std::string& dir)>> prepare;
  // After the command ends (any outcome), in order; e.g. upload pipeline step outputs. An error
  // is logged to the job and fails a job that had succeeded.
  std::vector<std::function<Status(const Job&, const JobToken&, const std::string& dir, int exit_code)>> collect;
  // Optional: more environment variables for the job (its environment's, PRJ-6), resolved after
  // the preparers; they come after the worker's own (MOEBIUS_*, MLFLOW_*) and before payload.env,
  // which overrides them. An error fails the job with that message.
  std::function<Result<JobEnvironment>(const Job&, const JobToken&)> job_env;
};

// This machine: cores, physical memory in MiB, and the NVIDIA devices under /dev.
Resources MachineResources();
// "<prefix>@<hostname>:<pid>", unique among the workers of one server.
std::string DefaultWorkerName(const std::string& prefix);

class Worker {
 public:
  Worker(JobQueue& queue, WorkerOptions options) : queue_(queue), options_(std::move(options)) {}
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Claims and runs jobs until `stop` is requested, then stops the running ones (see above) and
  // returns once their threads have ended. Queue errors are logged and retried; never fails.
  void Run(std::stop_token stop);

  int running() const { return running_.load(); }
  const WorkerOptions& options() const { return options_; }

 private:
  struct Slot;
  void RunJob(Slot& slot);

  JobQueue& queue_;
  const WorkerOptions options_;
  std::atomic<int> running_{0};
};

}  // namespace moebius::jobs
