// Environments (PRJ-6): CRUD of a project's development and inference environments, their
// revisions, and the resolved environment of a running job (the one place secret values leave
// the server: to the job that runs with them).
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "base/strings.h"
#include "envcode/environment_store.h"
#include "jobs/job_store.h"
#include "orchestration/job_service.h"

namespace moebius::api {

using auth::Permission;

namespace {

Json EnvironmentJson(const envcode::Environment& e, const std::string& project) {
  Json j = envcode::SpecToPublicJson(e.spec);
  j["project"] = project;
  j["name"] = e.name;
  j["revision"] = e.revision;
  j["latest_revision"] = e.latest_revision;
  j["message"] = e.message;
  j["created_at"] = e.created_at;
  j["created_by"] = e.created_by;
  j["revised_at"] = e.revised_at;
  j["revised_by"] = e.revised_by;
  return j;
}

Result<std::optional<int64_t>> RevisionQuery(RouteContext& ctx) {
  auto q = ctx.req.Query("revision");
  if (!q) return std::optional<int64_t>();
  auto v = ParseInt64(*q);
  if (!v || *v < 1) return InvalidArgument("revision must be a positive integer");
  return std::optional<int64_t>(*v);
}

Result<std::string> MessageOf(const Json& body) {
  ASSIGN_OR_RETURN(auto m, OptString(body, "message"));
  return m.value_or("");
}

}  // namespace

void RegisterEnvironmentRoutes(Router& r, Services& s) {
  const std::string base = "/api/v1/projects/{project}/environments";

  r.Add("GET", base, Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto list, s.environments.List(ctx.project_ids.at(0)));
    Json out = Json::array();
    for (const auto& e : list) out.push_back(EnvironmentJson(e, ctx.Param("project")));
    return JsonResponse(Json{{"environments", out}});
  });

  r.Add("POST", base, Permission::kEnvironmentWrite, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string name, ReqString(*body, "name"));
    RETURN_IF_ERROR(envcode::ValidateEnvironmentName(name));
    ASSIGN_OR_RETURN(envcode::EnvironmentSpec spec, envcode::ParseEnvironmentSpec(*body, nullptr));
    ASSIGN_OR_RETURN(std::string message, MessageOf(*body));
    ASSIGN_OR_RETURN(envcode::Environment e, s.environments.Create(ctx.project_ids.at(0), name, spec, ctx.user().username, message));
    return JsonResponse(Json{{"environment", EnvironmentJson(e, ctx.Param("project"))}});
  });

  r.Add("GET", base + "/{name}", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto revision, RevisionQuery(ctx));
    ASSIGN_OR_RETURN(envcode::Environment e, s.environments.Get(ctx.project_ids.at(0), ctx.Param("name"), revision));
    return JsonResponse(Json{{"environment", EnvironmentJson(e, ctx.Param("project"))}});
  });

  // An edit: the whole spec (kind may be left out); a secret variable sent without a value keeps
  // the current one. Always a new revision.
  r.Add("PUT", base + "/{name}", Permission::kEnvironmentWrite, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    if (body->contains("name") && (*body)["name"] != ctx.Param("name"))
      return InvalidArgument("an environment cannot be renamed; create one under the new name");
    ASSIGN_OR_RETURN(envcode::Environment current, s.environments.Get(ctx.project_ids.at(0), ctx.Param("name")));
    ASSIGN_OR_RETURN(envcode::EnvironmentSpec spec, envcode::ParseEnvironmentSpec(*body, &current.spec));
    ASSIGN_OR_RETURN(std::string message, MessageOf(*body));
    ASSIGN_OR_RETURN(envcode::Environment e,
                     s.environments.Update(ctx.project_ids.at(0), ctx.Param("name"), spec, ctx.user().username, message));
    return JsonResponse(Json{{"environment", EnvironmentJson(e, ctx.Param("project"))}});
  });

  r.Add("DELETE", base + "/{name}", Permission::kEnvironmentWrite, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    RETURN_IF_ERROR(s.environments.Delete(ctx.project_ids.at(0), ctx.Param("name")));
    return JsonResponse(Json::object());
  });

  r.Add("GET", base + "/{name}/revisions", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto revs, s.environments.Revisions(ctx.project_ids.at(0), ctx.Param("name")));
    Json out = Json::array();
    for (const auto& v : revs)
      out.push_back({{"revision", v.revision}, {"message", v.message}, {"created_at", v.created_at}, {"created_by", v.created_by}});
    return JsonResponse(Json{{"revisions", out}});
  });

  // What a running job gets: the variables of the environment revision it pinned, secret values
  // included. Only while the job runs, only to holders of job.run in its project (its own token
  // is one: the submitter's), never audited with the values.
  r.Add("GET", "/api/v1/jobs/{job}/environment", Permission::kJobRun, JobProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(jobs::Job j, JobOfPath(s, ctx));
    if (j.state != jobs::JobState::kRunning) return FailedPrecondition("job " + std::to_string(j.id) + " is not running");
    const Json& p = j.spec.payload;
    if (!p.contains("environment")) return NotFound("job " + std::to_string(j.id) + " has no payload.environment");
    ASSIGN_OR_RETURN(envcode::Environment e, s.job_service.PinnedEnvironment(j));
    Json vars = Json::array();
    for (const auto& [k, v] : envcode::JobEnvironmentVariables(e)) {
      bool secret = false;
      for (const auto& var : e.spec.variables) secret = secret || (var.secret && var.name == k);
      vars.push_back({{"name", k}, {"value", v}, {"secret", secret}});
    }
    return JsonResponse(Json{{"environment", e.name}, {"revision", e.revision}, {"variables", vars}});
  }, RouteOptions{.audit = false});
}

}  // namespace moebius::api
