// The MLflow-compatible tracking API under /api/2.0/mlflow (and /api/2.0/preview/mlflow):
// same paths, fields, limits and error codes as MLflow 2.x's REST API.
#include <cstdlib>

#include "api/json_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "api/tracking_requests.h"
#include "auth/auth_service.h"
#include "base/log.h"
#include "base/strings.h"
#include "orchestration/job_service.h"
#include "project/project_service.h"
#include "tracking/tracking_store.h"

namespace moebius::api {

using auth::Permission;

namespace {

HttpResponse Empty() { return JsonResponse(Json::object()); }

Result<std::string> RunIdOf(RouteContext& ctx) {
  ASSIGN_OR_RETURN(auto id, ctx.QueryOrBodyString("run_id"));
  if (!id) {
    ASSIGN_OR_RETURN(id, ctx.QueryOrBodyString("run_uuid"));
  }
  if (!id) return InvalidArgument("Missing value for required parameter 'run_id'");
  return *id;
}

Result<int64_t> ExperimentIdOf(RouteContext& ctx) {
  ASSIGN_OR_RETURN(auto text, ctx.QueryOrBodyString("experiment_id"));
  if (!text) return InvalidArgument("Missing value for required parameter 'experiment_id'");
  return ParseExperimentId(*text);
}

Result<HttpResponse> SearchExperimentsHandler(Services& s, RouteContext& ctx) {
  tracking::ExperimentSearchRequest q;
  if (ctx.req.method == "GET") {
    q.filter = ctx.req.Query("filter").value_or("");
    q.order_by = ctx.req.QueryAll("order_by");
    q.page_token = ctx.req.Query("page_token").value_or("");
    q.view_type = ctx.req.Query("view_type").value_or("ACTIVE_ONLY");
    if (auto m = ctx.req.Query("max_results")) {
      auto v = ParseInt64(*m);
      if (!v) return InvalidArgument("max_results must be an integer");
      q.max_results = *v;
    }
  } else {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
    ASSIGN_OR_RETURN(auto filter, OptString(*body, "filter"));
    q.filter = filter.value_or("");
    ASSIGN_OR_RETURN(q.order_by, ParseStringList(*body, "order_by", 20));
    ASSIGN_OR_RETURN(auto token, OptString(*body, "page_token"));
    q.page_token = token.value_or("");
    ASSIGN_OR_RETURN(auto view, OptString(*body, "view_type"));
    q.view_type = view.value_or("ACTIVE_ONLY");
    ASSIGN_OR_RETURN(auto max_results, OptInt(*body, "max_results"));
    q.max_results = max_results.value_or(1000);
  }
  if (q.view_type != "ACTIVE_ONLY" && q.view_type != "DELETED_ONLY" && q.view_type != "ALL")
    return InvalidArgument("view_type must be ACTIVE_ONLY, DELETED_ONLY or ALL");
  ASSIGN_OR_RETURN(q.project_ids, VisibleProjects(s, ctx.user()));
  ASSIGN_OR_RETURN(auto page, s.tracking.SearchExperiments(q));
  Json out = Json::array();
  for (const auto& e : page.first) out.push_back(ExperimentJson(e));
  Json resp{{"experiments", out}};
  if (!page.second.empty()) resp["next_page_token"] = page.second;
  return JsonResponse(resp);
}

}  // namespace

void RegisterMlflowRoutes(Router& r, Services& s) {
  const RouteOptions kReadOnly{.audit = false};

  // ------------------------------------------------------------------ experiments
  r.Add("POST", "/api/2.0/mlflow/experiments/create", Permission::kExperimentWrite, ProjectOfMlflowCreate(s),
          [&s](RouteContext& ctx) -> Result<HttpResponse> {
            ASSIGN_OR_RETURN(const Json* body, ctx.Body());
            ASSIGN_OR_RETURN(std::string name, ReqString(*body, "name"));
            ASSIGN_OR_RETURN(auto location, OptString(*body, "artifact_location"));
            ASSIGN_OR_RETURN(auto tags, ParseKeyValues(*body, "tags"));
            ASSIGN_OR_RETURN(tracking::Experiment e,
                             s.tracking.CreateExperiment(ctx.project_ids.at(0), name, location.value_or(""), tags));
            return JsonResponse(Json{{"experiment_id", std::to_string(e.experiment_id)}});
          });
  r.Add("GET", "/api/2.0/mlflow/experiments/search", Permission::kAuthenticated,
        [&s](RouteContext& ctx) { return SearchExperimentsHandler(s, ctx); });
  r.Add("POST", "/api/2.0/mlflow/experiments/search", Permission::kAuthenticated,
        [&s](RouteContext& ctx) { return SearchExperimentsHandler(s, ctx); }, kReadOnly);
  // MLflow 1.x's experiments/list, still used by older clients.
  r.Add("GET", "/api/2.0/mlflow/experiments/list", Permission::kAuthenticated, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    return SearchExperimentsHandler(s, ctx);
  });
  r.Add("GET", "/api/2.0/mlflow/experiments/get", Permission::kProjectRead, ExperimentFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t id, ExperimentIdOf(ctx));
          ASSIGN_OR_RETURN(tracking::Experiment e, s.tracking.GetExperiment(id));
          return JsonResponse(Json{{"experiment", ExperimentJson(e)}});
        });
  r.Add("GET", "/api/2.0/mlflow/experiments/get-by-name", Permission::kProjectRead,
        [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
          ASSIGN_OR_RETURN(auto name, ctx.QueryOrBodyString("experiment_name"));
          if (!name) return InvalidArgument("Missing value for required parameter 'experiment_name'");
          ASSIGN_OR_RETURN(tracking::Experiment e, s.tracking.GetExperimentByName(*name));
          return std::vector<int64_t>{e.project_id};
        },
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(tracking::Experiment e, s.tracking.GetExperimentByName(*ctx.req.Query("experiment_name")));
          return JsonResponse(Json{{"experiment", ExperimentJson(e)}});
        });
  for (bool del : {true, false}) {
    r.Add("POST", std::string("/api/2.0/mlflow/experiments/") + (del ? "delete" : "restore"), Permission::kExperimentWrite,
          ExperimentFromField(s), [&s, del](RouteContext& ctx) -> Result<HttpResponse> {
            ASSIGN_OR_RETURN(int64_t id, ExperimentIdOf(ctx));
            RETURN_IF_ERROR(s.tracking.SetExperimentLifecycle(id, del));
            return Empty();
          });
  }
  r.Add("POST", "/api/2.0/mlflow/experiments/update", Permission::kExperimentWrite, ExperimentFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t id, ExperimentIdOf(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(auto new_name, OptString(*body, "new_name"));
          if (new_name) RETURN_IF_ERROR(s.tracking.RenameExperiment(id, *new_name));
          return Empty();
        });
  r.Add("POST", "/api/2.0/mlflow/experiments/set-experiment-tag", Permission::kExperimentWrite, ExperimentFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t id, ExperimentIdOf(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(std::string key, ReqString(*body, "key"));
          ASSIGN_OR_RETURN(std::string value, ReqString(*body, "value"));
          RETURN_IF_ERROR(s.tracking.SetExperimentTag(id, key, value));
          return Empty();
        });

  // ------------------------------------------------------------------ runs
  r.Add("POST", "/api/2.0/mlflow/runs/create", Permission::kExperimentWrite, ExperimentFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t exp, ExperimentIdOf(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(auto run_name, OptString(*body, "run_name"));
          ASSIGN_OR_RETURN(auto start_time, OptInt(*body, "start_time"));
          ASSIGN_OR_RETURN(auto tags, ParseKeyValues(*body, "tags"));
          // The run belongs to whoever is authenticated; a client-sent user_id cannot impersonate.
          ASSIGN_OR_RETURN(tracking::Run run,
                           s.tracking.CreateRun(exp, ctx.user().username, run_name.value_or(""), start_time, tags));
          // A run a job's process creates with the job's token reads the job's data versions.
          if (ctx.principal) {
            if (Status st = s.job_service.LinkRunOfCaller(*ctx.principal, run.info.run_id); !st.ok())
              log::Warn("run " + run.info.run_id + ": linking it to its job: " + st.ToString());
            ASSIGN_OR_RETURN(run, s.tracking.GetRun(run.info.run_id));
          }
          return JsonResponse(Json{{"run", RunJson(run)}});
        });
  r.Add("GET", "/api/2.0/mlflow/runs/get", Permission::kProjectRead, RunFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(std::string id, RunIdOf(ctx));
    ASSIGN_OR_RETURN(tracking::Run run, s.tracking.GetRun(id));
    return JsonResponse(Json{{"run", RunJson(run)}});
  });
  r.Add("POST", "/api/2.0/mlflow/runs/update", Permission::kExperimentWrite, RunFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(std::string id, RunIdOf(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          tracking::RunUpdate up;
          ASSIGN_OR_RETURN(up.status, OptString(*body, "status"));
          ASSIGN_OR_RETURN(up.end_time, OptInt(*body, "end_time"));
          ASSIGN_OR_RETURN(up.run_name, OptString(*body, "run_name"));
          ASSIGN_OR_RETURN(tracking::RunInfo info, s.tracking.UpdateRun(id, up));
          return JsonResponse(Json{{"run_info", RunInfoJson(info)}});
        });
  for (bool del : {true, false}) {
    r.Add("POST", std::string("/api/2.0/mlflow/runs/") + (del ? "delete" : "restore"), Permission::kExperimentWrite,
          RunFromField(s), [&s, del](RouteContext& ctx) -> Result<HttpResponse> {
            ASSIGN_OR_RETURN(std::string id, RunIdOf(ctx));
            RETURN_IF_ERROR(s.tracking.SetRunLifecycle(id, del));
            return Empty();
          });
  }
  r.Add("POST", "/api/2.0/mlflow/runs/log-metric", Permission::kExperimentWrite, RunFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(std::string id, RunIdOf(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(tracking::MetricPoint m, ParseMetric(*body));
          RETURN_IF_ERROR(s.tracking.LogBatch(id, {m}, {}, {}));
          return Empty();
        });
  r.Add("POST", "/api/2.0/mlflow/runs/log-parameter", Permission::kExperimentWrite, RunFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(std::string id, RunIdOf(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(std::string key, ReqString(*body, "key"));
          ASSIGN_OR_RETURN(std::string value, ReqString(*body, "value"));
          RETURN_IF_ERROR(s.tracking.LogBatch(id, {}, {{key, value}}, {}));
          return Empty();
        });
  r.Add("POST", "/api/2.0/mlflow/runs/set-tag", Permission::kExperimentWrite, RunFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(std::string id, RunIdOf(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(std::string key, ReqString(*body, "key"));
          ASSIGN_OR_RETURN(std::string value, ReqString(*body, "value"));
          RETURN_IF_ERROR(s.tracking.LogBatch(id, {}, {}, {{key, value}}));
          return Empty();
        });
  r.Add("POST", "/api/2.0/mlflow/runs/delete-tag", Permission::kExperimentWrite, RunFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(std::string id, RunIdOf(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(std::string key, ReqString(*body, "key"));
          RETURN_IF_ERROR(s.tracking.DeleteTag(id, key));
          return Empty();
        });
  r.Add("POST", "/api/2.0/mlflow/runs/log-batch", Permission::kExperimentWrite, RunOfLogBatch(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          // The usual body, read by the resolver without the JSON tree (tracking_requests.h).
          if (const auto* batch = std::any_cast<LogBatchBody>(&ctx.decoded_body)) {
            RETURN_IF_ERROR(s.tracking.LogBatch(batch->run_id, batch->metrics, batch->params, batch->tags));
            return Empty();
          }
          ASSIGN_OR_RETURN(std::string id, RunIdOf(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(auto metrics, ParseMetricList(*body, "metrics"));
          ASSIGN_OR_RETURN(auto params, ParseKeyValues(*body, "params"));
          ASSIGN_OR_RETURN(auto tags, ParseKeyValues(*body, "tags"));
          RETURN_IF_ERROR(s.tracking.LogBatch(id, metrics, params, tags));
          return Empty();
        });
  r.Add("POST", "/api/2.0/mlflow/runs/search", Permission::kProjectRead, ExperimentsFromBodyArray(s),
        [&s](RouteContext& ctx) { return HandleRunSearch(s, ctx); }, kReadOnly);
  r.Add("GET", "/api/2.0/mlflow/metrics/get-history", Permission::kProjectRead, RunFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(std::string id, RunIdOf(ctx));
          auto key = ctx.req.Query("metric_key");
          if (!key) return InvalidArgument("Missing value for required parameter 'metric_key'");
          return HandleMetricHistory(s, ctx, id, *key);
        });
}

}  // namespace moebius::api
