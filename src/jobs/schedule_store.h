// Recurring jobs (EXP-9): a schedule is a cron expression (jobs/cron.h, UTC) and a job template
// (the body of POST /api/v1/projects/{p}/jobs) in a project. The server's scheduler thread asks
// for Due() schedules every few seconds and, for each, first submits the job keyed by the fire
// (JobSpec::dedup_key "schedule:ID:FIRE_AT"), then moves its next fire time on in the store
// (ClaimFire, a compare-and-set on next_fire_at) and records the job. A crash between the two
// redoes the fire on restart, where the key finds the job already queued; passes racing over one
// fire queue one job between them. So each fire time queues exactly one job. (A schedule deleted
// while its due fire is being submitted may still queue that one job.)
// A server that was down over several fire times fires once when it comes back, then goes on from
// the current time (missed fires are not replayed one by one).
//
// Thread-safety: all methods may be called concurrently (the Database serializes writes).
#pragma once

#include <optional>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "store/meta/database.h"

namespace moebius::jobs {

struct Schedule {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string name;
  std::string cron;
  Json job = Json::object();  // the job template: a submit body
  bool enabled = true;
  std::string created_by;     // jobs are submitted as this user
  int64_t created_at = 0;
  int64_t next_fire_at = 0;   // ms, UTC
  int64_t last_fire_at = 0;   // the fire time last claimed (0: never)
  int64_t last_job_id = 0;    // the job that fire submitted (0: none)
  std::string last_error;     // why the last fire submitted nothing
};

class ScheduleStore {
 public:
  ScheduleStore(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // kInvalidArgument for a bad name or cron expression; kAlreadyExists for a name taken in the
  // project. The template is checked by the caller (it needs the API's job rules).
  Result<Schedule> Create(int64_t project_id, const std::string& name, const std::string& cron, const Json& job, const std::string& user);
  Result<Schedule> Get(int64_t id);
  Result<std::vector<Schedule>> List(int64_t project_id);
  Status Delete(int64_t id);

  // Enabled schedules whose next fire time has come.
  Result<std::vector<Schedule>> Due();
  // Moves the schedule's next fire time from `s.next_fire_at` to the first after now; false when
  // another fire claimed it first (or it was deleted).
  Result<bool> ClaimFire(const Schedule& s);
  // What the claimed fire did.
  Status RecordFire(int64_t id, int64_t job_id, const std::string& error);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace moebius::jobs
