// Jobs (EXP-9): submitting, listing, cancelling and reading the logs of jobs in a project, and the
// worker protocol (claim, heartbeat, log, finish) that embedded and remote workers speak.
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "base/log.h"
#include "base/strings.h"
#include "jobs/job_store.h"
#include "orchestration/job_request.h"
#include "orchestration/job_service.h"
#include "project/project_service.h"

namespace moebius::api {

using auth::Permission;

namespace {

constexpr int64_t kDefaultLeaseS = 30;

Json JobJson(const jobs::Job& j, const std::string& project) {
  Json out{{"id", j.id},
           {"project_id", j.spec.project_id},
           {"project", project},
           {"kind", j.spec.kind},
           {"name", j.spec.name},
           {"payload", j.spec.payload},
           {"priority", j.spec.priority},
           {"resources", {{"cpus", j.spec.resources.cpus}, {"memory_mb", j.spec.resources.memory_mb}, {"gpus", j.spec.resources.gpus}}},
           {"max_attempts", j.spec.max_attempts},
           {"timeout_s", j.spec.timeout_s},
           {"state", jobs::JobStateName(j.state)},
           {"attempts", j.attempts},
           {"worker", j.worker},
           {"cancel_requested", j.cancel_requested},
           {"created_at", j.created_at},
           {"created_by", j.created_by},
           {"started_at", j.started_at},
           {"finished_at", j.finished_at},
           {"error", j.error}};
  out["exit_code"] = j.exit_code ? Json(*j.exit_code) : Json(nullptr);
  // A rank of a distributed group (EXP-8): the group is rank 0's job id; null for ordinary jobs.
  out["group"] = j.group > 0 ? Json(j.group) : Json(nullptr);
  out["rank"] = j.rank;
  out["world_size"] = j.world_size;
  if (j.group > 0) out["rendezvous_timeout_s"] = j.rendezvous_timeout_s;
  // What queued it, for a keyed job: "schedule:ID:FIRE_AT" or "pipeline:RUN:STEP".
  out["dedup_key"] = j.spec.dedup_key.empty() ? Json(nullptr) : Json(j.spec.dedup_key);
  // The tracking run the job executes (payload.run_id), for links from job pages to runs.
  const Json& p = j.spec.payload;
  out["run_id"] = p.is_object() && p.contains("run_id") && p["run_id"].is_string() ? p["run_id"] : Json(nullptr);
  return out;
}

// The job with its project's name (for pages and CLIs that show where a job belongs).
Result<Json> JobOut(Services& s, const jobs::Job& j) {
  ASSIGN_OR_RETURN(project::Project p, s.projects.GetProjectById(j.spec.project_id));
  return JobJson(j, p.name);
}

Result<int64_t> JobId(RouteContext& ctx) {
  auto id = ParseInt64(ctx.Param("job"));
  if (!id || *id < 1) return InvalidArgument("job id must be a positive integer, got '" + ctx.Param("job").substr(0, 40) + "'");
  return *id;
}

ProjectResolver JobFromPath(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(int64_t id, JobId(ctx));
    ASSIGN_OR_RETURN(jobs::Job j, s.jobs.Get(id));
    return std::vector<int64_t>{j.spec.project_id};
  };
}

Result<int64_t> LeaseMs(const Json& body) {
  ASSIGN_OR_RETURN(auto lease_s, OptInt(body, "lease_s"));
  int64_t s = lease_s.value_or(kDefaultLeaseS);
  if (s < 1 || s > 3600) return InvalidArgument("lease_s must be between 1 and 3600");
  return s * 1000;
}

}  // namespace

