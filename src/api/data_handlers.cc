// Datasets, uploads (resumable) into rounds, bundles, versions, diff, rollback, checkout archive,
// lineage, and recording which runs used a data version.
#include <set>

#include "api/json_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "auth/audit_log.h"
#include "base/json_reader.h"
#include "base/strings.h"
#include "data/data_store.h"
#include "data/refine.h"
#include "data/upload_store.h"
#include "project/project_service.h"
#include "tracking/tracking_store.h"

namespace moebius::api {

using auth::Permission;

void RegisterDataAnalysisRoutes(Router& r, Services& s, const ProjectResolver& project);
void RegisterDataSourceRoutes(Router& r, Services& s, const ProjectResolver& project);

namespace {

constexpr size_t kMaxListedChanges = 1000;

Json DatasetJson(const data::Dataset& d, const std::string& project) {
  Json j{{"id", d.id},           {"project", project},         {"name", d.name},         {"domain", d.domain},
         {"description", d.description}, {"sensitive", d.sensitive}, {"tags", d.tags}, {"created_at", d.created_at},
         {"created_by", d.created_by}, {"strict_ingest", d.strict_ingest}};
  // From a search: the table columns that matched (all of them when there was no query).
  if (!d.columns.empty()) j["columns"] = d.columns;
  return j;
}

Json RoundJson(const data::Round& r) {
  return {{"number", r.number},     {"kind", r.kind},         {"source", r.source},       {"note", r.note},
          {"items", r.item_count},  {"bytes", r.total_bytes}, {"manifest", r.manifest_root},
          {"sources", Json::parse(r.sources_json, nullptr, false)}, {"created_at", r.created_at}, {"created_by", r.created_by}};
}

Json VersionJson(const data::Version& v) {
  Json j{{"number", v.number}, {"name", v.Name()}, {"status", v.status}, {"items", v.item_count}, {"bytes", v.total_bytes},
         {"message", v.message}, {"derived", Json::parse(v.derived_json, nullptr, false)}, {"created_at", v.created_at},
         {"created_by", v.created_by}, {"storage", v.base_version ? "delta" : "full"}};
  if (v.base_version) j["delta_of"] = "v" + std::to_string(*v.base_version);
  return j;
}

Json EntryJson(const data::ManifestEntry& e) {
  return {{"path", e.path}, {"sha256", e.sha256}, {"size", e.size}, {"meta", Json::parse(e.meta, nullptr, false)}};
}

struct Ctx {
  project::Project project;
  data::Dataset dataset;
};

Result<Ctx> Load(Services& s, RouteContext& ctx) {
  Ctx c;
  ASSIGN_OR_RETURN(c.project, s.projects.GetProjectById(ctx.project_ids.at(0)));
  ASSIGN_OR_RETURN(c.dataset, s.data.GetDataset(c.project.id, ctx.Param("dataset")));
  return c;
}

std::string VersionRef(const Ctx& c, int64_t number) { return c.project.name + "/" + c.dataset.name + "@v" + std::to_string(number); }

Result<std::pair<int64_t, int64_t>> Paging(const HttpRequest& req) {
  int64_t offset = 0, limit = 1000;
  if (auto o = req.Query("offset")) {
    auto v = ParseInt64(*o);
    if (!v || *v < 0) return InvalidArgument("offset must be a non-negative integer");
    offset = *v;
  }
  if (auto l = req.Query("limit")) {
    auto v = ParseInt64(*l);
    if (!v || *v < 1 || *v > 10000) return InvalidArgument("limit must be between 1 and 10000");
    limit = *v;
  }
  return std::make_pair(offset, limit);
}

Json ItemsPage(const std::vector<data::ManifestEntry>& items, int64_t offset, int64_t limit, const std::string& prefix) {
  Json out = Json::array();
  int64_t matched = 0;
  for (const auto& e : items) {
    if (!prefix.empty() && !StartsWith(e.path, prefix)) continue;
    if (matched++ < offset) continue;
    if (static_cast<int64_t>(out.size()) < limit) out.push_back(EntryJson(e));
  }
  return {{"items", out}, {"total", matched}, {"offset", offset}};
}

// "path,label" lines (a header line "path,label" is skipped), or JSONL {"path","label"}.
Result<std::vector<std::pair<std::string, std::string>>> ParseLabels(const std::string& format, const std::string& content) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t line_no = 0;
  for (const std::string& raw : Split(content, '\n')) {
    ++line_no;
    std::string line(Trim(raw));
    if (line.empty()) continue;
    if (format == "csv") {
      if (line_no == 1 && ToLower(line) == "path,label") continue;
      size_t comma = line.rfind(',');
      if (comma == std::string::npos || comma == 0 || comma + 1 == line.size())
        return InvalidArgument("labels line " + std::to_string(line_no) + ": expected 'path,label'");
      std::string path = line.substr(0, comma), label = line.substr(comma + 1);
      if (path.size() >= 2 && path.front() == '"' && path.back() == '"') path = path.substr(1, path.size() - 2);
      out.push_back({path, label});
    } else if (format == "jsonl") {
      auto j = ParseJson(line);
      if (!j.ok() || !j->is_object()) return InvalidArgument("labels line " + std::to_string(line_no) + " is not a JSON object");
      auto path = OptString(*j, "path");
      auto label = OptString(*j, "label");
      if (!path.ok() || !label.ok() || !*path || !*label)
        return InvalidArgument("labels line " + std::to_string(line_no) + ": needs string fields 'path' and 'label'");
      out.push_back({**path, **label});
    } else {
      return InvalidArgument("labels format must be 'csv' or 'jsonl'");
    }
    if (out.back().second.empty() || out.back().second.size() > 200)
      return InvalidArgument("labels line " + std::to_string(line_no) + ": a label must be 1 to 200 characters");
  }
  if (out.empty()) return InvalidArgument("the labels file has no labels");
  return out;
}

Result<std::vector<int64_t>> IntList(const Json& body, const char* key) {
  ASSIGN_OR_RETURN(auto list, JsonReader(body).OptList<int64_t>(key));
  return list.value_or(std::vector<int64_t>());
}

}  // namespace

