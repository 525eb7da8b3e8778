// /api/v1/projects, members, tasks and acceptance criteria.
#include <algorithm>

#include "api/json_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "auth/auth_service.h"
#include "base/json_reader.h"
#include "data/data_store.h"
#include "eval/criteria.h"
#include "eval/metric_names.h"
#include "jobs/job_store.h"
#include "project/project_service.h"
#include "tracking/tracking_store.h"

namespace moebius::api {

using auth::Permission;

namespace {

Result<project::TaskSpec> TaskSpecOf(const Json& json) {
  JsonReader body(json);
  RETURN_IF_ERROR(body.ExpectObject());
  project::TaskSpec spec;
  ASSIGN_OR_RETURN(spec.name, body.Opt<std::string>("name"));
  ASSIGN_OR_RETURN(spec.domain, body.Opt<std::string>("domain"));
  ASSIGN_OR_RETURN(spec.problem_type, body.Opt<std::string>("problem_type"));
  ASSIGN_OR_RETURN(spec.primary_metric, body.Opt<std::string>("primary_metric"));
  ASSIGN_OR_RETURN(spec.metrics, body.OptList<std::string>("metrics"));
  ASSIGN_OR_RETURN(spec.acceptance_criteria, body.Opt<std::string>("acceptance_criteria"));
  ASSIGN_OR_RETURN(spec.description, body.Opt<std::string>("description"));
  return spec;
}

// What a project card shows (issue 17, item 10): counts of experiments, datasets and running or
// queued jobs, and when the project's experiments last changed (a run created or updated).
Result<Json> ProjectSummary(Services& s, int64_t project_id) {
  ASSIGN_OR_RETURN(auto experiments, s.tracking.ListExperiments(project_id, "ACTIVE_ONLY"));
  int64_t last = 0;
  for (const auto& e : experiments) last = std::max(last, e.last_update_time);
  ASSIGN_OR_RETURN(auto datasets, s.data.ListDatasets({project_id}, ""));
  for (const auto& d : datasets) last = std::max(last, d.created_at);
  int64_t active = 0;
  for (jobs::JobState st : {jobs::JobState::kRunning, jobs::JobState::kQueued}) {
    ASSIGN_OR_RETURN(auto js, s.jobs.List(jobs::JobFilter{.project_ids = {project_id}, .state = st, .limit = 1000}));
    active += static_cast<int64_t>(js.size());
    for (const auto& j : js) last = std::max(last, j.created_at);
  }
  return Json{{"experiments", experiments.size()}, {"datasets", datasets.size()}, {"active_jobs", active},
              {"last_activity", last > 0 ? Json(last) : Json(nullptr)}};
}

}  // namespace

void RegisterProjectRoutes(Router& r, Services& s) {
  r.Add("GET", "/api/v1/projects", Permission::kAuthenticated, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    bool include_archived = ctx.req.Query("include_archived").value_or("") == "true";
    std::optional<std::vector<int64_t>> visible;
    if (ctx.user().global_role != auth::Role::kAdmin) {
      ASSIGN_OR_RETURN(visible, VisibleProjects(s, ctx.user()));
    }
    ASSIGN_OR_RETURN(auto projects, s.projects.ListProjects(include_archived, visible));
    // ?summary=true: each project with its counts and last activity, for the project cards.
    const bool summary = ctx.req.Query("summary").value_or("") == "true";
    Json out = Json::array();
    for (const auto& p : projects) {
      Json j = ProjectJson(p);
      if (summary) {
        ASSIGN_OR_RETURN(j["summary"], ProjectSummary(s, p.id));
      }
      out.push_back(std::move(j));
    }
    return JsonResponse(Json{{"projects", out}});
  });

