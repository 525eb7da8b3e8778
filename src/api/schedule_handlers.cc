#include "api/schedule_handlers.h"

#include "api/resolvers.h"
#include "auth/auth_service.h"
#include "auth/permissions.h"
#include "base/log.h"
#include "base/strings.h"
#include "jobs/cron.h"
#include "orchestration/job_service.h"

namespace moebius::api {

using auth::Permission;

namespace {

Json ScheduleJson(const jobs::Schedule& s) {
  return Json{{"id", s.id},           {"project_id", s.project_id},     {"name", s.name},
              {"cron", s.cron},       {"job", s.job},                   {"enabled", s.enabled},
              {"created_by", s.created_by}, {"created_at", s.created_at}, {"next_fire_at", s.next_fire_at},
              {"last_fire_at", s.last_fire_at}, {"last_job_id", s.last_job_id}, {"last_error", s.last_error},
              {"timezone", "UTC"}};
}

}  // namespace

void RegisterScheduleRoutes(Router& r, Services& s, jobs::ScheduleStore& schedules) {
  const std::string base = "/api/v1/projects/{project}/schedules";

  r.Add("POST", base, Permission::kJobRun, ProjectFromPath(s), [&s, &schedules](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string name, ReqString(*body, "name"));
    ASSIGN_OR_RETURN(std::string cron, ReqString(*body, "cron"));
    if (!body->contains("job") || !(*body)["job"].is_object())
      return InvalidArgument("missing required field 'job': the job to submit at each fire, as for POST .../jobs");
    const Json& job = (*body)["job"];
    RETURN_IF_ERROR(jobs::CronSchedule::Parse(cron).status());
    // The template must be a job that would be accepted now (data versions included).
    auto spec = s.job_service.SpecFromBody(ctx.project_ids.at(0), job);
    if (!spec.ok()) return Status(spec.status().code(), "job: " + spec.status().message());
    ASSIGN_OR_RETURN(jobs::Schedule out, schedules.Create(ctx.project_ids.at(0), name, cron, job, ctx.user().username));
    return JsonResponse(Json{{"schedule", ScheduleJson(out)}});
  });

  r.Add("GET", base, Permission::kProjectRead, ProjectFromPath(s), [&schedules](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto list, schedules.List(ctx.project_ids.at(0)));
    Json out = Json::array();
    for (const auto& x : list) out.push_back(ScheduleJson(x));
    return JsonResponse(Json{{"schedules", out}});
  });

  r.Add("DELETE", base + "/{schedule}", Permission::kJobRun, ProjectFromPath(s), [&schedules](RouteContext& ctx) -> Result<HttpResponse> {
    auto id = ParseInt64(ctx.Param("schedule"));
    if (!id || *id < 1) return InvalidArgument("schedule id must be a positive integer");
    ASSIGN_OR_RETURN(jobs::Schedule x, schedules.Get(*id));
    if (x.project_id != ctx.project_ids.at(0)) return NotFound("schedule " + std::to_string(*id) + " does not exist in this project");
    RETURN_IF_ERROR(schedules.Delete(*id));
    return JsonResponse(Json::object());
  });
}

}  // namespace moebius::api
