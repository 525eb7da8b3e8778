// Deployments (INF-6, INF-7, INF-8) and the KServe v2 / Open Inference Protocol (SRV-1) over them
// (docs/api.md, docs/design/serving.md):
//   POST   /api/v1/projects/{project}/deployments      (deploy.write) {"name", "environment", "strategy"?,
//          "sticky_header"?, "description"?, "variants": [{"name", "model", "version", "weight"}], "reason"?}
//   GET    /api/v1/projects/{project}/deployments      (project.read)
//   GET    /api/v1/deployments/{deployment}            (project.read)  with per-variant stats and history
//   PUT    /api/v1/deployments/{deployment}            (deploy.write) {"variants", "strategy"?, "sticky_header"?, "reason"?}
//   POST   /api/v1/deployments/{deployment}/rollback   (deploy.write) {"reason"?}
//   DELETE /api/v1/deployments/{deployment}            (deploy.write)
//   GET    /v2, /v2/health/live, /v2/health/ready      (public)
//   GET    /v2/models/{model}, /v2/models/{model}/ready (project.read) a deployment as a v2 model
//   GET    /v2/models/{model}/versions/{version}[/ready] (project.read) one variant
//   POST   /v2/models/{model}/infer                    (project.read) routed by the deployment's strategy
//   POST   /v2/models/{model}/versions/{version}/infer (project.read) one variant
// v2 answers name the variant in X-Moebius-Variant; v2 errors are {"error": "..."}. Triton's binary
// tensor extension: a request with Inference-Header-Content-Length carries its JSON header and then
// the inputs' bytes (parameters.binary_data_size); binary_data_output asks for binary outputs.
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "base/strings.h"
#include "registry/registry_store.h"
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
              {"updated_at", d.updated_at}};
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
  return Status::Ok();
}

HttpResponse V2Json(const Json& body) { return JsonResponse(body); }

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
          out["history"] = h;
          auto stats = s.serving.Stats(d.name);
          out["stats"] = stats.ok() ? *stats : Json(nullptr);
          if (!stats.ok()) out["serving_error"] = stats.status().message();
          return JsonResponse(Json{{"deployment", out}});
        });

  r.Add("PUT", "/api/v1/deployments/{deployment}", Permission::kDeploy, DeploymentFrom(s, "deployment"), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
    ASSIGN_OR_RETURN(serving::Deployment next, s.serving.store().Get(ctx.Param("deployment")));
    RETURN_IF_ERROR(ApplyOptions(*body, next));
    ASSIGN_OR_RETURN(next.variants, VariantsOf(*body));
    ASSIGN_OR_RETURN(auto reason, OptString(*body, "reason"));
    ASSIGN_OR_RETURN(serving::Deployment d, s.serving.Update(ctx.Param("deployment"), std::move(next), ctx.user().username, reason.value_or("")));
    return JsonResponse(Json{{"deployment", DeploymentJson(d)}});
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
    return V2Json(Json{{"name", "moebius"}, {"version", "1"}, {"extensions", Json::array()}});
  }, v2);
  r.Add("GET", "/v2/health/live", Permission::kPublic, [](RouteContext&) -> Result<HttpResponse> { return V2Json(Json::object()); }, v2);
  r.Add("GET", "/v2/health/ready", Permission::kPublic, [](RouteContext&) -> Result<HttpResponse> { return V2Json(Json::object()); }, v2);

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
    ASSIGN_OR_RETURN(serving::InferAnswer a, s.serving.Infer(ctx.Param("model"), variant, request, key));
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
    return resp;
  };
  r.Add("POST", "/v2/models/{model}/infer", Permission::kProjectRead, DeploymentFrom(s, "model"),
        [infer](RouteContext& ctx) { return infer(ctx, ""); }, v2);
  r.Add("POST", "/v2/models/{model}/versions/{version}/infer", Permission::kProjectRead, DeploymentFrom(s, "model"),
        [infer](RouteContext& ctx) { return infer(ctx, ctx.Param("version")); }, v2);
}

}  // namespace moebius::api
