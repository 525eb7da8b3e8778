// SQL sources (DATA-1): a project's database connections, and a round made from a query.
//
//   GET    /api/v1/projects/{project}/connections                      project.read
//   POST   /api/v1/projects/{project}/connections                      project.manage
//   GET    /api/v1/projects/{project}/connections/{connection}         project.read
//   DELETE /api/v1/projects/{project}/connections/{connection}         project.manage
//   POST   /api/v1/projects/{project}/datasets/{dataset}/rounds/sql    data.write
//
// A connection's target is shown masked; the request bodies (which carry it) are not audited,
// only method, path and status are. A database that cannot be reached answers 502 BAD_GATEWAY;
// a bad or refused query, or a result over the caps, 400; nothing is stored on any error.
#include "api/json_views.h"
#include "api/router.h"
#include "api/services.h"
#include "base/strings.h"
#include "data/data_store.h"
#include "data/sql/sql_source.h"
#include "project/project_service.h"

namespace moebius::api {

using auth::Permission;

namespace {

constexpr int64_t kMaxRowsCap = 10'000'000;
constexpr int64_t kDefaultMaxRows = 1'000'000;

Json ConnectionJson(const data::SqlConnection& c) {
  return {{"name", c.name},           {"kind", c.kind},           {"target", c.MaskedTarget()}, {"has_password", c.HasPassword()},
          {"created_at", c.created_at}, {"created_by", c.created_by}};
}

Json RoundSummary(const data::Round& r) {
  return {{"number", r.number}, {"kind", r.kind},        {"source", r.source},  {"note", r.note},
          {"items", r.item_count}, {"bytes", r.total_bytes}, {"manifest", r.manifest_root},
          {"sources", Json::parse(r.sources_json, nullptr, false)}, {"created_at", r.created_at}, {"created_by", r.created_by}};
}

}  // namespace

void RegisterDataSourceRoutes(Router& r, Services& s, const ProjectResolver& project) {
  const std::string base = "/api/v1/projects/{project}/connections";

  r.Add("GET", base, Permission::kProjectRead, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto list, s.sql_sources.List(ctx.project_ids.at(0)));
    Json out = Json::array();
    for (const auto& c : list) out.push_back(ConnectionJson(c));
    return JsonResponse(Json{{"connections", out}});
  });

  r.Add("POST", base, Permission::kProjectManage, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string name, ReqString(*body, "name"));
    ASSIGN_OR_RETURN(std::string kind, ReqString(*body, "kind"));
    ASSIGN_OR_RETURN(std::string target, ReqString(*body, "target"));
    ASSIGN_OR_RETURN(data::SqlConnection c, s.sql_sources.Create(ctx.project_ids.at(0), name, kind, target, ctx.user().username));
    return JsonResponse(Json{{"connection", ConnectionJson(c)}});
  });

  r.Add("GET", base + "/{connection}", Permission::kProjectRead, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(data::SqlConnection c, s.sql_sources.Get(ctx.project_ids.at(0), ctx.Param("connection")));
    return JsonResponse(Json{{"connection", ConnectionJson(c)}});
  });

  r.Add("DELETE", base + "/{connection}", Permission::kProjectManage, project, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    RETURN_IF_ERROR(s.sql_sources.Delete(ctx.project_ids.at(0), ctx.Param("connection")));
    return JsonResponse(Json{{"deleted", ctx.Param("connection")}});
  });

  r.Add("POST", "/api/v1/projects/{project}/datasets/{dataset}/rounds/sql", Permission::kDataWrite, project,
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(project::Project p, s.projects.GetProjectById(ctx.project_ids.at(0)));
          ASSIGN_OR_RETURN(data::Dataset ds, s.data.GetDataset(p.id, ctx.Param("dataset")));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(std::string connection, ReqString(*body, "connection"));
          ASSIGN_OR_RETURN(std::string query, ReqString(*body, "query"));
          ASSIGN_OR_RETURN(auto format_text, OptString(*body, "format"));
          ASSIGN_OR_RETURN(auto name, OptString(*body, "name"));
          ASSIGN_OR_RETURN(auto note, OptString(*body, "note"));
          ASSIGN_OR_RETURN(auto max_rows, OptInt(*body, "max_rows"));
          if (ds.domain != "tabular")
            return FailedPrecondition("only a tabular dataset takes a SQL round; '" + ds.name + "' is a " + ds.domain + " dataset");
          std::string fmt = format_text.value_or("csv");
          if (fmt != "csv" && fmt != "jsonl") return InvalidArgument("format must be 'csv' or 'jsonl', got '" + fmt + "'");
          std::string item = name.value_or("query." + fmt);
          std::string lower = ToLower(item);
          bool matches = fmt == "csv" ? EndsWith(lower, ".csv") : (EndsWith(lower, ".jsonl") || EndsWith(lower, ".ndjson"));
          if (!matches) return InvalidArgument("name '" + item + "' must end in ." + fmt + " to match the format");
          if (max_rows && (*max_rows < 1 || *max_rows > kMaxRowsCap))
            return InvalidArgument("max_rows must be between 1 and " + std::to_string(kMaxRowsCap));
          ASSIGN_OR_RETURN(data::SqlConnection c, s.sql_sources.Get(p.id, connection));

          data::SqlQueryOptions options;
          options.format = fmt == "csv" ? data::TableFormat::kCsv : data::TableFormat::kJsonl;
          options.limits.max_rows = max_rows.value_or(kDefaultMaxRows);
          auto result = s.sql_sources.Query(c, query, options);
          if (!result.ok()) {
            // The source, not this server, failed: 502, so no client mistakes it for our fault
            // (and MLflow-style clients do not retry it as a 503).
            if (result.status().code() == StatusCode::kUnavailable)
              return Upstream("connection '" + c.name + "': " + result.status().message());
            return Status(result.status().code(), "connection '" + c.name + "': " + result.status().message());
          }
          Json detail{{"kind", "sql"},         {"connection", c.name},   {"connection_kind", c.kind},
                      {"target", c.MaskedTarget()}, {"query", query}, {"rows", result->rows},
                      {"columns", result->columns}, {"format", fmt},  {"item", item}};
          ASSIGN_OR_RETURN(data::Round round, s.data.IngestItemRound(ds, item, result->bytes, "sql", "sql:" + c.name, detail,
                                                                     note.value_or(""), ctx.user().username));
          return JsonResponse(Json{{"round", RoundSummary(round)}});
        });
}

}  // namespace moebius::api
