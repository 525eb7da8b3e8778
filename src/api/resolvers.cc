#include "api/resolvers.h"

#include <algorithm>

#include "auth/audit_log.h"
#include "base/log.h"
#include "base/strings.h"
#include "jobs/job_store.h"
#include "project/project_service.h"
#include "tracking/tracking_store.h"

namespace moebius::api {
namespace {

std::vector<int64_t> Unique(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

Result<jobs::Job> JobOfPath(Services& s, RouteContext& ctx) {
  auto id = ParseInt64(ctx.Param("job"));
  if (!id || *id < 1) return InvalidArgument("job id must be a positive integer, got '" + ctx.Param("job").substr(0, 40) + "'");
  return s.jobs.Get(*id);
}

ProjectResolver JobProjectFromPath(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(jobs::Job j, JobOfPath(s, ctx));
    return std::vector<int64_t>{j.spec.project_id};
  };
}

Status AuditSensitiveRead(Services& s, RouteContext& ctx, const data::Dataset& d) {
  if (!d.sensitive) return Status::Ok();
  Status st = s.audit.Append(ctx.user().username, "READ " + ctx.req.method + " sensitive dataset", ctx.req.path,
                             Json{{"dataset", d.name}, {"request_id", ctx.req.request_id}}.dump());
  if (st.ok()) return st;
  log::Error("audit append failed for a read of sensitive dataset '" + d.name + "': " + st.ToString());
  return Unavailable("dataset '" + d.name + "' is sensitive and this read could not be recorded in the audit log, so nothing was read; try again");
}

Result<int64_t> ParseExperimentId(const std::string& text) {
  auto id = ParseInt64(text);
  if (!id || *id < 0) return InvalidArgument("experiment_id must be a non-negative integer, got '" + text.substr(0, 40) + "'");
  return *id;
}

Result<int64_t> ProjectOfExperiment(Services& s, int64_t experiment_id) {
  ASSIGN_OR_RETURN(tracking::Experiment e, s.tracking.GetExperiment(experiment_id));
  return e.project_id;
}

Result<int64_t> ProjectOfRun(Services& s, const std::string& run_id) {
  ASSIGN_OR_RETURN(int64_t exp, s.tracking.ExperimentOfRun(run_id));
  return ProjectOfExperiment(s, exp);
}

ProjectResolver ProjectFromPath(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(project::Project p, s.projects.GetProject(ctx.Param("project")));
    return std::vector<int64_t>{p.id};
  };
}

ProjectResolver ExperimentFromPath(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(ctx.Param("experiment")));
    ASSIGN_OR_RETURN(int64_t p, ProjectOfExperiment(s, id));
    return std::vector<int64_t>{p};
  };
}

ProjectResolver RunFromPath(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(int64_t p, ProjectOfRun(s, ctx.Param("run")));
    return std::vector<int64_t>{p};
  };
}

ProjectResolver ExperimentFromField(Services& s, const char* field) {
  return [&s, field](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(auto text, ctx.QueryOrBodyString(field));
    if (!text) return InvalidArgument(std::string("Missing value for required parameter '") + field + "'");
    ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(*text));
    ASSIGN_OR_RETURN(int64_t p, ProjectOfExperiment(s, id));
    return std::vector<int64_t>{p};
  };
}

ProjectResolver RunFromField(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(auto id, ctx.QueryOrBodyString("run_id"));
    if (!id) {
      ASSIGN_OR_RETURN(id, ctx.QueryOrBodyString("run_uuid"));
    }
    if (!id) return InvalidArgument("Missing value for required parameter 'run_id'");
    ASSIGN_OR_RETURN(int64_t p, ProjectOfRun(s, *id));
    return std::vector<int64_t>{p};
  };
}

ProjectResolver ExperimentsFromBodyArray(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
    auto it = body->find("experiment_ids");
    if (it == body->end() || !it->is_array() || it->empty())
      return InvalidArgument("experiment_ids must be a non-empty list of experiment ids");
    if (it->size() > 100) return InvalidArgument("experiment_ids may list at most 100 experiments");
    std::vector<int64_t> projects;
    for (const Json& e : *it) {
      std::string text = e.is_string() ? e.get<std::string>() : e.is_number_integer() ? std::to_string(e.get<int64_t>()) : "";
      if (text.empty()) return InvalidArgument("experiment_ids must contain experiment ids as strings");
      ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(text));
      ASSIGN_OR_RETURN(int64_t p, ProjectOfExperiment(s, id));
      projects.push_back(p);
    }
    return Unique(projects);
  };
}

ProjectResolver RunsFromBodyArray(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
    auto it = body->find("run_ids");
    if (it == body->end() || !it->is_array() || it->empty()) return InvalidArgument("run_ids must be a non-empty list of run ids");
    if (it->size() > 100) return InvalidArgument("run_ids may list at most 100 runs");
    std::vector<int64_t> projects;
    for (const Json& e : *it) {
      if (!e.is_string()) return InvalidArgument("run_ids must contain run ids as strings");
      ASSIGN_OR_RETURN(int64_t p, ProjectOfRun(s, e.get<std::string>()));
      projects.push_back(p);
    }
    return Unique(projects);
  };
}

}  // namespace moebius::api
