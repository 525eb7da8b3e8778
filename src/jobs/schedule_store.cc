#include "jobs/schedule_store.h"

#include <algorithm>
#include <cctype>

#include "jobs/cron.h"

namespace moebius::jobs {
namespace {

using store::Row;
using store::Rows;
using store::Tx;

constexpr char kColumns[] =
    "id, project_id, name, cron, job, enabled, created_by, created_at, next_fire_at, last_fire_at, last_job_id, last_error";

Schedule ScheduleOf(const Row& r) {
  Schedule s;
  s.id = r.Int(0);
  s.project_id = r.Int(1);
  s.name = r.Text(2);
  s.cron = r.Text(3);
  s.job = Json::parse(r.Text(4), nullptr, false);
  s.enabled = r.Int(5) != 0;
  s.created_by = r.Text(6);
  s.created_at = r.Int(7);
  s.next_fire_at = r.Int(8);
  s.last_fire_at = r.Int(9);
  s.last_job_id = r.Int(10);
  s.last_error = r.Text(11);
  return s;
}

Status ValidateName(const std::string& name) {
  if (name.empty() || name.size() > 100) return InvalidArgument("schedule name must be 1 to 100 characters");
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return InvalidArgument("schedule name may hold letters, digits, '-', '_' and '.', got '" + name + "'");
  return Status::Ok();
}

}  // namespace

Result<Schedule> ScheduleStore::Create(int64_t project_id, const std::string& name, const std::string& cron, const Json& job,
                                       const std::string& user) {
  RETURN_IF_ERROR(ValidateName(name));
  ASSIGN_OR_RETURN(CronSchedule c, CronSchedule::Parse(cron));
  if (!job.is_object()) return InvalidArgument("a schedule's job must be an object (the body of a job submission)");
  if (job.dump().size() > (1 << 20)) return InvalidArgument("a schedule's job must be at most 1 MiB");
  Schedule s;
  s.project_id = project_id;
  s.name = name;
  s.cron = c.expr();
  s.job = job;
  s.created_by = user;
  s.created_at = clock_.NowMillis();
  s.next_fire_at = c.Next(s.created_at);
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows same, tx.Query("SELECT id FROM job_schedules WHERE project_id = ? AND name = ?", {project_id, name}));
    if (!same.empty()) return AlreadyExists("a schedule named '" + name + "' already exists in this project");
    ASSIGN_OR_RETURN(s.id, tx.NextId("job_schedules"));
    return tx.Exec(std::string("INSERT INTO job_schedules (") + kColumns + ") VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, 0, 0, '')",
                   {s.id, project_id, name, s.cron, job.dump(), user, s.created_at, s.next_fire_at})
        .status();
  }));
  return s;
}

Result<Schedule> ScheduleStore::Get(int64_t id) {
  Schedule s;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kColumns + " FROM job_schedules WHERE id = ?", {id},
                                            "schedule " + std::to_string(id) + " does not exist"));
    s = ScheduleOf(r);
    return Status::Ok();
  }));
  return s;
}

Result<std::vector<Schedule>> ScheduleStore::List(int64_t project_id) {
  std::vector<Schedule> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kColumns + " FROM job_schedules WHERE project_id = ? ORDER BY name",
                                         {project_id}));
    for (const Row& r : rows) out.push_back(ScheduleOf(r));
    return Status::Ok();
  }));
  return out;
}

Status ScheduleStore::Delete(int64_t id) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM job_schedules WHERE id = ?", {id}));
    if (n == 0) return NotFound("schedule " + std::to_string(id) + " does not exist");
    return Status::Ok();
  });
}

Result<std::vector<Schedule>> ScheduleStore::Due() {
  std::vector<Schedule> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string("SELECT ") + kColumns +
                                             " FROM job_schedules WHERE enabled = 1 AND next_fire_at <= ? ORDER BY next_fire_at, id LIMIT 100",
                                         {clock_.NowMillis()}));
    for (const Row& r : rows) out.push_back(ScheduleOf(r));
    return Status::Ok();
  }));
  return out;
}

Result<bool> ScheduleStore::ClaimFire(const Schedule& s) {
  ASSIGN_OR_RETURN(CronSchedule c, CronSchedule::Parse(s.cron));
  int64_t next = c.Next(std::max(clock_.NowMillis(), s.next_fire_at));
  bool claimed = false;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE job_schedules SET last_fire_at = next_fire_at, next_fire_at = ? WHERE id = ? AND next_fire_at = ?",
                                        {next, s.id, s.next_fire_at}));
    claimed = n == 1;
    return Status::Ok();
  }));
  return claimed;
}

Status ScheduleStore::RecordFire(int64_t id, int64_t job_id, const std::string& error) {
  return db_.Write([&](Tx& tx) {
    return tx.Exec("UPDATE job_schedules SET last_job_id = ?, last_error = ? WHERE id = ?", {job_id, error.substr(0, 4000), id}).status();
  });
}

}  // namespace moebius::jobs