void RegisterJobRoutes(Router& r, Services& s) {
  const std::string base = "/api/v1/projects/{project}/jobs";

  r.Add("POST", base, Permission::kJobRun, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(orchestration::Submission sub, s.job_service.Submit(ctx.user(), ctx.project_ids.at(0), *body));
    const jobs::Job& j = sub.job;
    ASSIGN_OR_RETURN(Json out, JobOut(s, j));
    Json answer{{"job", out}};
    if (j.group > 0) {  // every rank of a distributed submission, rank 0 first
      Json all = Json::array();
      for (const auto& r : sub.ranks) all.push_back(JobJson(r, out["project"].get<std::string>()));
      answer["group"] = all;
    }
    return JsonResponse(answer);
  });

  r.Add("GET", base, Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    jobs::JobFilter f;
    f.project_ids = {ctx.project_ids.at(0)};
    if (auto st = ctx.req.Query("state")) {
      f.state = jobs::ParseJobState(*st);
      if (!f.state) return InvalidArgument("state must be one of: queued, running, succeeded, failed, cancelled, timed_out");
    }
    if (auto l = ctx.req.Query("limit")) {
      auto v = ParseInt64(*l);
      if (!v || *v < 1 || *v > 1000) return InvalidArgument("limit must be between 1 and 1000");
      f.limit = static_cast<int>(*v);
    }
    if (auto g = ctx.req.Query("group")) {
      auto v = ParseInt64(*g);
      if (!v || *v < 1) return InvalidArgument("group must be a job group id (its rank 0's job id)");
      f.group = *v;
    }
    ASSIGN_OR_RETURN(auto list, s.jobs.List(f));
    Json out = Json::array();
    for (const auto& j : list) out.push_back(JobJson(j, ctx.Param("project")));
    return JsonResponse(Json{{"jobs", out}});
  });

  r.Add("GET", "/api/v1/jobs/{job}", Permission::kProjectRead, JobFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, JobId(ctx));
    ASSIGN_OR_RETURN(jobs::Job j, s.jobs.Get(id));
    ASSIGN_OR_RETURN(Json out, JobOut(s, j));
    return JsonResponse(Json{{"job", out}});
  });

  r.Add("POST", "/api/v1/jobs/{job}/cancel", Permission::kJobRun, JobFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, JobId(ctx));
    ASSIGN_OR_RETURN(jobs::Job j, s.jobs.Cancel(id, ctx.user().username));
    ASSIGN_OR_RETURN(Json out, JobOut(s, j));
    return JsonResponse(Json{{"job", out}});
  });

  r.Add("GET", "/api/v1/jobs/{job}/logs", Permission::kProjectRead, JobFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, JobId(ctx));
    int64_t after = 0, limit = 1000;
    if (auto a = ctx.req.Query("after")) {
      auto v = ParseInt64(*a);
      if (!v || *v < 0) return InvalidArgument("after must be a non-negative integer (the last seq read)");
      after = *v;
    }
    if (auto l = ctx.req.Query("limit")) {
      auto v = ParseInt64(*l);
      if (!v || *v < 1 || *v > 10000) return InvalidArgument("limit must be between 1 and 10000");
      limit = *v;
    }
    ASSIGN_OR_RETURN(auto chunks, s.jobs.ReadLog(id, after, static_cast<int>(limit)));
    ASSIGN_OR_RETURN(jobs::Job j, s.jobs.Get(id));
    Json out = Json::array();
    for (const auto& c : chunks) out.push_back({{"seq", c.seq}, {"at", c.at}, {"text", c.text}});
    // `done`: the job has ended and every chunk up to here was returned (a follower can stop).
    bool done = jobs::IsFinal(j.state) && static_cast<int64_t>(chunks.size()) < limit;
    return JsonResponse(Json{{"chunks", out}, {"state", jobs::JobStateName(j.state)}, {"done", done}});
  });

  // ---- rendezvous of a distributed group (docs/design/jobs.md "Job groups"): a rank publishes
  // what the others need (rank 0's trainer: the rabit tracker's host:port) and the others poll.
  // Any rank's job id names the group; jobs call it with their own token (the submitter's).
  r.Add("PUT", "/api/v1/jobs/{job}/rendezvous", Permission::kJobRun, JobFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, JobId(ctx));
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string key, ReqString(*body, "key"));
    ASSIGN_OR_RETURN(std::string value, ReqString(*body, "value"));
    RETURN_IF_ERROR(s.jobs.PutRendezvous(id, key, value));
    return JsonResponse(Json{{"key", key}, {"value", value}});
  }, RouteOptions{.audit = false});

  r.Add("GET", "/api/v1/jobs/{job}/rendezvous", Permission::kProjectRead, JobFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, JobId(ctx));
    ASSIGN_OR_RETURN(jobs::Rendezvous rv, s.jobs.GetRendezvous(id));
    Json values = Json::object(), ranks = Json::array();
    for (const auto& [k, v] : rv.values) values[k] = v;
    for (const auto& m : rv.members)
      ranks.push_back(Json{{"rank", m.rank}, {"job_id", m.id}, {"state", jobs::JobStateName(m.state)}, {"worker", m.worker}});
    return JsonResponse(Json{{"group", rv.group}, {"world_size", rv.world_size}, {"values", values}, {"ranks", ranks}});
  }, RouteOptions{.audit = false});

  // ---- the worker protocol
  r.Add("POST", "/api/v1/workers/claim", Permission::kWorkerRun, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string worker, ReqString(*body, "worker"));
    ASSIGN_OR_RETURN(jobs::Resources free, orchestration::ResourcesOf(*body, "resources", jobs::Resources{1, 512, 0}));
    ASSIGN_OR_RETURN(int64_t lease_ms, LeaseMs(*body));
    ASSIGN_OR_RETURN(auto job, s.jobs.Claim(worker, free, lease_ms));
    if (!job) return JsonResponse(Json{{"job", nullptr}});
    ASSIGN_OR_RETURN(Json out, JobOut(s, *job));
    // The attempt's token (of the job's submitter) goes to the claiming worker alone: outside
    // the job object, in no other answer and in no log.
    Json answer{{"job", out}};
    if (!job->token.secret.empty()) answer["token"] = job->token.secret;
    return JsonResponse(answer);
  }, RouteOptions{.audit = false});  // idle workers poll every second; the job row records who claimed it

  r.Add("POST", "/api/v1/jobs/{job}/heartbeat", Permission::kWorkerRun, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, JobId(ctx));
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string worker, ReqString(*body, "worker"));
    ASSIGN_OR_RETURN(int64_t lease_ms, LeaseMs(*body));
    ASSIGN_OR_RETURN(bool cancel, s.jobs.Heartbeat(id, worker, lease_ms));
    return JsonResponse(Json{{"cancel_requested", cancel}});
  }, RouteOptions{.audit = false});

  r.Add("POST", "/api/v1/jobs/{job}/log", Permission::kWorkerRun, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, JobId(ctx));
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string worker, ReqString(*body, "worker"));
    ASSIGN_OR_RETURN(std::string text, ReqString(*body, "text"));
    RETURN_IF_ERROR(s.jobs.AppendLog(id, worker, text));
    return JsonResponse(Json::object());
  }, RouteOptions{.audit = false});

  r.Add("POST", "/api/v1/jobs/{job}/finish", Permission::kWorkerRun, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(int64_t id, JobId(ctx));
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string worker, ReqString(*body, "worker"));
    ASSIGN_OR_RETURN(auto exit_code, OptInt(*body, "exit_code"));
    if (!exit_code) return InvalidArgument("missing required field 'exit_code'");
    ASSIGN_OR_RETURN(auto timed_out, OptBool(*body, "timed_out"));
    ASSIGN_OR_RETURN(auto error, OptString(*body, "error"));
    ASSIGN_OR_RETURN(jobs::Job j, s.jobs.Finish(id, worker, static_cast<int>(*exit_code), timed_out.value_or(false), error.value_or("")));
    ASSIGN_OR_RETURN(Json out, JobOut(s, j));
    return JsonResponse(Json{{"job", out}});
  });
}

}  // namespace moebius::api
