// MLflow 2.x's model registry REST API under /api/2.0/mlflow/ (and /api/2.0/preview/mlflow/):
// registered-models/* and model-versions/*, with MLflow's fields, error codes and semantics
// (docs/mlflow-compat.md). Moebius additions: a model lives in a project (where it is created:
// the X-Moebius-Project header, a `moebius.project` tag, else `default`; a version's run must be
// in the model's project), each version is inspected when created (a source without a usable
// model is a 400), and Production needs an approved request (409 APPROVAL_REQUIRED).
#include "api/registry_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "api/tracking_requests.h"
#include "auth/auth_service.h"
#include "base/strings.h"
#include "project/project_service.h"
#include "registry/registry_service.h"
#include "registry/registry_store.h"

namespace moebius::api {

using auth::Permission;

namespace {

HttpResponse Empty() { return JsonResponse(Json::object()); }

Result<std::string> NameOf(RouteContext& ctx, const char* field = "name") {
  ASSIGN_OR_RETURN(auto name, ctx.QueryOrBodyString(field));
  if (!name || name->empty()) return InvalidArgument(std::string("Missing value for required parameter '") + field + "'");
  return *name;
}

Result<int64_t> VersionOf(RouteContext& ctx) {
  ASSIGN_OR_RETURN(auto v, ctx.QueryOrBodyString("version"));
  if (!v) return InvalidArgument("Missing value for required parameter 'version'");
  return VersionNumber(Json(*v));
}

Result<registry::Tags> TagsOf(const Json& body) {
  ASSIGN_OR_RETURN(auto kvs, ParseKeyValues(body, "tags"));
  registry::Tags out;
  for (const auto& kv : kvs) out.emplace_back(kv.key, kv.value);
  return out;
}

Result<registry::ModelSearch> SearchOf(Services& s, RouteContext& ctx, int64_t default_max) {
  registry::ModelSearch q;
  q.max_results = default_max;
  if (ctx.req.method == "GET") {
    q.filter = ctx.req.Query("filter").value_or("");
    q.order_by = ctx.req.QueryAll("order_by");
    q.page_token = ctx.req.Query("page_token").value_or("");
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
    ASSIGN_OR_RETURN(auto max_results, OptInt(*body, "max_results"));
    q.max_results = max_results.value_or(default_max);
  }
  ASSIGN_OR_RETURN(q.project_ids, VisibleProjects(s, ctx.user()));
  return q;
}

Result<HttpResponse> SearchModels(Services& s, RouteContext& ctx) {
  ASSIGN_OR_RETURN(registry::ModelSearch q, SearchOf(s, ctx, 100));
  ASSIGN_OR_RETURN(registry::Page page, s.registry.store().SearchModels(q));
  Json out = Json::array();
  for (int64_t id : page.ids) {
    ASSIGN_OR_RETURN(registry::RegisteredModel m, s.registry.store().GetModelById(id));
    ASSIGN_OR_RETURN(Json j, MlflowModelJson(s, m));
    out.push_back(std::move(j));
  }
  Json resp{{"registered_models", out}};
  if (!page.next_page_token.empty()) resp["next_page_token"] = page.next_page_token;
  return JsonResponse(resp);
}

Result<HttpResponse> SearchVersions(Services& s, RouteContext& ctx) {
  ASSIGN_OR_RETURN(registry::ModelSearch q, SearchOf(s, ctx, 10000));
  ASSIGN_OR_RETURN(registry::Page page, s.registry.store().SearchVersions(q));
  Json out = Json::array();
  for (int64_t id : page.ids) {
    ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.store().GetVersionById(id));
    out.push_back(MlflowVersionJson(v));
  }
  Json resp{{"model_versions", out}};
  if (!page.next_page_token.empty()) resp["next_page_token"] = page.next_page_token;
  return JsonResponse(resp);
}

Result<HttpResponse> ModelResponse(Services& s, const registry::RegisteredModel& m) {
  ASSIGN_OR_RETURN(Json j, MlflowModelJson(s, m));
  return JsonResponse(Json{{"registered_model", j}});
}

}  // namespace

