// Recurring jobs over HTTP and the server's scheduler (EXP-9):
//   POST   /api/v1/projects/{project}/schedules   {"name", "cron", "job": <job submit body>}  (job.run)
//   GET    /api/v1/projects/{project}/schedules                                              (project.read)
//   DELETE /api/v1/projects/{project}/schedules/{schedule}                                   (job.run)
// The job template is checked like a submission (JobService::SpecFromBody) when the schedule is
// created; the server's orchestration::ScheduleRunner submits it at each fire.
#pragma once

#include "api/router.h"
#include "api/services.h"
#include "jobs/schedule_store.h"

namespace moebius::api {

void RegisterScheduleRoutes(Router& r, Services& s, jobs::ScheduleStore& schedules);

}  // namespace moebius::api
