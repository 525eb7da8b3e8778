// Deployments (INF-6, INF-7, INF-8) and the KServe v2 / Open Inference Protocol (SRV-1) over them
// (docs/api.md, docs/design/serving.md):
//   POST   /api/v1/projects/{project}/deployments      (deploy.write) {"name", "environment", "strategy"?,
//          "sticky_header"?, "description"?, "variants": [{"name", "model", "version", "weight"}], "reason"?}
//   GET    /api/v1/projects/{project}/deployments      (project.read)
//   GET    /api/v1/deployments/{deployment}            (project.read)  with per-variant stats and history
//   PUT    /api/v1/deployments/{deployment}            (deploy.write) {"variants"?, "strategy"?, "sticky_header"?,
//          "capture_rate"?, "shadow"?, "guardrails"?, "reason"?}
//   POST   /api/v1/deployments/{deployment}/canary     (deploy.write) {"model", "version", "name"?, "steps"?, "interval_s"?, "reason"?}
//   POST   /api/v1/deployments/{deployment}/switch     (deploy.write) {"model", "version", "name"?, "keep_s"?, "reason"?}
//   POST   /api/v1/deployments/{deployment}/rollback   (deploy.write) {"reason"?}
//   DELETE /api/v1/deployments/{deployment}            (deploy.write)
//   GET    /api/v1/deployments/{deployment}/captures   (project.read) ?limit&variant&request_id&feedback=only
//   POST   /api/v1/deployments/{deployment}/feedback   (deploy.write) {"request_id", "value"} or {"feedback": [...]}
//   GET    /api/v1/deployments/{deployment}/async/{request} (project.read) an asynchronous request's status and answer
//   GET    /api/v1/deployments/{deployment}/compare    (project.read) ?metric=accuracy|mse|mae&label&threshold&control&limit:
//          the A/B comparison of the variants on captured answers with feedback
//   GET    /v2, /v2/health/live, /v2/health/ready      (public)
//   GET    /v2/models/{model}, /v2/models/{model}/ready (project.read) a deployment as a v2 model
//   GET    /v2/models/{model}/versions/{version}[/ready] (project.read) one variant
//   GET    /v2/models/stats, /v2/models/{model}[/versions/{version}]/stats  Triton's statistics extension
//   POST   /v2/models/{model}/infer                    (project.read) routed by the deployment's strategy
//   POST   /v2/models/{model}/versions/{version}/infer (project.read) one variant
// An infer request with `Prefer: respond-async` is queued and answered 202 {id, status_url} at once
// (serving/async_inference.h). v2 answers name the variant in X-Moebius-Variant and the request in X-Moebius-Request-Id (the
// request's id, or one made for it: feedback names it); v2 errors are {"error": "..."}. Triton's binary
// tensor extension: a request with Inference-Header-Content-Length carries its JSON header and then
// the inputs' bytes (parameters.binary_data_size); binary_data_output asks for binary outputs.
#include <algorithm>
#include <chrono>

#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "base/json_reader.h"
#include "base/strings.h"
#include "registry/registry_store.h"
#include "serving/async_inference.h"
#include "serving/serving_service.h"