  r.Add("POST", "/api/v1/projects", Permission::kProjectCreate, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string name, ReqString(*body, "name"));
    ASSIGN_OR_RETURN(auto display, OptString(*body, "display_name"));
    ASSIGN_OR_RETURN(auto description, OptString(*body, "description"));
    ASSIGN_OR_RETURN(auto org_name, OptString(*body, "org"));
    std::optional<int64_t> org_id;
    if (org_name) {
      ASSIGN_OR_RETURN(auth::Org org, s.auth.GetOrg(*org_name));
      org_id = org.id;
    }
    const auth::User& creator = ctx.user();
    ASSIGN_OR_RETURN(project::Project p,
                     s.projects.CreateProject(name, display.value_or(""), description.value_or(""), org_id, creator.username,
                                              [&](store::Tx& tx, const project::Project& created) {
                                                return s.auth.AddMemberTx(tx, created.id, creator.id, auth::Role::kProjectManager);
                                              }));
    return JsonResponse(Json{{"project", ProjectJson(p)}});
  });

  r.Add("GET", "/api/v1/projects/{project}", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(project::Project p, s.projects.GetProject(ctx.Param("project")));
          return JsonResponse(Json{{"project", ProjectJson(p)}});
        });

  r.Add("PATCH", "/api/v1/projects/{project}", Permission::kProjectManage, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          project::ProjectUpdate up;
          ASSIGN_OR_RETURN(up.display_name, OptString(*body, "display_name"));
          ASSIGN_OR_RETURN(up.description, OptString(*body, "description"));
          ASSIGN_OR_RETURN(project::Project p, s.projects.UpdateProject(ctx.Param("project"), up));
          return JsonResponse(Json{{"project", ProjectJson(p)}});
        });

  for (bool archive : {true, false}) {
    r.Add("POST", std::string("/api/v1/projects/{project}/") + (archive ? "archive" : "unarchive"), Permission::kProjectManage,
          ProjectFromPath(s), [&s, archive](RouteContext& ctx) -> Result<HttpResponse> {
            ASSIGN_OR_RETURN(project::Project p, s.projects.SetArchived(ctx.Param("project"), archive));
            return JsonResponse(Json{{"project", ProjectJson(p)}});
          });
  }

  r.Add("GET", "/api/v1/projects/{project}/members", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(auto members, s.auth.ListMembers(ctx.project_ids.at(0)));
          Json out = Json::array();
          for (const auto& m : members)
            out.push_back({{"username", m.username}, {"role", auth::RoleName(m.role)}, {"added_at", m.added_at}});
          return JsonResponse(Json{{"members", out}});
        });

  r.Add("PUT", "/api/v1/projects/{project}/members/{user}", Permission::kMemberManage, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(std::string role_name, ReqString(*body, "role"));
          auto role = auth::ParseRole(role_name);
          if (!role) return InvalidArgument("unknown role '" + role_name + "'");
          ASSIGN_OR_RETURN(auth::Member m, s.auth.SetMember(ctx.project_ids.at(0), ctx.Param("user"), *role));
          return JsonResponse(Json{{"member", {{"username", m.username}, {"role", auth::RoleName(m.role)}, {"added_at", m.added_at}}}});
        });

  r.Add("DELETE", "/api/v1/projects/{project}/members/{user}", Permission::kMemberManage, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          RETURN_IF_ERROR(s.auth.RemoveMember(ctx.project_ids.at(0), ctx.Param("user")));
          return JsonResponse(Json::object());
        });

  // --- tasks
  r.Add("GET", "/api/v1/projects/{project}/tasks", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(auto tasks, s.projects.ListTasks(ctx.project_ids.at(0)));
          Json out = Json::array();
          for (const auto& t : tasks) out.push_back(TaskJson(t, ctx.Param("project")));
          return JsonResponse(Json{{"tasks", out}});
        });

  r.Add("POST", "/api/v1/projects/{project}/tasks", Permission::kTaskWrite, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(project::TaskSpec spec, TaskSpecOf(*body));
          ASSIGN_OR_RETURN(project::Task t, s.projects.CreateTask(ctx.project_ids.at(0), spec));
          return JsonResponse(Json{{"task", TaskJson(t, ctx.Param("project"))}});
        });

  r.Add("GET", "/api/v1/projects/{project}/tasks/{task}", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(project::Task t, s.projects.GetTask(ctx.project_ids.at(0), ctx.Param("task")));
          return JsonResponse(Json{{"task", TaskJson(t, ctx.Param("project"))}});
        });

  r.Add("PATCH", "/api/v1/projects/{project}/tasks/{task}", Permission::kTaskWrite, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(project::TaskSpec spec, TaskSpecOf(*body));
          ASSIGN_OR_RETURN(project::Task t, s.projects.UpdateTask(ctx.project_ids.at(0), ctx.Param("task"), spec));
          return JsonResponse(Json{{"task", TaskJson(t, ctx.Param("project"))}});
        });

  r.Add("POST", "/api/v1/projects/{project}/tasks/{task}/evaluate", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(std::string run_id, ReqString(*body, "run_id"));
          ASSIGN_OR_RETURN(project::Task t, s.projects.GetTask(ctx.project_ids.at(0), ctx.Param("task")));
          if (t.acceptance_criteria.empty()) return FailedPrecondition("task '" + t.name + "' has no acceptance criteria");
          ASSIGN_OR_RETURN(tracking::Run run, s.tracking.GetRun(run_id));
          ASSIGN_OR_RETURN(int64_t run_project, ProjectOfExperiment(s, run.info.experiment_id));
          if (run_project != t.project_id) return NotFound("Run '" + run_id + "' not found in this project");
          ASSIGN_OR_RETURN(eval::Criteria criteria, eval::ParseCriteria(t.acceptance_criteria));
          std::map<std::string, double> logged;
          for (const auto& m : run.metrics) logged[m.key] = m.value;
          Json out = eval::EvaluationToJson(eval::RunMetrics(std::move(logged)).Evaluate(criteria));
          out["criteria"] = t.acceptance_criteria;
          out["run_id"] = run_id;
          return JsonResponse(out);
        },
        RouteOptions{.audit = false});

  r.Add("POST", "/api/v1/criteria/validate", Permission::kAuthenticated, [](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string expr, ReqString(*body, "expression"));
    ASSIGN_OR_RETURN(eval::Criteria c, eval::ParseCriteria(expr));
    return JsonResponse(Json{{"valid", true}, {"canonical", c.Canonical()}, {"metrics", c.Metrics()}});
  }, RouteOptions{.audit = false});
}

}  // namespace moebius::api
