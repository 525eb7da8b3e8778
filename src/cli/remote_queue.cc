#include "cli/remote_queue.h"

#include <cmath>

namespace moebius::cli {

Result<jobs::Job> JobFromJson(const Json& j) {
  try {
    jobs::Job job;
    job.id = j.at("id").get<int64_t>();
    job.spec.project_id = j.at("project_id").get<int64_t>();
    job.spec.kind = j.at("kind").get<std::string>();
    job.spec.name = j.value("name", "");
    job.spec.payload = j.value("payload", Json::object());
    job.spec.priority = j.value("priority", 0);
    const Json& r = j.at("resources");
    job.spec.resources = {r.at("cpus").get<double>(), r.at("memory_mb").get<int64_t>(), r.at("gpus").get<int64_t>()};
    job.spec.max_attempts = j.value("max_attempts", 1);
    job.spec.timeout_s = j.value("timeout_s", int64_t{0});
    job.state = jobs::ParseJobState(j.at("state").get<std::string>()).value_or(jobs::JobState::kFailed);
    job.attempts = j.value("attempts", 0);
    job.worker = j.value("worker", "");
    job.created_by = j.value("created_by", "");
    if (j.contains("group") && j["group"].is_number_integer()) {  // a rank of a distributed group
      job.group = j["group"].get<int64_t>();
      job.rank = j.value("rank", 0);
      job.world_size = j.value("world_size", 1);
      job.rendezvous_timeout_s = j.value("rendezvous_timeout_s", int64_t{0});
    }
    return job;
  } catch (const Json::exception& e) {
    return Internal(std::string("unexpected job from the server: ") + e.what());
  }
}

Result<Json> RemoteQueue::Post(const std::string& path, const Json& body) {
  std::unique_ptr<RestClient> client;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      client = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!client) client = std::make_unique<RestClient>(server_, token_);
  Result<Json> out = client->Post(path, body);
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(client));
  }
  if (!out.ok() && out.status().message().find("not held") != std::string::npos)
    return FailedPrecondition(out.status().message());
  return out;
}

Result<std::optional<jobs::Job>> RemoteQueue::Claim(const std::string& worker, const jobs::Resources& free, int64_t lease_ms) {
  // The server takes whole MiB and GPUs and a fractional CPU count; never offer a negative.
  Json body{{"worker", worker},
            {"lease_s", std::max<int64_t>(1, lease_ms / 1000)},
            {"resources", {{"cpus", std::max(0.0, free.cpus)}, {"memory_mb", std::max<int64_t>(0, free.memory_mb)}, {"gpus", std::max<int64_t>(0, free.gpus)}}}};
  ASSIGN_OR_RETURN(Json j, Post("/api/v1/workers/claim", body));
  if (!j.contains("job") || j["job"].is_null()) return std::optional<jobs::Job>();
  ASSIGN_OR_RETURN(jobs::Job job, JobFromJson(j["job"]));
  // The server's token for this attempt (the submitter's, revoked when the attempt ends).
  if (j.contains("token") && j["token"].is_string()) job.token.secret = j["token"].get<std::string>();
  return std::optional<jobs::Job>(std::move(job));
}

Result<bool> RemoteQueue::Heartbeat(int64_t id, const std::string& worker, int64_t lease_ms) {
  ASSIGN_OR_RETURN(Json j, Post("/api/v1/jobs/" + std::to_string(id) + "/heartbeat",
                                Json{{"worker", worker}, {"lease_s", std::max<int64_t>(1, lease_ms / 1000)}}));
  return j.value("cancel_requested", false);
}

Status RemoteQueue::AppendLog(int64_t id, const std::string& worker, const std::string& text) {
  return Post("/api/v1/jobs/" + std::to_string(id) + "/log", Json{{"worker", worker}, {"text", text}}).status();
}

Status RemoteQueue::Finish(int64_t id, const std::string& worker, int exit_code, bool timed_out, const std::string& error) {
  Json body{{"worker", worker}, {"exit_code", exit_code}, {"timed_out", timed_out}};
  if (!error.empty()) body["error"] = error;
  return Post("/api/v1/jobs/" + std::to_string(id) + "/finish", body).status();
}

}  // namespace moebius::cli
