#include "orchestration/schedule_runner.h"

#include "auth/auth_service.h"
#include "auth/permissions.h"
#include "base/log.h"

namespace moebius::orchestration {
namespace {

Status MayRunJobs(auth::AuthService& auth, const auth::User& u, int64_t project_id) {
  if (u.disabled) return PermissionDenied("user '" + u.username + "' is disabled");
  if (u.global_role == auth::Role::kAdmin) return Status::Ok();
  ASSIGN_OR_RETURN(auto role, auth.RoleInProject(u.id, project_id));
  if (!role || !auth::RoleHas(*role, auth::Permission::kJobRun))
    return PermissionDenied("user '" + u.username + "' no longer holds job.run in the schedule's project");
  return Status::Ok();
}

}  // namespace

int ScheduleRunner::FireDue() {
  auto due = schedules_.Due();
  if (!due.ok()) {
    log::Warn("scheduler: " + due.status().ToString());
    return 0;
  }
  int queued = 0;
  for (const jobs::Schedule& x : *due) {
    auto job = [&]() -> Result<jobs::Job> {
      ASSIGN_OR_RETURN(auth::User u, auth_.GetUser(x.created_by));
      RETURN_IF_ERROR(MayRunJobs(auth_, u, x.project_id));
      Json body = x.job;
      if (!body.contains("name")) body["name"] = x.name;
      ASSIGN_OR_RETURN(Submission sub, jobs_.Submit(u, x.project_id, body, "schedule:" + std::to_string(x.id) + ":" + std::to_string(x.next_fire_at)));
      return sub.job;
    }();
    auto claimed = schedules_.ClaimFire(x);
    if (!claimed.ok()) {
      log::Warn("scheduler: schedule " + std::to_string(x.id) + ": " + claimed.status().ToString());
      continue;
    }
    if (!*claimed) continue;  // another pass took this fire (and found the same job)
    Status st = schedules_.RecordFire(x.id, job.ok() ? job->id : 0, job.ok() ? "" : job.status().message());
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

}  // namespace moebius::orchestration
