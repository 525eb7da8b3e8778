// Analysis routes of a dataset version: statistics and feature importance (FE-1), item and table
// quality against a saved schema (DATA-8), and fitted transforms (FE-2, FE-3).
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "auth/audit_log.h"
#include "base/strings.h"
#include "data/analysis.h"
#include "data/dictionary.h"
#include "data/data_store.h"
#include "data/table/schema.h"
#include "project/project_service.h"

namespace moebius::api {

using auth::Permission;

namespace {

struct Loaded {
  data::Dataset dataset;
  data::Version version;
  std::vector<data::ManifestEntry> items;
};

Result<Loaded> LoadVersion(Services& s, RouteContext& ctx, const std::string& version_text) {
  Loaded l;
  ASSIGN_OR_RETURN(l.dataset, s.data.GetDataset(ctx.project_ids.at(0), ctx.Param("dataset")));
  ASSIGN_OR_RETURN(int64_t n, data::ParseVersionNumber(version_text));
  ASSIGN_OR_RETURN(l.version, s.data.GetVersion(l.dataset.id, n));
  RETURN_IF_ERROR(AuditSensitiveRead(s, ctx, l.dataset));
  ASSIGN_OR_RETURN(l.items, s.data.Materialize(l.version));
  return l;
}

Result<int> Bins(const HttpRequest& req) {
  auto b = req.Query("bins");
  if (!b) return 10;
  auto v = ParseInt64(*b);
  if (!v || *v < 1 || *v > 1000) return InvalidArgument("bins must be between 1 and 1000");
  return static_cast<int>(*v);
}

}  // namespace

void RegisterDataAnalysisRoutes(Router& r, Services& s, const ProjectResolver& project) {
  const std::string base = "/api/v1/projects/{project}/datasets/{dataset}";

  r.Add("GET", base + "/versions/{version}/stats", Permission::kProjectRead, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Loaded l, LoadVersion(s, ctx, ctx.Param("version")));
    ASSIGN_OR_RETURN(int bins, Bins(ctx.req));
    ASSIGN_OR_RETURN(auto table, data::ReadTableItem(s.data.blobs(), l.items, ctx.req.Query("item").value_or("")));
    ASSIGN_OR_RETURN(Json stats, data::AnalyzeTable(table.second, ctx.req.Query("label").value_or(""), bins));
    return JsonResponse(Json{{"item", table.first}, {"stats", stats}});
  });

  r.Add("GET", base + "/versions/{version}/quality", Permission::kProjectRead, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Loaded l, LoadVersion(s, ctx, ctx.Param("version")));
    ASSIGN_OR_RETURN(Json items, data::ItemQuality(s.data.blobs(), l.items, l.dataset.domain));
    Json out{{"items", items}};
    // Dictionaries (단어사전): entry counts and terms repeated on later lines.
    Json dictionaries = Json::array();
    for (const auto& e : l.items) {
      if (!data::IsDictionaryPath(e.path)) continue;
      ASSIGN_OR_RETURN(std::string bytes, s.data.blobs().Get(e.sha256));
      ASSIGN_OR_RETURN(data::Dictionary d, data::ParseDictionary(e.path, bytes));
      std::vector<size_t> examples(d.duplicate_lines.begin(), d.duplicate_lines.begin() + static_cast<long>(std::min<size_t>(d.duplicate_lines.size(), 5)));
      dictionaries.push_back({{"path", e.path}, {"entries", d.entries.size()}, {"duplicate_terms", d.duplicate_lines.size()}, {"example_lines", examples}});
    }
    if (!dictionaries.empty()) out["dictionaries"] = dictionaries;
    // Tables: validated against the saved schema, or checked for table-wide problems
    // (duplicates, constant columns, label imbalance) against a schema inferred from themselves.
    auto table = data::ReadTableItem(s.data.blobs(), l.items, ctx.req.Query("item").value_or(""));
    // Outside tabular datasets a side file that is not a clean table is not the report's subject.
    if (!table.ok() && l.dataset.domain != "tabular" && !ctx.req.Query("item")) table = NotFound("no table item");
    if (table.ok()) {
      ASSIGN_OR_RETURN(auto saved, s.data.GetSchema(l.dataset));
      data::Schema schema;
      std::string against = "inferred";
      if (saved) {
        ASSIGN_OR_RETURN(schema, data::SchemaFromJson((*saved)["schema"]));
        against = "saved schema from " + (*saved)["version"].get<std::string>();
      } else {
        data::SchemaOptions so;
        so.label = ctx.req.Query("label").value_or("");
        ASSIGN_OR_RETURN(schema, data::InferSchema(table->second, so));
      }
      data::ValidationOptions vo;
      if (auto label = ctx.req.Query("label")) vo.label = *label;
      // `against` for people; `schema_source` and `schema_version` for programs.
      out["table"] = {{"item", table->first},
                      {"against", against},
                      {"schema_source", saved ? "saved" : "inferred"},
                      {"schema_version", saved ? (*saved)["version"] : Json(nullptr)},
                      {"report", data::ToJson(data::Validate(table->second, schema, vo))}};
    } else if (table.status().code() != StatusCode::kNotFound) {
      return table.status();
    }
    return JsonResponse(out);
  });

  r.Add("GET", base + "/schema", Permission::kProjectRead, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(data::Dataset d, s.data.GetDataset(ctx.project_ids.at(0), ctx.Param("dataset")));
    ASSIGN_OR_RETURN(auto saved, s.data.GetSchema(d));
    if (!saved) return NotFound("dataset '" + d.name + "' has no saved schema; infer one with POST .../schema");
    return JsonResponse(*saved);
  });

  r.Add("POST", base + "/schema", Permission::kDataWrite, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string version, ReqString(*body, "version"));
    ASSIGN_OR_RETURN(Loaded l, LoadVersion(s, ctx, version));
    ASSIGN_OR_RETURN(auto item, OptString(*body, "item"));
    ASSIGN_OR_RETURN(auto label, OptString(*body, "label"));
    ASSIGN_OR_RETURN(auto max_categories, OptInt(*body, "max_categories"));
    ASSIGN_OR_RETURN(auto table, data::ReadTableItem(s.data.blobs(), l.items, item.value_or("")));
    data::SchemaOptions so;
    so.label = label.value_or("");
    if (max_categories) so.max_categories = static_cast<size_t>(std::clamp<int64_t>(*max_categories, 0, 10000));
    Json schema;
    if (body->contains("schema")) {  // a hand-edited schema replaces the inferred one
      ASSIGN_OR_RETURN(data::Schema given, data::SchemaFromJson((*body)["schema"]));
      schema = data::ToJson(given);
    } else {
      ASSIGN_OR_RETURN(data::Schema inferred, data::InferSchema(table.second, so));
      schema = data::ToJson(inferred);
    }
    RETURN_IF_ERROR(s.data.SaveSchema(l.dataset, schema, l.version.number, table.first, ctx.user().username));
    return JsonResponse(Json{{"schema", schema}, {"version", l.version.Name()}, {"item", table.first}});
  });

  r.Add("POST", base + "/versions/{version}/transforms", Permission::kDataWrite, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Loaded l, LoadVersion(s, ctx, ctx.Param("version")));
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    if (!body->contains("config")) return InvalidArgument("missing required field 'config' (a transform config: {columns:[...]})");
    ASSIGN_OR_RETURN(auto item, OptString(*body, "item"));
    ASSIGN_OR_RETURN(auto table, data::ReadTableItem(s.data.blobs(), l.items, item.value_or("")));
    ASSIGN_OR_RETURN(auto fitted, data::FitTransform(table.second, (*body)["config"]));
    RETURN_IF_ERROR(s.data.SaveTransform(l.dataset, fitted.second, fitted.first, l.version.number, table.first, ctx.user().username));
    return JsonResponse(Json{{"transform", {{"hash", fitted.second}, {"version", l.version.Name()}, {"item", table.first}, {"spec", fitted.first}}}});
  });

  r.Add("GET", base + "/transforms", Permission::kProjectRead, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(data::Dataset d, s.data.GetDataset(ctx.project_ids.at(0), ctx.Param("dataset")));
    ASSIGN_OR_RETURN(auto list, s.data.ListTransforms(d));
    return JsonResponse(Json{{"transforms", list}});
  });

  r.Add("GET", base + "/transforms/{hash}", Permission::kProjectRead, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(data::Dataset d, s.data.GetDataset(ctx.project_ids.at(0), ctx.Param("dataset")));
    ASSIGN_OR_RETURN(Json spec, s.data.GetTransform(d, ctx.Param("hash")));
    return JsonResponse(Json{{"hash", ctx.Param("hash")}, {"spec", spec}});
  });
}

}  // namespace moebius::api
