#include "cli/job_environment.h"

#include "cli/job_code_inputs.h"
#include "cli/rest_client.h"

namespace moebius::cli {

std::function<Result<jobs::JobEnvironment>(const jobs::Job&, const jobs::JobToken&)> EnvironmentResolver(std::string server_url) {
  return [server_url](const jobs::Job& job, const jobs::JobToken& token) -> Result<jobs::JobEnvironment> {
    jobs::JobEnvironment result;
    auto& out = result.variables;
    const Json& p = job.spec.payload;
    if (p.contains("code") && p["code"].is_string()) out.emplace_back("MOEBIUS_CODE_SNAPSHOT", p["code"].get<std::string>());
    if (!p.contains("environment")) return result;
    RestClient client(server_url, token.secret);
    auto env = client.Get("/api/v1/jobs/" + std::to_string(job.id) + "/environment");
    if (!env.ok()) return Status(env.status().code(), "resolving the job's environment: " + env.status().message());
    for (const Json& v : (*env)["variables"]) {
      out.emplace_back(v["name"].get<std::string>(), v["value"].get<std::string>());
      if (v.value("secret", false)) result.masked.push_back(v["value"].get<std::string>());
    }
    RETURN_IF_ERROR(TagJobRun(client, job,
                              {{"moebius.environment", (*env)["environment"].get<std::string>()},
                               {"moebius.environment_revision", std::to_string((*env)["revision"].get<int64_t>())}}));
    return result;
  };
}

}  // namespace moebius::cli
