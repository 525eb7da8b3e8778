// Native tracking routes under /api/v1: experiments of a project, runs, metric history and
// the downsampled bulk history the UI charts use.
#include "api/json_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "api/tracking_requests.h"
#include "base/strings.h"
#include "project/project_service.h"
#include "tracking/tracking_store.h"

namespace moebius::api {

using auth::Permission;

void RegisterTrackingRoutes(Router& r, Services& s) {
  r.Add("GET", "/api/v1/projects/{project}/experiments", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          std::string view = ctx.req.Query("view_type").value_or("ACTIVE_ONLY");
          if (view != "ACTIVE_ONLY" && view != "DELETED_ONLY" && view != "ALL")
            return InvalidArgument("view_type must be ACTIVE_ONLY, DELETED_ONLY or ALL");
          ASSIGN_OR_RETURN(auto exps, s.tracking.ListExperiments(ctx.project_ids.at(0), view));
          Json out = Json::array();
          for (const auto& e : exps) {
            Json j = ExperimentJson(e);
            j["project"] = ctx.Param("project");
            out.push_back(j);
          }
          return JsonResponse(Json{{"experiments", out}});
        });

  r.Add("POST", "/api/v1/projects/{project}/experiments", Permission::kExperimentWrite, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(std::string name, ReqString(*body, "name"));
          ASSIGN_OR_RETURN(auto tags, ParseKeyValues(*body, "tags"));
          ASSIGN_OR_RETURN(tracking::Experiment e, s.tracking.CreateExperiment(ctx.project_ids.at(0), name, "", tags));
          Json j = ExperimentJson(e);
          j["project"] = ctx.Param("project");
          return JsonResponse(Json{{"experiment", j}});
        });

  r.Add("GET", "/api/v1/experiments/{experiment}", Permission::kProjectRead, ExperimentFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(ctx.Param("experiment")));
          ASSIGN_OR_RETURN(tracking::Experiment e, s.tracking.GetExperiment(id));
          ASSIGN_OR_RETURN(project::Project p, s.projects.GetProjectById(e.project_id));
          Json j = ExperimentJson(e);
          j["project"] = p.name;
          return JsonResponse(Json{{"experiment", j}});
        });

  r.Add("POST", "/api/v1/runs/search", Permission::kProjectRead, ExperimentsFromBodyArray(s),
        [&s](RouteContext& ctx) { return HandleRunSearch(s, ctx); }, RouteOptions{.audit = false});

  r.Add("GET", "/api/v1/runs/{run}", Permission::kProjectRead, RunFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(tracking::Run run, s.tracking.GetRun(ctx.Param("run")));
    ASSIGN_OR_RETURN(tracking::Experiment e, s.tracking.GetExperiment(run.info.experiment_id));
    ASSIGN_OR_RETURN(project::Project p, s.projects.GetProjectById(e.project_id));
    return JsonResponse(Json{{"run", RunJson(run)}, {"experiment_name", e.name}, {"project", p.name}});
  });

  r.Add("GET", "/api/v1/runs/{run}/metrics/{key}/history", Permission::kProjectRead, RunFromPath(s),
        [&s](RouteContext& ctx) { return HandleMetricHistory(s, ctx, ctx.Param("run"), ctx.Param("key")); });

  r.Add("POST", "/api/v1/metrics/bulk-history", Permission::kProjectRead, RunsFromBodyArray(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(auto run_ids, ParseStringList(*body, "run_ids", 100));
          ASSIGN_OR_RETURN(auto keys, ParseStringList(*body, "metric_keys", 100));
          ASSIGN_OR_RETURN(auto max_points, OptInt(*body, "max_points"));
          ASSIGN_OR_RETURN(auto series, s.tracking.BulkHistory(run_ids, keys, max_points.value_or(1000)));
          Json out = Json::array();
          for (const auto& ser : series) {
            Json points = Json::array();
            for (const auto& p : ser.points)
              points.push_back({{"step", p.step}, {"value", DoubleJson(p.value)}, {"timestamp", p.timestamp}});
            out.push_back({{"run_id", ser.run_id}, {"key", ser.key}, {"points", points}, {"total", ser.total},
                           {"downsampled", ser.downsampled}});
          }
          return JsonResponse(Json{{"series", out}});
        },
        RouteOptions{.audit = false});
}

}  // namespace moebius::api
