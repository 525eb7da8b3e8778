// What a worker needs from the queue: the worker protocol (claim, heartbeat, log, finish) as an
// interface, so the same Worker runs inside the server (LocalQueue, the JobStore directly) and on
// other machines (RemoteQueue in src/cli, over HTTP).
//
// Errors follow JobStore: kFailedPrecondition from Heartbeat, AppendLog or Finish means the
// worker no longer holds the job (its lease ran out and it was requeued, or it ended) and must
// stop it; kUnavailable means the queue could not be reached (the worker retries).
//
// Thread-safety: implementations are called from several threads at once.
#pragma once

#include <optional>
#include <string>

#include "jobs/job_store.h"
#include "jobs/job_types.h"

namespace moebius::jobs {

class JobQueue {
 public:
  virtual ~JobQueue() = default;
  virtual Result<std::optional<Job>> Claim(const std::string& worker, const Resources& free, int64_t lease_ms) = 0;
  // Returns whether a cancel was requested.
  virtual Result<bool> Heartbeat(int64_t id, const std::string& worker, int64_t lease_ms) = 0;
  virtual Status AppendLog(int64_t id, const std::string& worker, const std::string& text) = 0;
  virtual Status Finish(int64_t id, const std::string& worker, int exit_code, bool timed_out, const std::string& error) = 0;
};

// The queue in this process's metadata store (the server's embedded workers).
class LocalQueue final : public JobQueue {
 public:
  explicit LocalQueue(JobStore& store) : store_(store) {}
  Result<std::optional<Job>> Claim(const std::string& worker, const Resources& free, int64_t lease_ms) override {
    return store_.Claim(worker, free, lease_ms);
  }
  Result<bool> Heartbeat(int64_t id, const std::string& worker, int64_t lease_ms) override {
    return store_.Heartbeat(id, worker, lease_ms);
  }
  Status AppendLog(int64_t id, const std::string& worker, const std::string& text) override {
    return store_.AppendLog(id, worker, text);
  }
  Status Finish(int64_t id, const std::string& worker, int exit_code, bool timed_out, const std::string& error) override {
    return store_.Finish(id, worker, exit_code, timed_out, error).status();
  }

 private:
  JobStore& store_;
};

}  // namespace moebius::jobs
