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
#include <vector>

#include "jobs/job_queue.h"
#include "jobs/job_types.h"

namespace moebius::jobs {

// A credential handed to one job as MLFLOW_TRACKING_TOKEN (and MOEBIUS_TOKEN).
struct JobToken {
  std::string secret;
  std::string id;  // what revoke_token needs
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
  std::string tracking_token;    // given to jobs as MLFLOW_TRACKING_TOKEN unless issue_token is set
  // Optional: a credential per job (the embedded pool issues one for the job's submitter and
  // revokes it when the job ends). An error fails the job.
  std::function<Result<JobToken>(const Job&)> issue_token;
  std::function<void(const Job&, const JobToken&)> revoke_token;
  // Fill the job's working directory before its command runs (data versions, code snapshots,
  // pipeline inputs), in order; an error fails the job with that message (no retry).
  std::vector<std::function<Status(const Job&, const JobToken&, const std::string& dir)>> prepare;
  // After the command ends (any outcome), in order; e.g. upload pipeline step outputs. An error
  // is logged to the job and fails a job that had succeeded.
  std::vector<std::function<Status(const Job&, const JobToken&, const std::string& dir, int exit_code)>> collect;
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
