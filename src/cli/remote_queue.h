// The job queue of a remote server, over the worker protocol (POST /api/v1/workers/claim,
// /api/v1/jobs/{id}/heartbeat, /log, /finish), for `moebius worker --server URL`. The token needs
// the worker.run permission (an operator's or admin's).
//
// Errors: the server's, mapped as RestClient maps them; "not held" answers (the lease is gone)
// are kFailedPrecondition; no connection is kUnavailable.
//
// Thread-safety: thread-safe; each call borrows a client (one keep-alive connection) from a pool.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "cli/rest_client.h"
#include "jobs/job_queue.h"

namespace moebius::cli {

class RemoteQueue final : public jobs::JobQueue {
 public:
  RemoteQueue(std::string server, std::string token) : server_(std::move(server)), token_(std::move(token)) {}

  Result<std::optional<jobs::Job>> Claim(const std::string& worker, const jobs::Resources& free, int64_t lease_ms) override;
  Result<bool> Heartbeat(int64_t id, const std::string& worker, int64_t lease_ms) override;
  Status AppendLog(int64_t id, const std::string& worker, const std::string& text) override;
  Status Finish(int64_t id, const std::string& worker, int exit_code, bool timed_out, const std::string& error) override;

 private:
  Result<Json> Post(const std::string& path, const Json& body);

  const std::string server_, token_;
  std::mutex mu_;
  std::vector<std::unique_ptr<RestClient>> idle_;  // GUARDED_BY(mu_)
};

// A job as the API returns it (JobJson in src/api/job_handlers.cc).
Result<jobs::Job> JobFromJson(const Json& j);

}  // namespace moebius::cli
