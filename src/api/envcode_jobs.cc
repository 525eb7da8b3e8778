#include "api/envcode_jobs.h"

#include "base/strings.h"
#include "envcode/code_store.h"
#include "envcode/environment_store.h"
#include "jobs/job_store.h"

namespace moebius::api {

Status ApplyJobEnvironmentAndCode(Services& s, jobs::JobSpec& spec) {
  Json& p = spec.payload;
  if (!p.is_object()) return Status::Ok();  // the payload check reports it
  if (p.contains("environment")) {
    if (!p["environment"].is_string()) return InvalidArgument("payload.environment must be the name of an environment of the project");
    std::string name = p["environment"].get<std::string>();
    std::optional<int64_t> revision;
    if (p.contains("environment_revision")) {
      if (!p["environment_revision"].is_number_integer() || p["environment_revision"].get<int64_t>() < 1)
        return InvalidArgument("payload.environment_revision must be a positive integer");
      revision = p["environment_revision"].get<int64_t>();
    }
    auto env = s.environments.Get(spec.project_id, name, revision);
    if (!env.ok()) {
      if (env.status().code() == StatusCode::kNotFound)
        return InvalidArgument("payload.environment: " + env.status().message() + " in this project");
      return env.status();
    }
    p["environment_revision"] = env->revision;
    spec.resources = {env->spec.cpus, env->spec.memory_mb, env->spec.gpus};
  } else if (p.contains("environment_revision")) {
    return InvalidArgument("payload.environment_revision needs payload.environment");
  }
  if (p.contains("code")) {
    if (!p["code"].is_string()) return InvalidArgument("payload.code must be a code snapshot id (64 hex digits or a unique prefix)");
    auto snap = s.code.Get(spec.project_id, p["code"].get<std::string>());
    if (!snap.ok()) {
      if (snap.status().code() == StatusCode::kNotFound) return InvalidArgument("payload.code: " + snap.status().message());
      return InvalidArgument("payload.code: " + snap.status().message());
    }
    p["code"] = snap->id;
  }
  return Status::Ok();
}

Result<envcode::Environment> PinnedEnvironment(Services& s, const jobs::Job& j) {
  const Json& p = j.spec.payload;
  if (!p.contains("environment") || !p["environment"].is_string()) return NotFound("the job has no payload.environment");
  std::optional<int64_t> revision;
  if (p.contains("environment_revision") && p["environment_revision"].is_number_integer()) revision = p["environment_revision"].get<int64_t>();
  return s.environments.Get(j.spec.project_id, p["environment"].get<std::string>(), revision, true);
}

Result<jobs::Job> JobOfPath(Services& s, RouteContext& ctx) {
  auto id = ParseInt64(ctx.Param("job"));
  if (!id || *id < 1) return InvalidArgument("job id must be a positive integer, got '" + ctx.Param("job").substr(0, 40) + "'");
  return s.jobs.Get(*id);
}

ProjectResolver JobProjectFromPath(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(jobs::Job j, JobOfPath(s, ctx));
    return std::vector<int64_t>{j.spec.project_id};
  };
}

}  // namespace moebius::api
