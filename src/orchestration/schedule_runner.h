// ScheduleRunner: the scheduler's pass over recurring jobs (EXP-9; jobs/schedule_store.h). Each
// due schedule's job template is submitted through the JobService as the schedule's creator, so
// their rights at fire time apply.
//
// Exactly once per fire: the job is queued first, keyed "schedule:ID:FIRE_AT", then the fire is
// claimed (which moves the schedule on). A crash between the two redoes the fire on restart and
// the key finds the job already queued; passes racing over one fire (replicas) queue one job.
//
// Thread-safety: thread-safe; the server calls FireDue from one thread every 2 s.
#pragma once

#include "jobs/schedule_store.h"
#include "orchestration/job_service.h"

namespace moebius::orchestration {

class ScheduleRunner {
 public:
  ScheduleRunner(jobs::ScheduleStore& schedules, JobService& jobs, auth::AuthService& auth)
      : schedules_(schedules), jobs_(jobs), auth_(auth) {}

  // Claims and submits every due schedule; returns how many jobs it queued. A fire that cannot
  // submit (the template no longer fits, the creator lost job.run or was disabled) records why
  // on the schedule and queues nothing.
  int FireDue();

 private:
  jobs::ScheduleStore& schedules_;
  JobService& jobs_;
  auth::AuthService& auth_;
};

}  // namespace moebius::orchestration
