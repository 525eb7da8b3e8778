// Recurring jobs over HTTP and the server's scheduler (EXP-9):
//   POST   /api/v1/projects/{project}/schedules   {"name", "cron", "job": <job submit body>}  (job.run)
//   GET    /api/v1/projects/{project}/schedules                                              (project.read)
//   DELETE /api/v1/projects/{project}/schedules/{schedule}                                   (job.run)
// The job template is checked like a submission (JobSpecFromBody) when the schedule is created;
// each fire submits it as the schedule's creator (SubmitJob), so their rights at fire time apply.
#pragma once

#include "api/router.h"
#include "api/services.h"
#include "jobs/schedule_store.h"

namespace moebius::api {

void RegisterScheduleRoutes(Router& r, Services& s, jobs::ScheduleStore& schedules);

// One pass of the scheduler: claims and submits every due schedule; returns how many jobs it
// queued. A fire that cannot submit (the template no longer fits, the creator lost job.run or was
// disabled) records why on the schedule and queues nothing.
int FireDueSchedules(Services& s, jobs::ScheduleStore& schedules);

}  // namespace moebius::api
