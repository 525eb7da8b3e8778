// Triton model repositories of registered versions (INF-4, INF-5; docs/api.md, docs/design/triton.md):
//   GET  /api/v1/models/{model}/versions/{version}/export   (project.read)  the version as a repository (tar)
//        ?max_batch_size=1024&instances=1
//   POST /api/v1/projects/{project}/models/export           (project.read)  several versions, optionally an ensemble (tar)
//        {"versions": [{"model", "version"}], "ensemble": "name", "max_batch_size", "instances"}
//   POST /api/v1/projects/{project}/models/import           (model.register) a repository as a tar (or tar.gz, zip) body;
//        ?model=NAME registers every version under NAME. 400 INVALID_REPOSITORY lists the problems; nothing is registered then.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "api/registry_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "base/strings.h"
#include "data/archive_ingest.h"
#include "registry/registry_service.h"
#include "registry/registry_store.h"
#include "triton/repository_service.h"

namespace moebius::api {

using auth::Permission;

namespace {

Result<int64_t> PositiveQuery(RouteContext& ctx, const char* name, int64_t fallback, int64_t max) {
  auto text = ctx.req.Query(name);
  if (!text) return fallback;
  auto n = ParseInt64(*text);
  if (!n || *n < 1 || *n > max) return InvalidArgument(std::string(name) + " must be a whole number from 1 to " + std::to_string(max));
  return *n;
}

Result<int64_t> PositiveField(const Json& body, const char* name, int64_t fallback, int64_t max) {
  ASSIGN_OR_RETURN(auto n, OptInt(body, name));
  if (!n) return fallback;
  if (*n < 1 || *n > max) return InvalidArgument(std::string("field '") + name + "' must be a whole number from 1 to " + std::to_string(max));
  return *n;
}

HttpResponse TarResponse(Services& s, std::vector<triton::RepositoryFile> files, const std::string& name) {
  std::vector<data::ManifestEntry> entries;
  entries.reserve(files.size());
  for (auto& f : files) entries.push_back({std::move(f.path), std::move(f.sha256), f.size, "{}"});
  auto tar = std::make_shared<data::TarStream>(s.blobs, std::move(entries));
  HttpResponse resp;
  resp.content_type = "application/x-tar";
  resp.stream = [tar]() { return tar->Next(); };
  resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + triton::RepositoryName(name) + "-triton.tar\"");
  return resp;
}

// A request body in a file of its own (removed when this goes), for the archive reader.
class BodyFile {
 public:
  static Result<BodyFile> Write(const std::string& bytes) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "moebius-import-XXXXXX").string();
    int fd = mkstemp(tmpl.data());
    if (fd < 0) return Internal("cannot create a temporary file for the upload");
    ::close(fd);
    std::ofstream out(tmpl, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.good()) {
      std::filesystem::remove(tmpl);
      return Internal("cannot write the upload to a temporary file");
    }
    return BodyFile(tmpl);
  }
  BodyFile(BodyFile&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  ~BodyFile() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit BodyFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace

void RegisterTritonRoutes(Router& r, Services& s) {
  r.Add("GET", "/api/v1/models/{model}/versions/{version}/export", Permission::kProjectRead, ModelFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(int64_t n, VersionNumber(Json(ctx.Param("version"))));
          triton::ExportRequest rq;
          ASSIGN_OR_RETURN(rq.options.max_batch_size, PositiveQuery(ctx, "max_batch_size", 1024, 1 << 20));
          ASSIGN_OR_RETURN(rq.options.instances, PositiveQuery(ctx, "instances", 1, 64));
          ASSIGN_OR_RETURN(registry::ModelVersion v, s.registry.store().GetVersion(ctx.Param("model"), n));
          if (v.retired_at > 0) return Conflict("version " + std::to_string(n) + " is retired: it cannot be exported or deployed").WithReason("RETIRED");
          rq.versions.push_back(std::move(v));
          rq.exported_by = ctx.user().username;
          ASSIGN_OR_RETURN(auto files, s.repositories.Export(std::move(rq)));
          return TarResponse(s, std::move(files), ctx.Param("model") + "-v" + std::to_string(n));
        });

  r.Add("POST", "/api/v1/projects/{project}/models/export", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          if (!body->is_object()) return InvalidArgument("request body must be a JSON object");
          if (!body->contains("versions") || !(*body)["versions"].is_array() || (*body)["versions"].empty())
            return InvalidArgument("field 'versions' must be a non-empty list of {\"model\", \"version\"}");
          if ((*body)["versions"].size() > 64) return InvalidArgument("field 'versions' may name at most 64 versions");
          triton::ExportRequest rq;
          ASSIGN_OR_RETURN(auto ensemble, OptString(*body, "ensemble"));
          rq.ensemble = ensemble.value_or("");
          if (!rq.ensemble.empty()) RETURN_IF_ERROR(registry::ValidateModelName(rq.ensemble));
          ASSIGN_OR_RETURN(rq.options.max_batch_size, PositiveField(*body, "max_batch_size", 1024, 1 << 20));
          ASSIGN_OR_RETURN(rq.options.instances, PositiveField(*body, "instances", 1, 64));
          for (size_t i = 0; i < (*body)["versions"].size(); ++i) {
            const Json& item = (*body)["versions"][i];
            std::string at = "versions[" + std::to_string(i) + "]";
            if (!item.is_object()) return InvalidArgument(at + " must be an object {\"model\", \"version\"}");
            auto model = ReqString(item, "model");
            if (!model.ok()) return InvalidArgument(at + ": " + model.status().message());
            if (!item.contains("version")) return InvalidArgument(at + " needs 'version'");
            ASSIGN_OR_RETURN(int64_t n, VersionNumber(item["version"], (at + ".version").c_str()));
            auto v = s.registry.store().GetVersion(*model, n);
            if (!v.ok() && v.status().code() == StatusCode::kNotFound) return InvalidArgument(at + ": " + v.status().message());
            RETURN_IF_ERROR(v.status());
            if (v->project_id != ctx.project_ids.at(0)) return InvalidArgument(at + ": model '" + *model + "' belongs to another project");
            if (v->retired_at > 0) return Conflict(at + ": version " + std::to_string(n) + " of '" + *model + "' is retired").WithReason("RETIRED");
            rq.versions.push_back(std::move(*v));
          }
          rq.exported_by = ctx.user().username;
          std::string name = rq.ensemble.empty() ? rq.versions.front().model_name : rq.ensemble;
          ASSIGN_OR_RETURN(auto files, s.repositories.Export(std::move(rq)));
          return TarResponse(s, std::move(files), name);
        });

  r.Add("POST", "/api/v1/projects/{project}/models/import", Permission::kModelRegister, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          if (ctx.req.body.empty()) return InvalidArgument("send the repository as a tar (or tar.gz, zip) request body");
          ASSIGN_OR_RETURN(BodyFile staged, BodyFile::Write(ctx.req.body));
          data::IngestLimits limits;
          limits.max_items = 100000;
          auto no_check = [](const std::string&, const data::ItemContent&) { return Status::Ok(); };
          ASSIGN_OR_RETURN(auto entries, data::IngestUpload(s.blobs, staged.path(), "archive", "repository", no_check, limits));
          std::vector<triton::RepositoryFile> files;
          files.reserve(entries.size());
          for (auto& e : entries) files.push_back({std::move(e.path), std::move(e.sha256), e.size});
          triton::ImportOptions o;
          o.project_id = ctx.project_ids.at(0);
          o.user = ctx.user().username;
          o.model = ctx.req.Query("model").value_or("");
          ASSIGN_OR_RETURN(triton::ImportResult result, s.repositories.Import(std::move(files), o));
          Json versions = Json::array();
          for (const auto& v : result.versions) versions.push_back(VersionJson(v));
          return JsonResponse(Json{{"versions", versions}, {"notes", result.notes}, {"ensembles", result.ensembles}}, 201);
        });
}

}  // namespace moebius::api