void RegisterDataRoutes(Router& r, Services& s) {
  const std::string base = "/api/v1/projects/{project}/datasets";
  const RouteOptions kReadOnly{.audit = false};

  r.Add("GET", "/api/v1/datasets", Permission::kAuthenticated, [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(std::vector<int64_t> projects, VisibleProjects(s, ctx.user()));
    ASSIGN_OR_RETURN(auto found, s.data.ListDatasets(projects, ctx.req.Query("q").value_or("")));
    Json out = Json::array();
    for (const auto& d : found) {
      ASSIGN_OR_RETURN(auto p, s.projects.GetProjectById(d.project_id));
      out.push_back(DatasetJson(d, p.name));
    }
    return JsonResponse(Json{{"datasets", out}});
  });

  r.Add("GET", base, Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto found, s.data.ListDatasets({ctx.project_ids.at(0)}, ctx.req.Query("q").value_or("")));
    Json out = Json::array();
    for (const auto& d : found) out.push_back(DatasetJson(d, ctx.Param("project")));
    return JsonResponse(Json{{"datasets", out}});
  });

  r.Add("POST", base, Permission::kDataWrite, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string name, ReqString(*body, "name"));
    ASSIGN_OR_RETURN(std::string domain, ReqString(*body, "domain"));
    ASSIGN_OR_RETURN(auto description, OptString(*body, "description"));
    ASSIGN_OR_RETURN(auto sensitive, OptBool(*body, "sensitive"));
    ASSIGN_OR_RETURN(auto strict, OptBool(*body, "strict_ingest"));
    ASSIGN_OR_RETURN(auto tags_in, JsonReader(*body).OptList<std::string>("tags"));
    std::vector<std::string> tags = tags_in.value_or(std::vector<std::string>());
    ASSIGN_OR_RETURN(data::Dataset d, s.data.CreateDataset(ctx.project_ids.at(0), name, domain, description.value_or(""),
                                                           sensitive.value_or(false), tags, ctx.user().username, strict.value_or(false)));
    return JsonResponse(Json{{"dataset", DatasetJson(d, ctx.Param("project"))}});
  });

  r.Add("GET", base + "/{dataset}", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
    RETURN_IF_ERROR(AuditSensitiveRead(s, ctx, c.dataset));
    ASSIGN_OR_RETURN(auto rounds, s.data.ListRounds(c.dataset.id));
    ASSIGN_OR_RETURN(auto versions, s.data.ListVersions(c.dataset.id));
    Json rs = Json::array(), vs = Json::array();
    for (const auto& x : rounds) rs.push_back(RoundJson(x));
    for (const auto& v : versions) vs.push_back(VersionJson(v));
    Json by_status = Json::object();
    for (const auto& st : data::Statuses()) by_status[st] = 0;
    for (const auto& v : versions) by_status[v.status] = by_status[v.status].get<int>() + 1;
    return JsonResponse(Json{{"dataset", DatasetJson(c.dataset, c.project.name)}, {"rounds", rs}, {"versions", vs}, {"versions_by_status", by_status}});
  });

  // ---- rounds
  r.Add("GET", base + "/{dataset}/rounds/{round}", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
    auto number = ParseInt64(ctx.Param("round"));
    if (!number) return InvalidArgument("round must be a number");
    ASSIGN_OR_RETURN(data::Round round, s.data.GetRound(c.dataset.id, *number));
    RETURN_IF_ERROR(AuditSensitiveRead(s, ctx, c.dataset));
    ASSIGN_OR_RETURN(auto page, Paging(ctx.req));
    ASSIGN_OR_RETURN(auto items, s.data.RoundItems(round));
    Json out = ItemsPage(items, page.first, page.second, ctx.req.Query("prefix").value_or(""));
    out["round"] = RoundJson(round);
    return JsonResponse(out);
  });

  r.Add("POST", base + "/{dataset}/uploads", Permission::kDataWrite, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
    ASSIGN_OR_RETURN(data::UploadInfo u, s.uploads.Create(c.dataset.id, ctx.user().username));
    return JsonResponse(Json{{"upload", {{"id", u.id}, {"max_part_bytes", data::UploadStore::kMaxPartBytes}, {"max_parts", data::UploadStore::kMaxParts}}}});
  });

  r.Add("GET", base + "/{dataset}/uploads/{upload}", Permission::kDataWrite, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
    ASSIGN_OR_RETURN(data::UploadInfo u, s.uploads.Get(c.dataset.id, ctx.Param("upload")));
    Json parts = Json::array();
    for (const auto& [n, size] : u.parts) parts.push_back({{"part", n}, {"bytes", size}});
    return JsonResponse(Json{{"upload", {{"id", u.id}, {"created_at", u.created_at}, {"parts", parts}}}});
  }, kReadOnly);

  r.Add("PUT", base + "/{dataset}/uploads/{upload}/parts/{part}", Permission::kDataWrite, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
          auto part = ParseInt64(ctx.Param("part"));
          if (!part) return InvalidArgument("part must be a number from 1 to " + std::to_string(data::UploadStore::kMaxParts));
          RETURN_IF_ERROR(s.uploads.PutPart(c.dataset.id, ctx.Param("upload"), *part, ctx.req.body));
          return JsonResponse(Json{{"part", *part}, {"bytes", ctx.req.body.size()}});
        });

  r.Add("POST", base + "/{dataset}/uploads/{upload}/complete", Permission::kDataWrite, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
          ASSIGN_OR_RETURN(const Json* body, ctx.Body());
          ASSIGN_OR_RETURN(auto format, OptString(*body, "format"));
          ASSIGN_OR_RETURN(auto filename, OptString(*body, "filename"));
          ASSIGN_OR_RETURN(auto note, OptString(*body, "note"));
          std::string fmt = format.value_or("archive");
          if (fmt == "file" && (!filename || filename->empty())) return InvalidArgument("a single-file upload needs 'filename'");
          ASSIGN_OR_RETURN(std::string staged, s.uploads.Assemble(c.dataset.id, ctx.Param("upload")));
          auto round = s.data.IngestRound(c.dataset, staged, fmt, filename.value_or("upload"), note.value_or(""), ctx.user().username);
          // A failed ingest leaves the parts so the client can fix and retry; a good one cleans up.
          if (!round.ok()) return round.status();
          (void)s.uploads.Remove(ctx.Param("upload"));
          return JsonResponse(Json{{"round", RoundJson(*round)}});
        });

  r.Add("POST", base + "/{dataset}/bundles", Permission::kDataWrite, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    data::BundleSpec spec;
    ASSIGN_OR_RETURN(spec.rounds, IntList(*body, "rounds"));
    ASSIGN_OR_RETURN(auto prefix, OptString(*body, "path_prefix"));
    ASSIGN_OR_RETURN(auto label, OptString(*body, "label"));
    ASSIGN_OR_RETURN(spec.sample_size, OptInt(*body, "sample_size"));
    ASSIGN_OR_RETURN(spec.sample_fraction, OptDouble(*body, "sample_fraction"));
    ASSIGN_OR_RETURN(auto seed, OptInt(*body, "seed"));
    ASSIGN_OR_RETURN(auto note, OptString(*body, "note"));
    spec.path_prefix = prefix.value_or("");
    spec.label = label.value_or("");
    spec.seed = static_cast<uint64_t>(seed.value_or(0));
    ASSIGN_OR_RETURN(data::Round round, s.data.CreateBundle(c.dataset, spec, note.value_or(""), ctx.user().username));
    return JsonResponse(Json{{"round", RoundJson(round)}});
  });

  // ---- versions
  r.Add("POST", base + "/{dataset}/versions", Permission::kDataWrite, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    data::VersionSpec spec;
    ASSIGN_OR_RETURN(auto status, OptString(*body, "status"));
    spec.status = status.value_or("raw");
    ASSIGN_OR_RETURN(spec.rounds, IntList(*body, "rounds"));
    ASSIGN_OR_RETURN(auto from, OptString(*body, "from_version"));
    if (from) {
      ASSIGN_OR_RETURN(int64_t n, data::ParseVersionNumber(*from));
      spec.from_version = n;
    }
    ASSIGN_OR_RETURN(auto message, OptString(*body, "message"));
    spec.message = message.value_or("");
    ASSIGN_OR_RETURN(std::optional<JsonReader> labels, JsonReader(*body).Find("labels"));
    if (labels) {
      if (!labels->json().is_object()) return InvalidArgument("field 'labels' must be an object {format, content} or {from: 'folders'}");
      ASSIGN_OR_RETURN(auto from_src, labels->Opt<std::string>("from"));
      if (from_src) {
        if (*from_src != "folders") return InvalidArgument("labels.from must be 'folders'");
        spec.labels_from_folders = true;
      } else {
        ASSIGN_OR_RETURN(std::string fmt, labels->Req<std::string>("format"));
        ASSIGN_OR_RETURN(std::string content, labels->Req<std::string>("content"));
        ASSIGN_OR_RETURN(spec.labels, ParseLabels(fmt, content));
      }
    }
    if (body->contains("operations")) {
      RETURN_IF_ERROR(data::ValidateOperations((*body)["operations"]));
      spec.operations = (*body)["operations"];
    }
    if (body->contains("split")) {
      ASSIGN_OR_RETURN(data::SplitSpec split, data::SplitSpecFromJson((*body)["split"]));
      spec.split = split;
    }
    ASSIGN_OR_RETURN(data::Version v, s.data.CreateVersion(c.dataset, spec, ctx.user().username));
    return JsonResponse(Json{{"version", VersionJson(v)}});
  });

  r.Add("GET", base + "/{dataset}/versions/{version}", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
    ASSIGN_OR_RETURN(int64_t n, data::ParseVersionNumber(ctx.Param("version")));
    ASSIGN_OR_RETURN(data::Version v, s.data.GetVersion(c.dataset.id, n));
    ASSIGN_OR_RETURN(auto runs, s.tracking.RunsWithInput("dataset_version", VersionRef(c, n)));
    Json rs = Json::array();
    for (const auto& info : runs) rs.push_back(RunInfoJson(info));
    Json out{{"version", VersionJson(v)}, {"ref", VersionRef(c, n)}, {"runs", rs}};
    ASSIGN_OR_RETURN(int64_t stored, s.data.StoredManifestBytes(v));
    out["version"]["manifest_bytes"] = stored;
    return JsonResponse(out);
  });

  r.Add("GET", base + "/{dataset}/versions/{version}/items", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
          ASSIGN_OR_RETURN(int64_t n, data::ParseVersionNumber(ctx.Param("version")));
          ASSIGN_OR_RETURN(data::Version v, s.data.GetVersion(c.dataset.id, n));
          RETURN_IF_ERROR(AuditSensitiveRead(s, ctx, c.dataset));
          ASSIGN_OR_RETURN(auto page, Paging(ctx.req));
          ASSIGN_OR_RETURN(auto items, s.data.Materialize(v));
          return JsonResponse(ItemsPage(items, page.first, page.second, ctx.req.Query("prefix").value_or("")));
        });

  r.Add("GET", base + "/{dataset}/versions/{version}/archive", Permission::kProjectRead, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
          ASSIGN_OR_RETURN(int64_t n, data::ParseVersionNumber(ctx.Param("version")));
          ASSIGN_OR_RETURN(data::Version v, s.data.GetVersion(c.dataset.id, n));
          RETURN_IF_ERROR(AuditSensitiveRead(s, ctx, c.dataset));
          // ?manifest=1 appends .moebius/manifest.jsonl (each item's path, sha256, size and meta).
          std::string manifest = ctx.req.Query("manifest").value_or("0");
          if (manifest != "0" && manifest != "1" && manifest != "true" && manifest != "false")
            return InvalidArgument("manifest must be 1 or 0 (true or false), not '" + manifest + "'");
          bool sidecar = manifest == "1" || manifest == "true";
          ASSIGN_OR_RETURN(auto items, s.data.Materialize(v));
          if (sidecar)
            for (const auto& e : items)
              if (e.path == data::kManifestSidecarPath)
                return FailedPrecondition(std::string("this version has an item at ") + data::kManifestSidecarPath +
                                          ", so its archive cannot carry the manifest sidecar; ask without ?manifest=1");
          auto tar = std::make_shared<data::TarStream>(s.data.blobs(), std::move(items), 1 << 20, sidecar);
          HttpResponse resp;
          resp.content_type = "application/x-tar";
          resp.stream = [tar]() { return tar->Next(); };
          resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + c.dataset.name + "-v" + std::to_string(n) + ".tar\"");
          return resp;
        });

  r.Add("POST", base + "/{dataset}/versions/{version}/rollback", Permission::kDataWrite, ProjectFromPath(s),
        [&s](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
          ASSIGN_OR_RETURN(int64_t n, data::ParseVersionNumber(ctx.Param("version")));
          ASSIGN_OR_RETURN(data::Version v, s.data.Rollback(c.dataset, n, ctx.user().username));
          return JsonResponse(Json{{"version", VersionJson(v)}});
        });

  r.Add("GET", base + "/{dataset}/diff", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
    auto from = ctx.req.Query("from"), to = ctx.req.Query("to");
    if (!from || !to) return InvalidArgument("diff needs 'from' and 'to' versions, e.g. ?from=v1&to=v2");
    ASSIGN_OR_RETURN(int64_t a, data::ParseVersionNumber(*from));
    ASSIGN_OR_RETURN(int64_t b, data::ParseVersionNumber(*to));
    ASSIGN_OR_RETURN(data::Version va, s.data.GetVersion(c.dataset.id, a));
    ASSIGN_OR_RETURN(data::Version vb, s.data.GetVersion(c.dataset.id, b));
    ASSIGN_OR_RETURN(data::DiffResult d, s.data.DiffVersions(va, vb));
    auto list = [](const auto& v, auto&& render) {
      Json out = Json::array();
      for (size_t i = 0; i < v.size() && i < kMaxListedChanges; ++i) out.push_back(render(v[i]));
      return out;
    };
    Json renamed = list(d.renamed, [](const auto& p) { return Json{{"from", p.first}, {"to", p.second}}; });
    return JsonResponse(Json{
        {"from", va.Name()}, {"to", vb.Name()},
        {"counts", {{"added", d.delta.added.size()}, {"removed", d.delta.removed.size()}, {"modified", d.delta.modified.size()},
                    {"renamed", d.renamed.size()}, {"label_changes", d.label_changes.size()},
                    {"annotation_changes", d.annotation_changes.size()}}},
        {"added", list(d.delta.added, EntryJson)},
        {"removed", list(d.delta.removed, [](const std::string& p) { return Json(p); })},
        {"modified", list(d.delta.modified, EntryJson)},
        {"renamed", renamed},
        {"label_changes", list(d.label_changes, [](const std::string& p) { return Json(p); })},
        {"annotation_changes", list(d.annotation_changes, [](const auto& c) { return Json{{"path", c.first}, {"kinds", c.second}}; })},
        {"dictionaries", list(d.dictionaries, [](const data::DictionaryDiff& x) { return x.ToJson(kMaxListedChanges); })},
        {"tables", list(d.tables, [](const data::TableDiff& x) { return x.ToJson(); })},
        {"listed_at_most", kMaxListedChanges}});
  });

  r.Add("GET", base + "/{dataset}/lineage", Permission::kProjectRead, ProjectFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(Ctx c, Load(s, ctx));
    std::vector<data::LineageNode> nodes;
    std::vector<data::LineageEdge> edges;
    RETURN_IF_ERROR(s.data.Lineage(c.dataset, &nodes, &edges));
    Json ns = Json::array(), es = Json::array();
    for (const auto& n : nodes) ns.push_back({{"id", n.kind + ":" + std::to_string(n.id)}, {"kind", n.kind}, {"label", n.label}, {"detail", n.detail}});
    for (const auto& e : edges)
      es.push_back({{"from", e.from_kind + ":" + std::to_string(e.from_id)}, {"to", e.to_kind + ":" + std::to_string(e.to_id)}, {"relation", e.relation}});
    // Runs that used each version (from tracking); a run that read several versions is one node.
    std::set<std::string> run_nodes;
    for (const auto& n : nodes) {
      if (n.kind != "version") continue;
      ASSIGN_OR_RETURN(auto runs, s.tracking.RunsWithInput("dataset_version", VersionRef(c, n.detail["number"].get<int64_t>())));
      for (const auto& run : runs) {
        if (run_nodes.insert(run.run_id).second)
          ns.push_back({{"id", "run:" + run.run_id}, {"kind", "run"}, {"label", run.run_name}, {"detail", {{"experiment_id", std::to_string(run.experiment_id)}}}});
        es.push_back({{"from", "version:" + std::to_string(n.id)}, {"to", "run:" + run.run_id}, {"relation", "used by"}});
      }
    }
    return JsonResponse(Json{{"nodes", ns}, {"edges", es}});
  });

  RegisterDataAnalysisRoutes(r, s, ProjectFromPath(s));
  RegisterDataSourceRoutes(r, s, ProjectFromPath(s));

  // ---- runs record the data versions they read
  r.Add("POST", "/api/v1/runs/{run}/inputs", Permission::kExperimentWrite, RunFromPath(s), [&s](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(const Json* body, ctx.Body());
    ASSIGN_OR_RETURN(std::string kind, ReqString(*body, "kind"));
    ASSIGN_OR_RETURN(std::string ref, ReqString(*body, "ref"));
    if (kind != "dataset_version") return InvalidArgument("kind must be 'dataset_version'");
    // ref: project/dataset@vN — it must name a version of a project the run's project may read.
    size_t slash = ref.find('/'), at = ref.find('@');
    if (slash == std::string::npos || at == std::string::npos || at < slash)
      return InvalidArgument("ref must look like project/dataset@v3, got '" + ref + "'");
    ASSIGN_OR_RETURN(project::Project p, s.projects.GetProject(ref.substr(0, slash)));
    if (ctx.user().global_role != auth::Role::kAdmin) {
      ASSIGN_OR_RETURN(auto role, s.auth.RoleInProject(ctx.user().id, p.id));
      if (!role) return NotFound("project '" + p.name + "' does not exist or you are not a member");
    }
    ASSIGN_OR_RETURN(data::Dataset d, s.data.GetDataset(p.id, ref.substr(slash + 1, at - slash - 1)));
    ASSIGN_OR_RETURN(int64_t n, data::ParseVersionNumber(ref.substr(at + 1)));
    ASSIGN_OR_RETURN(data::Version v, s.data.GetVersion(d.id, n));
    std::string canonical = p.name + "/" + d.name + "@" + v.Name();
    RETURN_IF_ERROR(s.tracking.LogInput(ctx.Param("run"), {kind, canonical, Json{{"items", v.item_count}, {"status", v.status}}.dump()}));
    return JsonResponse(Json{{"input", {{"kind", kind}, {"ref", canonical}}}});
  });
}

}  // namespace moebius::api