void RegisterMlflowRegistryRoutes(Router& r, Services& s) {
  const RouteOptions kReadOnly{.audit = false};
  for (const std::string prefix : {"/api/2.0/mlflow/", "/api/2.0/preview/mlflow/"}) {
    const std::string rm = prefix + "registered-models/";
    const std::string mv = prefix + "model-versions/";

    // ------------------------------------------------------------ registered models
    r.Add("POST", rm + "create", Permission::kModelRegister, ProjectOfMlflowCreate(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(const Json* body, ctx.Body());
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(auto description, OptString(*body, "description"));
      ASSIGN_OR_RETURN(registry::Tags tags, TagsOf(*body));
      ASSIGN_OR_RETURN(registry::RegisteredModel m, s.registry.store().CreateModel(ctx.project_ids.at(0), name, description.value_or(""),
                                                                                   tags, ctx.user().username));
      return ModelResponse(s, m);
    });
    r.Add("GET", rm + "get", Permission::kProjectRead, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(registry::RegisteredModel m, s.registry.store().GetModel(name));
      return ModelResponse(s, m);
    });
    r.Add("POST", rm + "rename", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(std::string new_name, NameOf(ctx, "new_name"));
      ASSIGN_OR_RETURN(registry::RegisteredModel m, s.registry.store().RenameModel(name, new_name));
      return ModelResponse(s, m);
    });
    r.Add("PATCH", rm + "update", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(const Json* body, ctx.Body());
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(auto description, OptString(*body, "description"));
      ASSIGN_OR_RETURN(registry::RegisteredModel m, s.registry.store().UpdateModel(name, description.value_or("")));
      return ModelResponse(s, m);
    });
    r.Add("DELETE", rm + "delete", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      RETURN_IF_ERROR(s.registry.DeleteModel(name));
      return Empty();
    });
    r.Add("GET", rm + "search", Permission::kAuthenticated, [&s](RouteContext& ctx) { return SearchModels(s, ctx); });
    r.Add("POST", rm + "search", Permission::kAuthenticated, [&s](RouteContext& ctx) { return SearchModels(s, ctx); }, kReadOnly);
    auto latest = [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      std::vector<std::string> stages = ctx.req.QueryAll("stages");
      if (ctx.req.method == "POST") {
        ASSIGN_OR_RETURN(const Json* body, ctx.Body());
        ASSIGN_OR_RETURN(stages, ParseStringList(*body, "stages", 4));
      }
      std::vector<registry::Stage> wanted;
      for (const auto& st : stages) {
        ASSIGN_OR_RETURN(registry::Stage x, registry::ParseStage(st));
        wanted.push_back(x);
      }
      ASSIGN_OR_RETURN(registry::RegisteredModel m, s.registry.store().GetModel(name));
      ASSIGN_OR_RETURN(auto latest, s.registry.store().LatestVersions(m.id, wanted));
      Json out = Json::array();
      for (const auto& v : latest) out.push_back(MlflowVersionJson(v));
      return JsonResponse(Json{{"model_versions", out}});
    };
    r.Add("POST", rm + "get-latest-versions", Permission::kProjectRead, ModelFromField(s), latest, kReadOnly);
    r.Add("GET", rm + "get-latest-versions", Permission::kProjectRead, ModelFromField(s), latest);
    r.Add("POST", rm + "set-tag", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(const Json* body, ctx.Body());
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(std::string key, ReqString(*body, "key"));
      ASSIGN_OR_RETURN(std::string value, ReqString(*body, "value"));
      RETURN_IF_ERROR(s.registry.store().SetModelTag(name, key, value));
      return Empty();
    });
    r.Add("DELETE", rm + "delete-tag", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(std::string key, NameOf(ctx, "key"));
      RETURN_IF_ERROR(s.registry.store().DeleteModelTag(name, key));
      return Empty();
    });
    r.Add("POST", rm + "alias", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(std::string alias, NameOf(ctx, "alias"));
      ASSIGN_OR_RETURN(int64_t version, VersionOf(ctx));
      RETURN_IF_ERROR(s.registry.store().SetAlias(name, alias, version));
      return Empty();
    });
    r.Add("DELETE", rm + "alias", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(std::string alias, NameOf(ctx, "alias"));
      RETURN_IF_ERROR(s.registry.store().DeleteAlias(name, alias));
      return Empty();
    });
    r.Add("GET", rm + "alias", Permission::kProjectRead, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(std::string alias, NameOf(ctx, "alias"));
      ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.store().GetByAlias(name, alias));
      return JsonResponse(Json{{"model_version", MlflowVersionJson(v)}});
    });

    // ------------------------------------------------------------ model versions
    r.Add("POST", mv + "create", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(const Json* body, ctx.Body());
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(std::string source, NameOf(ctx, "source"));
      ASSIGN_OR_RETURN(auto run_id, OptString(*body, "run_id"));
      ASSIGN_OR_RETURN(auto description, OptString(*body, "description"));
      registry::RegisterRequest rq;
      rq.project_id = ctx.project_ids.at(0);
      rq.model = name;
      ASSIGN_OR_RETURN(rq.source, s.registry.ParseSource(source, run_id.value_or("")));
      rq.description = description.value_or("");
      ASSIGN_OR_RETURN(rq.tags, TagsOf(*body));
      rq.user = ctx.user().username;
      ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.Register(rq));
      return JsonResponse(Json{{"model_version", MlflowVersionJson(v)}});
    });
    r.Add("GET", mv + "get", Permission::kProjectRead, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(int64_t version, VersionOf(ctx));
      ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.store().GetVersion(name, version));
      return JsonResponse(Json{{"model_version", MlflowVersionJson(v)}});
    });
    r.Add("PATCH", mv + "update", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(const Json* body, ctx.Body());
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(int64_t version, VersionOf(ctx));
      ASSIGN_OR_RETURN(auto description, OptString(*body, "description"));
      ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.store().UpdateVersion(name, version, description.value_or("")));
      return JsonResponse(Json{{"model_version", MlflowVersionJson(v)}});
    });
    r.Add("DELETE", mv + "delete", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(int64_t version, VersionOf(ctx));
      RETURN_IF_ERROR(s.registry.DeleteVersion(name, version));
      return Empty();
    });
    r.Add("GET", mv + "search", Permission::kAuthenticated, [&s](RouteContext& ctx) { return SearchVersions(s, ctx); });
    r.Add("POST", mv + "search", Permission::kAuthenticated, [&s](RouteContext& ctx) { return SearchVersions(s, ctx); }, kReadOnly);
    r.Add("GET", mv + "get-download-uri", Permission::kProjectRead, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(int64_t version, VersionOf(ctx));
      ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.store().GetVersion(name, version));
      ASSIGN_OR_RETURN(std::string uri, s.registry.DownloadUri(v));
      return JsonResponse(Json{{"artifact_uri", uri}});
    });
    r.Add("POST", mv + "transition-stage", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(const Json* body, ctx.Body());
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(int64_t version, VersionOf(ctx));
      ASSIGN_OR_RETURN(std::string stage_text, NameOf(ctx, "stage"));
      ASSIGN_OR_RETURN(registry::Stage stage, registry::ParseStage(stage_text));
      ASSIGN_OR_RETURN(auto archive, OptBool(*body, "archive_existing_versions"));
      ASSIGN_OR_RETURN(auto comment, OptString(*body, "comment"));
      ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.Transition(name, version, stage, archive.value_or(false), ctx.user().username,
                                                                        comment.value_or("")));
      return JsonResponse(Json{{"model_version", MlflowVersionJson(v)}});
    });
    r.Add("POST", mv + "set-tag", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(const Json* body, ctx.Body());
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(int64_t version, VersionOf(ctx));
      ASSIGN_OR_RETURN(std::string key, ReqString(*body, "key"));
      ASSIGN_OR_RETURN(std::string value, ReqString(*body, "value"));
      RETURN_IF_ERROR(s.registry.store().SetVersionTag(name, version, key, value));
      return Empty();
    });
    r.Add("DELETE", mv + "delete-tag", Permission::kModelRegister, ModelFromField(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
      ASSIGN_OR_RETURN(std::string name, NameOf(ctx));
      ASSIGN_OR_RETURN(int64_t version, VersionOf(ctx));
      ASSIGN_OR_RETURN(std::string key, NameOf(ctx, "key"));
      RETURN_IF_ERROR(s.registry.store().DeleteVersionTag(name, version, key));
      return Empty();
    });
  }
}

}  // namespace moebius::api
