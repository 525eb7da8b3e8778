// The model registry's native routes (REG-1 to REG-3; docs/api.md):
//   GET    /api/v1/projects/{project}/models                       (project.read)  models with version counts
//   POST   /api/v1/projects/{project}/models/{model}/versions      (model.register) register a version
//          {"run_id", "path": "model"} | {"package_id", "path"} , "description", "tags": {k: v}
//   GET    /api/v1/models/{model}                                  (project.read)  the model and its versions
//   GET    /api/v1/models/{model}/versions/{version}               (project.read)  a version and its stage history
//   POST   /api/v1/models/{model}/versions/{version}/stage         (model.register) {"stage", "archive_existing", "reason"}
//   PUT    /api/v1/models/{model}/aliases/{alias}                  (model.register) {"version"}
//   DELETE /api/v1/models/{model}/aliases/{alias}                  (model.register)
//   GET    /api/v1/models/{model}/versions/{version}/card          (project.read)  the model card (REG-4)
//          ?lang=en|ko (default en) &format=json|html|pdf (default json) &download=1
//   PUT    /api/v1/models/{model}/versions/{version}/card          (model.register) {"sections": {"<key>": "text", ...}}
#include "api/registry_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "base/strings.h"
#include "project/project_service.h"
#include "registry/registry_service.h"
#include "registry/registry_store.h"
#include "report/report_render.h"
#include "triton/repository_layout.h"

namespace moebius::api {

using auth::Permission;

namespace {

Result<int64_t> VersionParam(RouteContext& ctx) { return VersionNumber(Json(ctx.Param("version"))); }

Result<registry::Tags> TagObject(const Json& body) {
  registry::Tags out;
  if (!body.contains("tags") || body["tags"].is_null()) return out;
  if (!body["tags"].is_object()) return InvalidArgument("field 'tags' must be an object of strings");
  for (auto it = body["tags"].begin(); it != body["tags"].end(); ++it) {
    if (!it->is_string()) return InvalidArgument("tags." + it.key() + " must be a string");
    out.emplace_back(it.key(), it->get<std::string>());
  }
  return out;
}

// The project's name beside its id, for links.
Status AddProjectName(Services& s, Json& j) {
  ASSIGN_OR_RETURN(project::Project p, s.projects.GetProjectById(j["project_id"].get<int64_t>()));
  j["project"] = p.name;
  return Status::Ok();
}

Result<Json> VersionWithHistory(Services& s, const registry::ModelVersion& v) {
  Json out = VersionJson(v);
  RETURN_IF_ERROR(AddProjectName(s, out));
  ASSIGN_OR_RETURN(auto history, s.registry.store().StageHistory(v.id));
  Json h = Json::array();
  for (const auto& c : history) h.push_back(StageChangeJson(c));
  out["stage_history"] = h;
  return out;
}

}  // namespace

void RegisterRegistryRoutes(Router& r, Services& s) {
  r.Add("GET", "/api/v1/projects/{project}/models", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    registry::ModelSearch q;
    q.project_ids = {ctx.project_ids.at(0)};
    q.filter = ctx.req.Query("filter").value_or("");
    q.max_results = registry::kMaxModelSearchResults;
    ASSIGN_OR_RETURN(registry::Page page, s.registry.store().SearchModels(q));
    Json out = Json::array();
    for (int64_t id : page.ids) {
      ASSIGN_OR_RETURN(registry::RegisteredModel m, s.registry.store().GetModelById(id));
      ASSIGN_OR_RETURN(auto counts, s.registry.store().CountVersions(m.id));
      Json j = ModelJson(m);
      j["version_count"] = counts.total;
      j["latest_version"] = counts.total == 0 ? Json(nullptr) : Json(counts.latest);
      j["stages"] = counts.by_stage;
      out.push_back(std::move(j));
    }
    return JsonResponse(Json{{"models", out}});
  });