namespace moebius::api {

using auth::Permission;

namespace {

ProjectResolver DeploymentFrom(Services& s, const char* param) {
  return [&s, param](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(serving::ServingService::Routing r, s.serving.RoutingOf(ctx.Param(param)));
    return std::vector<int64_t>{r.project_id};
  };
}

Json DeploymentJson(const serving::Deployment& d) {
  return Json{{"id", d.id},
              {"project_id", d.project_id},
              {"name", d.name},
              {"environment", d.environment},
              {"strategy", d.strategy},
              {"sticky_header", d.sticky_header},
              {"variants", serving::VariantsJson(d.variants)},
              {"description", d.description},
              {"created_by", d.created_by},
              {"created_at", d.created_at},
              {"updated_at", d.updated_at},
              {"policy", serving::PolicyJson(d.policy)}};
}

Result<std::vector<serving::Variant>> VariantsOf(const Json& body) {
  if (!body.contains("variants") || !body["variants"].is_array()) return InvalidArgument("field 'variants' must be a list of {name, model, version, weight}");
  std::vector<serving::Variant> out;
  for (size_t i = 0; i < body["variants"].size(); ++i) {
    const Json& v = body["variants"][i];
    std::string at = "variants[" + std::to_string(i) + "]";
    if (!v.is_object()) return InvalidArgument(at + " must be an object {name, model, version, weight}");
    serving::Variant var;
    auto model = ReqString(v, "model");
    if (!model.ok()) return InvalidArgument(at + ": " + model.status().message());
    var.model = *model;
    ASSIGN_OR_RETURN(auto version, OptInt(v, "version"));
    if (!version || *version < 1) return InvalidArgument(at + ".version must be a version number");
    var.version = *version;
    ASSIGN_OR_RETURN(auto name, OptString(v, "name"));
    var.name = name.value_or("v" + std::to_string(var.version));
    ASSIGN_OR_RETURN(auto weight, OptInt(v, "weight"));
    var.weight = weight.value_or(100);
    ASSIGN_OR_RETURN(auto runtime, OptString(v, "runtime"));
    var.runtime = runtime.value_or("auto");
    out.push_back(std::move(var));
  }
  return out;
}

Status ApplyOptions(const Json& body, serving::Deployment& d) {
  ASSIGN_OR_RETURN(auto strategy, OptString(body, "strategy"));
  ASSIGN_OR_RETURN(auto sticky, OptString(body, "sticky_header"));
  ASSIGN_OR_RETURN(auto description, OptString(body, "description"));
  if (strategy) d.strategy = *strategy;
  if (sticky) d.sticky_header = ToLower(*sticky);
  if (description) d.description = *description;
  return serving::ApplyPolicySettings(body, d.policy);
}

// The new variant of a canary or a switch: {"model", "version", "name"?}.
Result<serving::Variant> NewVariant(const JsonReader& r) {
  serving::Variant v;
  ASSIGN_OR_RETURN(v.model, r.Req<std::string>("model"));
  ASSIGN_OR_RETURN(v.version, r.Req<int64_t>("version"));
  if (v.version < 1) return r.Invalid("version", "must be a version number");
  ASSIGN_OR_RETURN(v.name, r.Get<std::string>("name", "v" + std::to_string(v.version)));
  ASSIGN_OR_RETURN(v.runtime, r.Get<std::string>("runtime", "auto"));
  return v;
}

Result<int64_t> QueryInt(RouteContext& ctx, const char* name, int64_t fallback, int64_t lo, int64_t hi) {
  auto q = ctx.req.Query(name);
  if (!q) return fallback;
  auto n = ParseInt64(std::string(*q));
  if (!n || *n < lo || *n > hi) return InvalidArgument("query parameter '" + std::string(name) + "' must be an integer from " + std::to_string(lo) +
                                                       " to " + std::to_string(hi));
  return *n;
}

HttpResponse V2Json(const Json& body) { return JsonResponse(body); }

uint64_t Nanos(std::chrono::steady_clock::duration d) { return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count()); }

}  // namespace

