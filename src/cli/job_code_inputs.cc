#include "cli/job_code_inputs.h"

#include "cli/rest_client.h"
#include "envcode/code_archive.h"

namespace moebius::cli {

Status TagJobRun(RestClient& client, const jobs::Job& job, const std::vector<std::pair<std::string, std::string>>& tags) {
  const Json& p = job.spec.payload;
  if (!p.contains("run_id") || !p["run_id"].is_string() || tags.empty()) return Status::Ok();
  Json batch = Json::array();
  for (const auto& [k, v] : tags) batch.push_back({{"key", k}, {"value", v}});
  auto r = client.Post("/api/2.0/mlflow/runs/log-batch", Json{{"run_id", p["run_id"]}, {"tags", batch}});
  if (!r.ok()) return Status(r.status().code(), "tagging run " + p["run_id"].get<std::string>() + ": " + r.status().message());
  return Status::Ok();
}

std::function<Status(const jobs::Job&, const jobs::JobToken&, const std::string& dir)> CodeSnapshotPreparer(std::string server_url) {
  return [server_url](const jobs::Job& job, const jobs::JobToken& token, const std::string& dir) -> Status {
    if (!job.spec.payload.contains("code")) return Status::Ok();
    RestClient client(server_url, token.secret);
    std::string base = "/api/v1/jobs/" + std::to_string(job.id) + "/code";
    ASSIGN_OR_RETURN(Json meta, client.Get(base));
    const Json& snap = meta["snapshot"];
    std::string id = snap.value("id", "");
    ASSIGN_OR_RETURN(std::string tar, client.GetBytes(base + "/archive"));
    ASSIGN_OR_RETURN(auto files, envcode::ReadCodeArchive(tar));
    ASSIGN_OR_RETURN(auto described, envcode::Describe(files));
    ASSIGN_OR_RETURN(std::string got, envcode::TreeHash(described));
    if (got != id) return Internal("the downloaded code archive has tree hash " + got + ", not the snapshot's " + id);
    RETURN_IF_ERROR(envcode::WriteFiles(files, dir));
    std::vector<std::pair<std::string, std::string>> tags = {{"moebius.code_snapshot", id}};
    if (!snap.value("git_commit", "").empty()) tags.emplace_back("mlflow.source.git.commit", snap["git_commit"].get<std::string>());
    if (!snap.value("git_branch", "").empty()) tags.emplace_back("mlflow.source.git.branch", snap["git_branch"].get<std::string>());
    if (snap.value("git_dirty", false)) tags.emplace_back("moebius.code_dirty", "true");
    return TagJobRun(client, job, tags);
  };
}

}  // namespace moebius::cli
