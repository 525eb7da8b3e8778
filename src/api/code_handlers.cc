// Code snapshots (PRJ-7, EXP-2): pushing an archive (or what `moebius code push` read from git),
// listing, file listing and single files, the streamed archive, the runs that used a snapshot,
// the snapshot of a running job, and the code templates.
#include <cstdio>
#include <map>
#include <memory>

#include "api/json_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "base/strings.h"
#include "envcode/code_archive.h"
#include "envcode/code_store.h"
#include "envcode/code_tar_stream.h"
#include "envcode/code_templates.h"
#include "jobs/job_store.h"
#include "tracking/tracking_store.h"

namespace moebius::api {

using auth::Permission;

namespace {

constexpr char kSnapshotTag[] = "moebius.code_snapshot";

Json SnapshotJson(const envcode::CodeSnapshot& c, const std::string& project) {
  return {{"project", project},
          {"id", c.id},
          {"files", c.files},
          {"bytes", c.bytes},
          {"source", c.origin.source},
          {"git_commit", c.origin.git_commit},
          {"git_branch", c.origin.git_branch},
          {"git_dirty", c.origin.git_dirty},
          {"message", c.origin.message},
          {"created_at", c.created_at},
          {"created_by", c.created_by}};
}

Json FileJson(const envcode::CodeFile& f) {
  char mode[8];
  std::snprintf(mode, sizeof mode, "%o", f.mode);
  return {{"path", f.path}, {"mode", mode}, {"sha256", f.sha256}, {"size", f.size}};
}

Result<envcode::CodeOrigin> OriginOf(RouteContext& ctx) {
  envcode::CodeOrigin o;
  o.source = ctx.req.Query("source").value_or("archive");
  o.git_commit = ctx.req.Query("git_commit").value_or("");
  o.git_branch = ctx.req.Query("git_branch").value_or("");
  std::string dirty = ctx.req.Query("git_dirty").value_or("false");
  if (dirty != "true" && dirty != "false" && dirty != "1" && dirty != "0") return InvalidArgument("git_dirty must be true or false");
  o.git_dirty = dirty == "true" || dirty == "1";
  o.message = ctx.req.Query("message").value_or("");
  if (o.source != "git" && (!o.git_commit.empty() || !o.git_branch.empty() || o.git_dirty))
    return InvalidArgument("git_commit, git_branch and git_dirty go with source=git");
  return o;
}

// The runs of a project tagged with the snapshot (any experiment, deleted runs excluded).
Result<Json> RunsUsing(Services& s, int64_t project_id, const std::string& id) {
  ASSIGN_OR_RETURN(auto experiments, s.tracking.ListExperiments(project_id, "ALL"));
  Json out = Json::array();
  if (experiments.empty()) return out;
  tracking::RunSearchRequest q;
  for (const auto& e : experiments) q.experiment_ids.push_back(e.experiment_id);
  q.filter = std::string("tags.`") + kSnapshotTag + "` = '" + id + "'";  // id is validated hex
  q.max_results = 1000;
  ASSIGN_OR_RETURN(auto page, s.tracking.SearchRuns(q));
  for (const auto& r : page.first) {
    Json j = RunInfoJson(r.info);
    for (const auto& t : r.tags)
      if (t.key == "mlflow.source.git.commit") j["git_commit"] = t.value;
    out.push_back(std::move(j));
  }
  return out;
}

HttpResponse TarResponse(Services& s, std::vector<envcode::CodeFile> files, const std::string& id) {
  auto tar = std::make_shared<envcode::CodeTarStream>(s.code.blobs(), std::move(files));
  HttpResponse resp;
  resp.content_type = "application/x-tar";
  resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"code-" + id.substr(0, 12) + ".tar\"");
  resp.stream = [tar]() { return tar->Next(); };
  return resp;
}

}  // namespace