void RegisterServingRoutes(Router& r, Services& s) {
  r.Add("POST", "/api/v1/projects/{project}/deployments", Permission::kDeploy, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
    serving::Deployment d;
    d.project_id = ctx.project_ids.at(0);
    ASSIGN_OR_RETURN(d.name, ReqString(*body, "name"));
    RETURN_IF_ERROR(registry::ValidateModelName(d.name));
    ASSIGN_OR_RETURN(auto env, OptString(*body, "environment"));
    d.environment = env.value_or("development");
    RETURN_IF_ERROR(ApplyOptions(*body, d));
    ASSIGN_OR_RETURN(d.variants, VariantsOf(*body));
    ASSIGN_OR_RETURN(auto reason, OptString(*body, "reason"));
    ASSIGN_OR_RETURN(serving::Deployment made, s.serving.Create(std::move(d), ctx.user().username, reason.value_or("")));
    return JsonResponse(Json{{"deployment", DeploymentJson(made)}});
  });

  r.Add("GET", "/api/v1/projects/{project}/deployments", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto list, s.serving.store().List({ctx.project_ids.at(0)}));
    Json out = Json::array();
    for (const auto& d : list) out.push_back(DeploymentJson(d));
    return JsonResponse(Json{{"deployments", out}});
  });

  r.Add("GET", "/api/v1/deployments/{deployment}", Permission::kProjectRead, DeploymentFrom(s, "deployment"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(serving::Deployment d, s.serving.store().Get(ctx.Param("deployment")));
          ASSIGN_OR_RETURN(auto history, s.serving.store().History(d.id));
          Json h = Json::array();
          for (const auto& e : history)
            h.push_back({{"action", e.action}, {"actor", e.actor}, {"at", e.at}, {"before", e.before}, {"after", e.after}, {"reason", e.reason}});
          Json out = DeploymentJson(d);
          for (size_t i = 0; i < history.size(); ++i) h[i]["rollback_to"] = history[i].rollback_to;
          out["history"] = h;
          ASSIGN_OR_RETURN(int64_t window, QueryInt(ctx, "window_s", 60, 5, serving::VariantMetrics::kMaxWindowSeconds));
          auto stats = s.serving.Stats(d.name, static_cast<int>(window));
          out["stats"] = stats.ok() ? (*stats)["variants"] : Json(nullptr);
          if (stats.ok()) {
            out["window_s"] = window;
            out["capture"] = (*stats)["capture"];
            out["shadow_dropped"] = (*stats)["shadow_dropped"];
          } else {
            out["serving_error"] = stats.status().message();
          }
          return JsonResponse(Json{{"deployment", out}});
        });

  r.Add("PUT", "/api/v1/deployments/{deployment}", Permission::kDeploy, DeploymentFrom(s, "deployment"), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
    ASSIGN_OR_RETURN(serving::Deployment next, s.serving.store().Get(ctx.Param("deployment")));
    RETURN_IF_ERROR(ApplyOptions(*body, next));
    if (body->contains("variants")) {
      ASSIGN_OR_RETURN(next.variants, VariantsOf(*body));
    }
    ASSIGN_OR_RETURN(auto reason, OptString(*body, "reason"));
    bool variants_changed = body->contains("variants") || body->contains("strategy") || body->contains("sticky_header");
    ASSIGN_OR_RETURN(serving::Deployment d, s.serving.Update(ctx.Param("deployment"), std::move(next), ctx.user().username, reason.value_or(""),
                                                             variants_changed));
    return JsonResponse(Json{{"deployment", DeploymentJson(d)}});
  });

  r.Add("POST", "/api/v1/deployments/{deployment}/canary", Permission::kDeploy, DeploymentFrom(s, "deployment"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          JsonReader r(*body);
          RETURN_IF_ERROR(r.ExpectObject());
          ASSIGN_OR_RETURN(serving::Variant v, NewVariant(r));
          std::vector<int> steps = {10, 25, 50, 100};
          if (r.Has("steps")) {
            ASSIGN_OR_RETURN(steps, serving::CanarySteps((*body)["steps"]));
          }
          ASSIGN_OR_RETURN(int64_t interval, r.Get<int64_t>("interval_s", 300));
          ASSIGN_OR_RETURN(std::string reason, r.Get<std::string>("reason", ""));
          ASSIGN_OR_RETURN(serving::Deployment d, s.serving.StartCanary(ctx.Param("deployment"), std::move(v), std::move(steps),
                                                                         static_cast<int>(std::clamp<int64_t>(interval, 0, 1 << 30)),
                                                                         ctx.user().username, reason));
          return JsonResponse(Json{{"deployment", DeploymentJson(d)}});
        });

  r.Add("POST", "/api/v1/deployments/{deployment}/switch", Permission::kDeploy, DeploymentFrom(s, "deployment"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          JsonReader r(*body);
          RETURN_IF_ERROR(r.ExpectObject());
          ASSIGN_OR_RETURN(serving::Variant v, NewVariant(r));
          ASSIGN_OR_RETURN(int64_t keep, r.Get<int64_t>("keep_s", 600));
          ASSIGN_OR_RETURN(std::string reason, r.Get<std::string>("reason", ""));
          ASSIGN_OR_RETURN(serving::Deployment d, s.serving.Switch(ctx.Param("deployment"), std::move(v),
                                                                    static_cast<int>(std::clamp<int64_t>(keep, -1, 1 << 30)),
                                                                    ctx.user().username, reason));
          return JsonResponse(Json{{"deployment", DeploymentJson(d)}});
        });

  r.Add("GET", "/api/v1/deployments/{deployment}/captures", Permission::kProjectRead, DeploymentFrom(s, "deployment"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(serving::Deployment d, s.serving.store().Get(ctx.Param("deployment")));
          serving::CaptureQuery q;
          ASSIGN_OR_RETURN(q.limit, QueryInt(ctx, "limit", 50, 1, 1000));
          if (auto v = ctx.req.Query("variant")) q.variant = std::string(*v);
          if (auto id = ctx.req.Query("request_id")) q.request_id = std::string(*id);
          if (auto f = ctx.req.Query("feedback")) {
            if (*f != "only") return InvalidArgument("query parameter 'feedback' takes 'only'");
            q.with_feedback_only = true;
          }
          ASSIGN_OR_RETURN(auto records, s.serving.capture().Read(d.id, q));
          serving::CaptureLog::Counts c = s.serving.capture().CountsOf(d.id);
          return JsonResponse(Json{{"captures", records},
                                   {"capture_rate", d.policy.capture_rate},
                                   {"counts", {{"written", c.written}, {"dropped", c.dropped}, {"queued", c.queued}}}});
        });

  r.Add("GET", "/api/v1/deployments/{deployment}/compare", Permission::kProjectRead, DeploymentFrom(s, "deployment"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          auto q = [&](const char* name, const char* fallback) {
            auto v = ctx.req.Query(name);
            return v ? std::string(*v) : std::string(fallback);
          };
          auto threshold = ParseDouble(q("threshold", "0.5"));
          if (!threshold) return InvalidArgument("query parameter 'threshold' must be a number");
          ASSIGN_OR_RETURN(serving::AbMetric metric, serving::ParseAbMetric(q("metric", "accuracy"), q("label", "label"), *threshold));
          ASSIGN_OR_RETURN(int64_t limit, QueryInt(ctx, "limit", 10000, 1, 100000));
          ASSIGN_OR_RETURN(Json out, s.serving.Compare(ctx.Param("deployment"), metric, q("control", ""), limit));
          return JsonResponse(out);
        });

  r.Add("GET", "/api/v1/deployments/{deployment}/async/{request}", Permission::kProjectRead, DeploymentFrom(s, "deployment"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(Json out, s.async_inference.Get(ctx.Param("deployment"), ctx.Param("request")));
          return JsonResponse(out);
        });

  r.Add("POST", "/api/v1/deployments/{deployment}/feedback", Permission::kDeploy, DeploymentFrom(s, "deployment"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          JsonReader r(*body);
          RETURN_IF_ERROR(r.ExpectObject());
          ASSIGN_OR_RETURN(serving::Deployment d, s.serving.store().Get(ctx.Param("deployment")));
          std::vector<std::pair<std::string, Json>> items;
          auto one = [&](const JsonReader& f) -> Status {
            ASSIGN_OR_RETURN(std::string id, f.Req<std::string>("request_id"));
            if (id.empty() || id.size() > 256) return f.Invalid("request_id", "must be 1 to 256 characters");
            ASSIGN_OR_RETURN(Json value, f.Req<Json>("value"));
            items.emplace_back(std::move(id), std::move(value));
            return Status::Ok();
          };
          if (r.Has("feedback")) {
            ASSIGN_OR_RETURN(JsonReader list, r.Array("feedback"));
            if (list.size() > 10000) return list.Invalid("may hold at most 10000 items");
            for (size_t i = 0; i < list.size(); ++i) RETURN_IF_ERROR(one(list[i]));
          } else {
            RETURN_IF_ERROR(one(r));
          }
          for (const auto& [id, value] : items) RETURN_IF_ERROR(s.serving.capture().PutFeedback(d.id, id, value, ctx.user().username));
          return JsonResponse(Json{{"accepted", items.size()}});
        });

  r.Add("POST", "/api/v1/deployments/{deployment}/rollback", Permission::kDeploy, DeploymentFrom(s, "deployment"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
          ASSIGN_OR_RETURN(auto reason, OptString(*body, "reason"));
          ASSIGN_OR_RETURN(serving::Deployment d, s.serving.Rollback(ctx.Param("deployment"), ctx.user().username, reason.value_or("")));
          return JsonResponse(Json{{"deployment", DeploymentJson(d)}});
        });

  r.Add("DELETE", "/api/v1/deployments/{deployment}", Permission::kDeploy, DeploymentFrom(s, "deployment"), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    RETURN_IF_ERROR(s.serving.Delete(ctx.Param("deployment")));
    return JsonResponse(Json::object());
  });

  // ---- the v2 protocol
  RouteOptions v2{.audit = false, .v2_errors = true};
  r.Add("GET", "/v2", Permission::kPublic, [](RouteContext&) -> Result<HttpResponse> {
    return V2Json(Json{{"name", "moebius"}, {"version", "1"}, {"extensions", Json::array({"binary_tensor_data", "statistics"})}});
  }, v2);
  r.Add("GET", "/v2/health/live", Permission::kPublic, [](RouteContext&) -> Result<HttpResponse> { return V2Json(Json::object()); }, v2);
  r.Add("GET", "/v2/health/ready", Permission::kPublic, [](RouteContext&) -> Result<HttpResponse> { return V2Json(Json::object()); }, v2);

  // Statistics (Triton's extension). Before /v2/models/{model}: a deployment cannot be named "stats".
  r.Add("GET", "/v2/models/stats", Permission::kAuthenticated, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Json all, s.serving.TritonStatistics("", ""));
    // Only the deployments of projects the caller may read.
    ASSIGN_OR_RETURN(std::vector<int64_t> projects, VisibleProjects(s, ctx.user()));
    Json visible = Json::array();
    for (const auto& m : all["model_stats"]) {
      auto routing = s.serving.RoutingOf(m["name"].get<std::string>());
      if (routing.ok() && std::find(projects.begin(), projects.end(), routing->project_id) != projects.end()) visible.push_back(m);
    }
    return V2Json(Json{{"model_stats", visible}});
  }, v2);
  r.Add("GET", "/v2/models/{model}/stats", Permission::kProjectRead, DeploymentFrom(s, "model"), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Json stats, s.serving.TritonStatistics(ctx.Param("model"), ""));
    return V2Json(stats);
  }, v2);
  r.Add("GET", "/v2/models/{model}/versions/{version}/stats", Permission::kProjectRead, DeploymentFrom(s, "model"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(Json stats, s.serving.TritonStatistics(ctx.Param("model"), ctx.Param("version")));
          return V2Json(stats);
        }, v2);

  r.Add("GET", "/v2/models/{model}", Permission::kProjectRead, DeploymentFrom(s, "model"), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Json meta, s.serving.Metadata(ctx.Param("model")));
    return V2Json(meta);
  }, v2);
  r.Add("GET", "/v2/models/{model}/ready", Permission::kProjectRead, DeploymentFrom(s, "model"), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    RETURN_IF_ERROR(s.serving.Metadata(ctx.Param("model")).status());
    return V2Json(Json::object());
  }, v2);

  r.Add("GET", "/v2/models/{model}/versions/{version}", Permission::kProjectRead, DeploymentFrom(s, "model"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(Json meta, s.serving.Metadata(ctx.Param("model"), ctx.Param("version")));
          return V2Json(meta);
        }, v2);
  r.Add("GET", "/v2/models/{model}/versions/{version}/ready", Permission::kProjectRead, DeploymentFrom(s, "model"),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          RETURN_IF_ERROR(s.serving.Metadata(ctx.Param("model"), ctx.Param("version")).status());
          return V2Json(Json::object());
        }, v2);

  auto infer = [&s](RouteContext& ctx, const std::string& variant) -> Result<HttpResponse> {
    auto t0 = std::chrono::steady_clock::now();
    serving::InferRequest request;
    if (auto header = ctx.req.Header("inference-header-content-length")) {
      // Triton's binary tensor extension: a JSON header of that length, then the tensors' bytes.
      auto n = ParseInt64(std::string(*header));
      if (!n || *n < 0 || static_cast<size_t>(*n) > ctx.req.body.size())
        return InvalidArgument("Inference-Header-Content-Length must be a byte count within the body");
      std::string_view all(ctx.req.body);
      ASSIGN_OR_RETURN(Json json, ParseJson(all.substr(0, static_cast<size_t>(*n)), ctx.json_limits));
      ASSIGN_OR_RETURN(request, serving::ParseInferRequest(json, all.substr(static_cast<size_t>(*n))));
    } else {
      ASSIGN_OR_RETURN(const Json* body, ctx.Body());
      ASSIGN_OR_RETURN(request, serving::ParseInferRequest(*body));
    }
    std::string key;
    ASSIGN_OR_RETURN(serving::ServingService::Routing routing, s.serving.RoutingOf(ctx.Param("model")));
    if (!routing.sticky_header.empty())
      if (auto h = ctx.req.Header(routing.sticky_header)) key = std::string(*h);
    if (auto prefer = ctx.req.Header("prefer"); prefer && prefer->find("respond-async") != std::string_view::npos) {
      // Asynchronous (SRV-2): an id at once; the answer is polled or delivered to the webhook.
      ASSIGN_OR_RETURN(std::string id, s.async_inference.Submit(ctx.Param("model"), variant, std::move(request), key));
      std::string url = "/api/v1/deployments/" + ctx.Param("model") + "/async/" + id;
      HttpResponse accepted = V2Json(Json{{"id", id}, {"status", "queued"}, {"status_url", url}});
      accepted.status = 202;
      accepted.headers.emplace_back("Location", url);
      accepted.headers.emplace_back("X-Moebius-Request-Id", id);
      return accepted;
    }
    auto t1 = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(serving::InferAnswer a, s.serving.Infer(ctx.Param("model"), variant, request, key, Nanos(t1 - t0)));
    auto t2 = std::chrono::steady_clock::now();
    HttpResponse resp;
    if (request.binary_outputs) {
      size_t header_length = 0;
      resp.body = serving::InferResponseBinary(ctx.Param("model"), a.variant, request.id, a.outputs, &header_length);
      resp.content_type = "application/octet-stream";
      resp.headers.emplace_back("Inference-Header-Content-Length", std::to_string(header_length));
    } else {
      resp = V2Json(serving::InferResponseJson(ctx.Param("model"), a.variant, request.id, a.outputs));
    }
    resp.headers.emplace_back("X-Moebius-Variant", a.variant);
    resp.headers.emplace_back("X-Moebius-Model-Version", a.model + "/" + std::to_string(a.version));
    resp.headers.emplace_back("X-Moebius-Request-Id", a.request_id);
    s.serving.Complete(a, request, Nanos(std::chrono::steady_clock::now() - t2));
    return resp;
  };
  r.Add("POST", "/v2/models/{model}/infer", Permission::kProjectRead, DeploymentFrom(s, "model"),
        [infer](RouteContext& ctx) { return infer(ctx, ""); }, v2);
  r.Add("POST", "/v2/models/{model}/versions/{version}/infer", Permission::kProjectRead, DeploymentFrom(s, "model"),
        [infer](RouteContext& ctx) { return infer(ctx, ctx.Param("version")); }, v2);
}

}  // namespace moebius::api
