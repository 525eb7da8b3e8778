#include "api/schedule_handlers.h"

#include "api/job_runs.h"
#include "api/resolvers.h"
#include "auth/auth_service.h"
#include "auth/permissions.h"
#include "base/log.h"
#include "base/strings.h"
#include "jobs/cron.h"

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

Status MayRunJobs(Services& s, const auth::User& u, int64_t project_id) {
  if (u.disabled) return PermissionDenied("user '" + u.username + "' is disabled");
  if (u.global_role == auth::Role::kAdmin) return Status::Ok();
  ASSIGN_OR_RETURN(auto role, s.auth.RoleInProject(u.id, project_id));
  if (!role || !auth::RoleHas(*role, Permission::kJobRun))
    return PermissionDenied("user '" + u.username + "' no longer holds job.run in the schedule's project");
  return Status::Ok();
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
    auto spec = JobSpecFromBody(s, ctx.project_ids.at(0), job);
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

int FireDueSchedules(Services& s, jobs::ScheduleStore& schedules) {
  auto due = schedules.Due();
  if (!due.ok()) {
    log::Warn("scheduler: " + due.status().ToString());
    return 0;
  }
  int queued = 0;
  for (const jobs::Schedule& x : *due) {
    // The job first, keyed by the fire, then the claim that moves the schedule on: a crash
    // between the two redoes the fire on restart and the key finds the job already queued, and
    // passes racing over one fire (replicas) queue one job between them. Exactly once per fire.
    auto job = [&]() -> Result<jobs::Job> {
      ASSIGN_OR_RETURN(auth::User u, s.auth.GetUser(x.created_by));
      RETURN_IF_ERROR(MayRunJobs(s, u, x.project_id));
      Json body = x.job;
      if (!body.contains("name")) body["name"] = x.name;
      return SubmitJob(s, u, x.project_id, body, nullptr, "schedule:" + std::to_string(x.id) + ":" + std::to_string(x.next_fire_at));
    }();
    auto claimed = schedules.ClaimFire(x);
    if (!claimed.ok()) {
      log::Warn("scheduler: schedule " + std::to_string(x.id) + ": " + claimed.status().ToString());
      continue;
    }
    if (!*claimed) continue;  // another pass took this fire (and found the same job)
    Status st = schedules.RecordFire(x.id, job.ok() ? job->id : 0, job.ok() ? "" : job.status().message());
    if (!st.ok()) log::Warn("scheduler: schedule " + std::to_string(x.id) + ": " + st.ToString());
    if (job.ok()) {
      ++queued;
      log::Info("scheduler: schedule '" + x.name + "' queued job " + std::to_string(job->id));
    } else {
      log::Warn("scheduler: schedule '" + x.name + "' queued nothing: " + job.status().ToString());
    }
  }
  return queued;
}

}  // namespace moebius::api