void RegisterCodeRoutes(Router& r, Services& s) {
  const std::string base = "/api/v1/projects/{project}/code";

  // The body is the archive (tar, tar.gz, tar.xz, tar.zst or zip); where it came from goes in the
  // query: source=archive|git|dir, git_commit, git_branch, git_dirty, message.
  r.Add("POST", base, Permission::kCodeWrite, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(envcode::CodeOrigin origin, OriginOf(ctx));
    ASSIGN_OR_RETURN(auto files, envcode::ReadCodeArchive(ctx.req.body));
    bool created = false;
    ASSIGN_OR_RETURN(envcode::CodeSnapshot snap, s.code.Push(ctx.project_ids.at(0), files, origin, ctx.user().username, &created));
    return JsonResponse(Json{{"snapshot", SnapshotJson(snap, ctx.Param("project"))}, {"created", created}});
  });

  r.Add("GET", base, Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    int limit = 200;
    if (auto l = ctx.req.Query("limit")) {
      auto v = ParseInt64(*l);
      if (!v || *v < 1 || *v > 1000) return InvalidArgument("limit must be between 1 and 1000");
      limit = static_cast<int>(*v);
    }
    ASSIGN_OR_RETURN(auto list, s.code.List(ctx.project_ids.at(0), limit));
    Json out = Json::array();
    for (const auto& c : list) out.push_back(SnapshotJson(c, ctx.Param("project")));
    return JsonResponse(Json{{"snapshots", out}});
  });

  r.Add("GET", base + "/{snapshot}", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(envcode::CodeSnapshot snap, s.code.Get(ctx.project_ids.at(0), ctx.Param("snapshot")));
    ASSIGN_OR_RETURN(auto files, s.code.Files(ctx.project_ids.at(0), snap.id));
    Json list = Json::array();
    for (const auto& f : files) list.push_back(FileJson(f));
    return JsonResponse(Json{{"snapshot", SnapshotJson(snap, ctx.Param("project"))}, {"files", list}});
  });

  r.Add("GET", base + "/{snapshot}/archive", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(envcode::CodeSnapshot snap, s.code.Get(ctx.project_ids.at(0), ctx.Param("snapshot")));
    ASSIGN_OR_RETURN(auto files, s.code.Files(ctx.project_ids.at(0), snap.id));
    return TarResponse(s, std::move(files), snap.id);
  });

  r.Add("GET", base + "/{snapshot}/files/{path...}", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(envcode::CodeSnapshot snap, s.code.Get(ctx.project_ids.at(0), ctx.Param("snapshot")));
    RETURN_IF_ERROR(envcode::ValidateCodePath(ctx.Param("path")));
    ASSIGN_OR_RETURN(envcode::CodeFile f, s.code.File(ctx.project_ids.at(0), snap.id, ctx.Param("path")));
    if (f.size > (64 << 20)) return TooLarge("the file is larger than 64 MiB; download the archive");
    ASSIGN_OR_RETURN(std::string bytes, s.code.blobs().Get(f.sha256));
    HttpResponse resp;
    resp.content_type = IsValidUtf8(bytes) ? "text/plain; charset=utf-8" : "application/octet-stream";
    resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
    resp.headers.emplace_back("Content-Security-Policy", "sandbox");
    resp.body = std::move(bytes);
    return resp;
  });

  r.Add("GET", base + "/{snapshot}/runs", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(envcode::CodeSnapshot snap, s.code.Get(ctx.project_ids.at(0), ctx.Param("snapshot")));
    ASSIGN_OR_RETURN(Json runs, RunsUsing(s, ctx.project_ids.at(0), snap.id));
    return JsonResponse(Json{{"runs", runs}});
  });

  // ---- the snapshot of a job (its worker materializes it; project.read on the job's project)
  r.Add("GET", "/api/v1/jobs/{job}/code", Permission::kProjectRead, JobProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(jobs::Job j, JobOfPath(s, ctx));
    const Json& p = j.spec.payload;
    if (!p.contains("code") || !p["code"].is_string()) return NotFound("job " + std::to_string(j.id) + " has no payload.code");
    ASSIGN_OR_RETURN(envcode::CodeSnapshot snap, s.code.Get(j.spec.project_id, p["code"].get<std::string>()));
    return JsonResponse(Json{{"snapshot", SnapshotJson(snap, "")}});
  });

  r.Add("GET", "/api/v1/jobs/{job}/code/archive", Permission::kProjectRead, JobProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(jobs::Job j, JobOfPath(s, ctx));
    const Json& p = j.spec.payload;
    if (!p.contains("code") || !p["code"].is_string()) return NotFound("job " + std::to_string(j.id) + " has no payload.code");
    ASSIGN_OR_RETURN(envcode::CodeSnapshot snap, s.code.Get(j.spec.project_id, p["code"].get<std::string>()));
    ASSIGN_OR_RETURN(auto files, s.code.Files(j.spec.project_id, snap.id));
    return TarResponse(s, std::move(files), snap.id);
  });

  // ---- templates
  r.Add("GET", "/api/v1/code/templates", Permission::kAuthenticated, [](RouteContext&) -> Result<HttpResponse> {
    Json out = Json::array();
    for (const auto& t : envcode::CodeTemplates()) out.push_back({{"name", t.name}, {"description", t.description}, {"options", t.options}});
    return JsonResponse(Json{{"templates", out}});
  });

  // The generated files; options in the query (?dataset=iris&label=species&task=multiclass).
  r.Add("GET", "/api/v1/code/templates/{name}", Permission::kAuthenticated, [](RouteContext& ctx) -> Result<HttpResponse> {
    std::map<std::string, std::string> options;
    for (const auto& [k, v] : ctx.req.query) options[k] = v;
    ASSIGN_OR_RETURN(auto files, envcode::RenderCodeTemplate(ctx.Param("name"), options));
    Json out = Json::array();
    for (const auto& f : files) out.push_back({{"path", f.path}, {"mode", f.mode == 0755 ? "755" : "644"}, {"content", f.content}});
    return JsonResponse(Json{{"template", ctx.Param("name")}, {"files", out}});
  });
}

}  // namespace moebius::api
