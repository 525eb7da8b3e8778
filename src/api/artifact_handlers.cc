// Run artifacts: MLflow's proxied artifact API (/api/2.0/mlflow-artifacts/artifacts/...),
// MLflow's artifacts/list, and the native /api/v1/runs/{run}/artifacts routes. Content lives in
// the blob store; names are validated (relative, no '.' or '..' segments) before any work, and
// the reserved documents (report/stored_documents.h) against their schema.
#include "api/json_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "base/strings.h"
#include "report/stored_documents.h"
#include "store/blob/blob_store.h"
#include "tracking/tracking_store.h"

namespace moebius::api {

using auth::Permission;

namespace {

struct ProxiedPath {
  int64_t experiment_id;
  std::string run_id;
  std::string rel;  // path inside the run's artifact root
};

// "<experiment_id>/<run_id>/artifacts[/<rel>]", as in a run's artifact_uri.
Result<ProxiedPath> ParseProxiedPath(const std::string& path, bool allow_root) {
  if (path.empty() || path.front() == '/') return InvalidArgument("Invalid path: artifact paths must be relative, got '" + path + "'");
  std::vector<std::string> parts = Split(path, '/');
  for (const auto& seg : parts)
    if (seg == ".." || seg == ".") return InvalidArgument("Invalid path: '" + path + "' must not contain '.' or '..' segments");
  if (parts.size() < 3 || parts[2] != "artifacts")
    return InvalidArgument("artifact path must look like <experiment_id>/<run_id>/artifacts/<path>, got '" + path + "'");
  ASSIGN_OR_RETURN(int64_t exp, ParseExperimentId(parts[0]));
  std::string rel = Join(std::vector<std::string>(parts.begin() + 3, parts.end()), "/");
  RETURN_IF_ERROR(tracking::TrackingStore::ValidateArtifactPath(rel, allow_root));
  return ProxiedPath{exp, parts[1], rel};
}

Result<ProxiedPath> CheckedPath(Services& s, const std::string& path, bool allow_root) {
  ASSIGN_OR_RETURN(ProxiedPath p, ParseProxiedPath(path, allow_root));
  ASSIGN_OR_RETURN(int64_t exp, s.tracking.ExperimentOfRun(p.run_id));
  if (exp != p.experiment_id) return NotFound("Run '" + p.run_id + "' not found in experiment " + std::to_string(p.experiment_id));
  return p;
}

ProjectResolver ProxiedPathProject(Services& s, bool from_query) {
  return [&s, from_query](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    std::string path = from_query ? ctx.req.Query("path").value_or("") : ctx.Param("path");
    ASSIGN_OR_RETURN(ProxiedPath p, CheckedPath(s, path, from_query));
    ASSIGN_OR_RETURN(int64_t project, ProjectOfExperiment(s, p.experiment_id));
    return std::vector<int64_t>{project};
  };
}

std::string ContentTypeOf(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".json", "application/json"}, {".txt", "text/plain; charset=utf-8"}, {".log", "text/plain; charset=utf-8"},
      {".yaml", "text/plain; charset=utf-8"}, {".yml", "text/plain; charset=utf-8"}, {".csv", "text/csv"},
      {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".svg", "image/svg+xml"},
      {".html", "text/plain; charset=utf-8"},  // never render uploaded HTML in the UI's origin
  };
  for (const auto& [ext, type] : kTypes)
    if (EndsWith(ToLower(path), ext)) return type;
  return "application/octet-stream";
}

Result<HttpResponse> Download(Services& s, const std::string& run_id, const std::string& rel) {
  ASSIGN_OR_RETURN(tracking::ArtifactEntry e, s.tracking.GetArtifact(run_id, rel));
  ASSIGN_OR_RETURN(std::string bytes, s.blobs.Get(e.sha256));
  HttpResponse resp;
  resp.content_type = ContentTypeOf(rel);
  resp.body = std::move(bytes);
  resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
  resp.headers.emplace_back("ETag", "\"" + e.sha256 + "\"");
  return resp;
}

Json FilesJson(const std::vector<tracking::ArtifactEntry>& entries, const std::string& strip_prefix) {
  Json files = Json::array();
  for (const auto& e : entries) {
    std::string path = e.path;
    if (!strip_prefix.empty() && StartsWith(path, strip_prefix)) path = path.substr(strip_prefix.size());
    Json f{{"path", path}, {"is_dir", e.is_dir}};
    if (!e.is_dir) f["file_size"] = e.file_size;
    files.push_back(f);
  }
  return files;
}

}  // namespace

void RegisterArtifactRoutes(Router& r, Services& s) {
  r.Add("PUT", "/api/2.0/mlflow-artifacts/artifacts/{path...}", Permission::kExperimentWrite, ProxiedPathProject(s, false),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(ProxiedPath p, CheckedPath(s, ctx.Param("path"), false));
          if (ctx.req.body.size() > s.limits.max_artifact_bytes) return TooLarge("artifact exceeds the upload limit");
          // Documents the platform reads back (evaluations/<name>.json, explanations.json) must
          // match their schema, so one bad upload cannot break the run's pages for every reader.
          RETURN_IF_ERROR(report::CheckReservedArtifact(p.rel, ctx.req.body));
          ASSIGN_OR_RETURN(store::BlobInfo blob, s.blobs.Put(ctx.req.body));
          RETURN_IF_ERROR(s.tracking.PutArtifact(p.run_id, p.rel, blob));
          return JsonResponse(Json::object());
        });
  r.Add("GET", "/api/2.0/mlflow-artifacts/artifacts/{path...}", Permission::kProjectRead, ProxiedPathProject(s, false),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(ProxiedPath p, CheckedPath(s, ctx.Param("path"), false));
          return Download(s, p.run_id, p.rel);
        });
  r.Add("GET", "/api/2.0/mlflow-artifacts/artifacts", Permission::kProjectRead, ProxiedPathProject(s, true),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(ProxiedPath p, CheckedPath(s, ctx.req.Query("path").value_or(""), true));
          ASSIGN_OR_RETURN(auto entries, s.tracking.ListArtifacts(p.run_id, p.rel));
          // Paths are relative to the listed directory, as MLflow's proxy answers.
          return JsonResponse(Json{{"files", FilesJson(entries, p.rel.empty() ? "" : p.rel + "/")}});
        });
  r.Add("GET", "/api/2.0/mlflow/artifacts/list", Permission::kProjectRead, RunFromField(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(auto id, ctx.QueryOrBodyString("run_id"));
          if (!id) {
            ASSIGN_OR_RETURN(id, ctx.QueryOrBodyString("run_uuid"));
          }
          std::string path = ctx.req.Query("path").value_or("");
          ASSIGN_OR_RETURN(auto entries, s.tracking.ListArtifacts(*id, path));
          ASSIGN_OR_RETURN(tracking::Run run, s.tracking.GetRun(*id));
          return JsonResponse(Json{{"root_uri", run.info.artifact_uri}, {"files", FilesJson(entries, "")}});
        });

  r.Add("GET", "/api/v1/runs/{run}/artifacts", Permission::kProjectRead, RunFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto entries, s.tracking.ListArtifacts(ctx.Param("run"), ctx.req.Query("path").value_or("")));
    return JsonResponse(Json{{"files", FilesJson(entries, "")}});
  });
  r.Add("GET", "/api/v1/runs/{run}/artifacts/content", Permission::kProjectRead, RunFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          auto path = ctx.req.Query("path");
          if (!path) return InvalidArgument("Missing value for required parameter 'path'");
          return Download(s, ctx.Param("run"), *path);
        });
}

}  // namespace moebius::api