  r.Add("POST", "/api/v1/projects/{project}/models/{model}/versions", Permission::kModelRegister, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
          registry::RegisterRequest rq;
          rq.project_id = ctx.project_ids.at(0);
          rq.model = ctx.Param("model");
          ASSIGN_OR_RETURN(auto run_id, OptString(*body, "run_id"));
          ASSIGN_OR_RETURN(auto package_id, OptInt(*body, "package_id"));
          ASSIGN_OR_RETURN(auto path, OptString(*body, "path"));
          ASSIGN_OR_RETURN(auto description, OptString(*body, "description"));
          if (!run_id && !package_id) return InvalidArgument("give run_id (a run's artifact folder, with path) or package_id (a confirmed package)");
          if (package_id && *package_id < 1) return InvalidArgument("package_id must be a positive integer");
          rq.source.run_id = run_id.value_or("");
          rq.source.package_id = package_id.value_or(0);
          rq.source.path = path.value_or("model");
          rq.description = description.value_or("");
          ASSIGN_OR_RETURN(rq.tags, TagObject(*body));
          rq.user = ctx.user().username;
          ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.Register(rq));
          return JsonResponse(Json{{"version", VersionJson(v)}});
        });

  r.Add("GET", "/api/v1/models/{model}", Permission::kProjectRead, ModelFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(registry::RegisteredModel m, s.registry.store().GetModel(ctx.Param("model")));
    ASSIGN_OR_RETURN(auto versions, s.registry.store().Versions(m.id));
    Json vs = Json::array();
    for (const auto& v : versions) vs.push_back(VersionJson(v));
    Json model = ModelJson(m);
    RETURN_IF_ERROR(AddProjectName(s, model));
    return JsonResponse(Json{{"model", model}, {"versions", vs}});
  });

  r.Add("GET", "/api/v1/models/{model}/versions/{version}", Permission::kProjectRead, ModelFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t n, VersionParam(ctx));
          ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.store().GetVersion(ctx.Param("model"), n));
          ASSIGN_OR_RETURN(Json out, VersionWithHistory(s, v));
          return JsonResponse(Json{{"version", out}});
        });

  r.Add("POST", "/api/v1/models/{model}/versions/{version}/stage", Permission::kModelRegister, ModelFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t n, VersionParam(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
          ASSIGN_OR_RETURN(std::string stage_text, ReqString(*body, "stage"));
          ASSIGN_OR_RETURN(registry::Stage stage, registry::ParseStage(stage_text));
          ASSIGN_OR_RETURN(auto archive, OptBool(*body, "archive_existing"));
          ASSIGN_OR_RETURN(auto reason, OptString(*body, "reason"));
          ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.Transition(ctx.Param("model"), n, stage, archive.value_or(false),
                                                                            ctx.user().username, reason.value_or("")));
          ASSIGN_OR_RETURN(Json out, VersionWithHistory(s, v));
          return JsonResponse(Json{{"version", out}});
        });

  r.Add("PUT", "/api/v1/models/{model}/aliases/{alias}", Permission::kModelRegister, ModelFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          if (!body->is_object() || !body->contains("version")) return InvalidArgument("missing required field 'version'");
          ASSIGN_OR_RETURN(int64_t n, VersionNumber((*body)["version"]));
          RETURN_IF_ERROR(s.registry.store().SetAlias(ctx.Param("model"), ctx.Param("alias"), n));
          ASSIGN_OR_RETURN(registry::RegisteredModel m, s.registry.store().GetModel(ctx.Param("model")));
          return JsonResponse(Json{{"model", ModelJson(m)}});
        });

  r.Add("GET", "/api/v1/models/{model}/versions/{version}/card", Permission::kProjectRead, ModelFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          std::string format = ctx.req.Query("format").value_or("json");
          std::string lang = ctx.req.Query("lang").value_or("en");
          if (format != "json" && format != "html" && format != "pdf") return InvalidArgument("format must be 'json', 'html' or 'pdf'");
          if (lang != "ko" && lang != "en") return InvalidArgument("lang must be 'ko' or 'en'");
          std::shared_ptr<const report::TrueTypeFont> font;
          if (format == "pdf") {
            ASSIGN_OR_RETURN(font, report::ReportFont());  // 503 "font not installed" before any work
          }
          ASSIGN_OR_RETURN(int64_t n, VersionParam(ctx));
          ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.store().GetVersion(ctx.Param("model"), n));
          ASSIGN_OR_RETURN(project::Project p, s.projects.GetProjectById(v.project_id));
          ASSIGN_OR_RETURN(Json card, s.registry.ModelCard(v, p.name, lang));
          if (format == "json") return JsonResponse(Json{{"card", card}});
          std::string subject = v.model_name + " v" + std::to_string(v.version);
          HttpResponse resp;
          std::string file = "model-card-" + triton::RepositoryName(v.model_name) + "-v" + std::to_string(v.version) + "-" + lang;
          if (format == "html") {
            resp.content_type = "text/html; charset=utf-8";
            resp.body = report::RenderBlocksHtml(lang, card["title"].get<std::string>(), subject, registry::ModelCardBlocks(card));
            resp.headers.emplace_back("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
            file += ".html";
          } else {
            ASSIGN_OR_RETURN(resp.body, report::RenderBlocksPdf(card["title"].get<std::string>(), subject,
                                                                p.name + " · " + subject + " · " + report::FormatTime(card["generated_at"]),
                                                                registry::ModelCardBlocks(card), *font));
            resp.content_type = "application/pdf";
            file += ".pdf";
          }
          resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
          if (ctx.req.Query("download").value_or("") == "1") resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + "\"");
          return resp;
        });

  r.Add("PUT", "/api/v1/models/{model}/versions/{version}/card", Permission::kModelRegister, ModelFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t n, VersionParam(ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          if (!body->is_object() || !body->contains("sections") || !(*body)["sections"].is_object())
            return InvalidArgument("field 'sections' must be an object of section → text");
          std::vector<registry::CardSection> sections;
          for (auto it = (*body)["sections"].begin(); it != (*body)["sections"].end(); ++it) {
            if (!it->is_string()) return InvalidArgument("sections." + it.key() + " must be a string");
            sections.push_back({it.key(), it->get<std::string>(), "", 0});
          }
          ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.store().GetVersion(ctx.Param("model"), n));
          RETURN_IF_ERROR(s.registry.EditCard(v, sections, ctx.user().username));
          ASSIGN_OR_RETURN(project::Project p, s.projects.GetProjectById(v.project_id));
          ASSIGN_OR_RETURN(Json card, s.registry.ModelCard(v, p.name, ctx.req.Query("lang").value_or("en") == "ko" ? "ko" : "en"));
          return JsonResponse(Json{{"card", card}});
        });

  r.Add("DELETE", "/api/v1/models/{model}/aliases/{alias}", Permission::kModelRegister, ModelFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          RETURN_IF_ERROR(s.registry.store().DeleteAlias(ctx.Param("model"), ctx.Param("alias")));
          return JsonResponse(Json::object());
        });
}

}  // namespace moebius::api
