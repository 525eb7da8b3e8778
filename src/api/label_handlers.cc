// Labeling routes (LBL-1 to LBL-5; docs/design/label.md). Under /api/v1/projects/{project}:
//   GET    /label-schemas                                   (project.read)  every version of every schema
//   POST   /label-schemas                                   (label.manage)  {"name", "spec": {...}}: a schema's next version
//   GET    /label-schemas/{schema}                          (project.read)  its versions
//   GET    /labeling                                        (project.read)  labeling projects with their progress
//   POST   /labeling                                        (label.manage)  {"name", "dataset", "version", "schema",
//          "schema_version", "overlap", "batch_size", "path_prefix", "description"}
//   GET    /labeling/{labeling}                             (project.read)  the project, its schema and progress
//   GET    /labeling/{labeling}/items                       (project.read)  ?batch=&offset=&limit= items and their assignments
//   GET    /labeling/{labeling}/items/{item}                (project.read)  one item, its assignments and final annotation
//   GET    /labeling/{labeling}/items/{item}/content        (project.read)  the item's bytes (image, text, QA JSON, table)
//   POST   /labeling/{labeling}/assign                      (label.manage)  {"mode": "round_robin"|"manual", "labelers",
//          "overlap", "batches", "items"}
//   GET    /labeling/{labeling}/assignments                 (project.read)  ?labeler=&state=&batch=&mine=1
//   PUT    /labeling/{labeling}/assignments/{assignment}    (label.write)   {"annotation"}: a draft (autosave)
//   POST   /labeling/{labeling}/assignments/{assignment}/submit  (label.write)  {"annotation"}
//   POST   /labeling/{labeling}/assignments/{assignment}/review  (label.manage) {"decision": "accept"|"reject", "comment"}
//   GET    /labeling/{labeling}/history                     (project.read)  ?item= every change, who and when
//   GET    /labeling/{labeling}/agreement                   (project.read)  ?iou=0.5 agreement between labelers (LBL-5)
//   GET    /labeling/{labeling}/export                      (project.read)  ?format=coco|voc|yolo|conll2003|squad2|labelstudio|csv|jsonl
//          &source=accepted|submitted: the annotations as a streamed file (LBL-6)
//   POST   /labeling/{labeling}/import                      (label.manage)  ?format=...&labeler=: the body is the file;
//          every annotation is checked, all are stored as the labeler's submitted work, or none
//   POST   /labeling/{labeling}/finish                      (label.manage)  {"message", "allow_partial"}: a labeled version
#include <algorithm>
#include <map>

#include "api/label_views.h"
#include "api/resolvers.h"
#include "api/router.h"
#include "api/services.h"
#include "auth/auth_service.h"
#include "base/json_reader.h"
#include "base/strings.h"
#include "data/data_store.h"
#include "label/label_service.h"

namespace moebius::api {

using auth::Permission;

namespace {

constexpr int64_t kMaxListedItems = 1000;

Result<int64_t> IdParam(RouteContext& ctx, const char* name) {
  auto id = ParseInt64(ctx.Param(name));
  if (!id || *id < 1) return InvalidArgument(std::string(name) + " must be a positive integer, got '" + ctx.Param(name).substr(0, 40) + "'");
  return *id;
}

Result<std::optional<int64_t>> QueryInt(RouteContext& ctx, const char* name) {
  auto q = ctx.req.Query(name);
  if (!q || q->empty()) return std::optional<int64_t>();
  auto v = ParseInt64(*q);
  if (!v || *v < 0) return InvalidArgument(std::string("query parameter '") + name + "' must be a non-negative integer");
  return std::optional<int64_t>(*v);
}

Result<JsonReader> BodyObject(RouteContext& ctx) {
  ASSIGN_OR_RETURN(const Json* body, ctx.Body());
  JsonReader r(*body);
  RETURN_IF_ERROR(r.ExpectObject());
  return r;
}

Result<label::LabelProject> ProjectOf(label::LabelService& svc, RouteContext& ctx) {
  return svc.store().GetProject(ctx.project_ids.at(0), ctx.Param("labeling"));
}

// Each labeler must be able to annotate in the project: an admin, or a member whose role holds label.write.
Status CheckLabelers(Services& s, int64_t project_id, const std::vector<std::string>& labelers) {
  for (const std::string& name : labelers) {
    auto user = s.auth.GetUser(name);
    if (!user.ok()) return InvalidArgument("labeler '" + name + "' is not a user of this server");
    if (user->disabled) return InvalidArgument("labeler '" + name + "' is disabled");
    if (user->global_role == auth::Role::kAdmin) continue;
    ASSIGN_OR_RETURN(std::optional<auth::Role> role, s.auth.RoleInProject(user->id, project_id));
    if (!role || !auth::RoleHas(*role, Permission::kLabelWrite))
      return InvalidArgument("labeler '" + name + "' is not a member of the project with a role that may label (labeler)");
  }
  return Status::Ok();
}

const char* ContentTypeOf(const std::string& path) {
  std::string p = ToLower(path);
  for (auto [ext, type] : std::initializer_list<std::pair<const char*, const char*>>{
           {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".png", "image/png"}, {".gif", "image/gif"}, {".webp", "image/webp"},
           {".bmp", "image/bmp"}, {".txt", "text/plain; charset=utf-8"}, {".json", "application/json"},
           {".csv", "text/csv; charset=utf-8"}, {".tsv", "text/tab-separated-values; charset=utf-8"}})
    if (EndsWith(p, ext)) return type;
  return "application/octet-stream";
}

Result<Json> ProjectWithProgress(label::LabelService& svc, const label::LabelProject& p) {
  ASSIGN_OR_RETURN(label::LabelSchema schema, svc.store().GetSchemaById(p.schema_id));
  ASSIGN_OR_RETURN(Json progress, svc.Progress(p));
  Json out = LabelProjectJson(p);
  out["schema"] = LabelSchemaJson(schema);
  out["progress"] = progress;
  return out;
}

}  // namespace

void RegisterLabelRoutes(Router& r, Services& s, label::LabelService& svc) {
  const std::string base = "/api/v1/projects/{project}";
  const std::string lp = base + "/labeling/{labeling}";

  r.Add("GET", base + "/label-schemas", Permission::kProjectRead, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto schemas, svc.store().ListSchemas(ctx.project_ids.at(0)));
    Json out = Json::array();
    for (const auto& sc : schemas) out.push_back(LabelSchemaJson(sc));
    return JsonResponse(Json{{"schemas", out}});
  });

  r.Add("POST", base + "/label-schemas", Permission::kLabelManage, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(JsonReader body, BodyObject(ctx));
    RETURN_IF_ERROR(body.OnlyKeys({"name", "spec"}));
    ASSIGN_OR_RETURN(std::string name, body.Req<std::string>("name"));
    ASSIGN_OR_RETURN(JsonReader spec, body.Object("spec"));
    ASSIGN_OR_RETURN(label::LabelSchema sc, svc.SaveSchema(ctx.project_ids.at(0), name, spec, ctx.user().username));
    return JsonResponse(Json{{"schema", LabelSchemaJson(sc)}});
  });

  r.Add("GET", base + "/label-schemas/{schema}", Permission::kProjectRead, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto schemas, svc.store().ListSchemas(ctx.project_ids.at(0)));
    Json versions = Json::array();
    for (const auto& sc : schemas)
      if (sc.name == ctx.Param("schema")) versions.push_back(LabelSchemaJson(sc));
    if (versions.empty()) return NotFound("label schema '" + ctx.Param("schema") + "' does not exist");
    return JsonResponse(Json{{"schema", versions.back()}, {"versions", versions}});
  });

  r.Add("GET", base + "/labeling", Permission::kProjectRead, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(auto projects, svc.store().ListProjects(ctx.project_ids.at(0)));
    Json out = Json::array();
    for (const auto& p : projects) {
      ASSIGN_OR_RETURN(Json j, ProjectWithProgress(svc, p));
      out.push_back(std::move(j));
    }
    return JsonResponse(Json{{"labeling_projects", out}});
  });

  r.Add("POST", base + "/labeling", Permission::kLabelManage, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(JsonReader body, BodyObject(ctx));
    RETURN_IF_ERROR(body.OnlyKeys({"name", "description", "dataset", "version", "schema", "schema_version", "overlap", "batch_size", "path_prefix"}));
    label::CreateProjectRequest rq;
    rq.project_id = ctx.project_ids.at(0);
    rq.user = ctx.user().username;
    ASSIGN_OR_RETURN(rq.name, body.Req<std::string>("name"));
    ASSIGN_OR_RETURN(rq.description, body.Get<std::string>("description", ""));
    ASSIGN_OR_RETURN(rq.dataset, body.Req<std::string>("dataset"));
    ASSIGN_OR_RETURN(Json version, body.Req<Json>("version"));
    if (version.is_string()) {
      ASSIGN_OR_RETURN(rq.data_version, data::ParseVersionNumber(version.get<std::string>()));
    } else {
      ASSIGN_OR_RETURN(rq.data_version, body.Req<int64_t>("version"));
    }
    ASSIGN_OR_RETURN(rq.schema, body.Req<std::string>("schema"));
    ASSIGN_OR_RETURN(rq.schema_version, body.Opt<int64_t>("schema_version"));
    ASSIGN_OR_RETURN(rq.overlap, body.Get<int64_t>("overlap", 1));
    ASSIGN_OR_RETURN(rq.batch_size, body.Get<int64_t>("batch_size", 100));
    ASSIGN_OR_RETURN(rq.path_prefix, body.Get<std::string>("path_prefix", ""));
    ASSIGN_OR_RETURN(label::LabelProject p, svc.Create(rq));
    ASSIGN_OR_RETURN(Json out, ProjectWithProgress(svc, p));
    return JsonResponse(Json{{"labeling_project", out}});
  });

  r.Add("GET", lp, Permission::kProjectRead, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    ASSIGN_OR_RETURN(Json out, ProjectWithProgress(svc, p));
    return JsonResponse(Json{{"labeling_project", out}});
  });

  r.Add("GET", lp + "/items", Permission::kProjectRead, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    ASSIGN_OR_RETURN(std::optional<int64_t> batch, QueryInt(ctx, "batch"));
    ASSIGN_OR_RETURN(std::optional<int64_t> offset, QueryInt(ctx, "offset"));
    ASSIGN_OR_RETURN(std::optional<int64_t> limit, QueryInt(ctx, "limit"));
    int64_t lim = std::min<int64_t>(limit.value_or(100), kMaxListedItems);
    ASSIGN_OR_RETURN(auto items, svc.store().Items(p.id, batch));
    label::AssignmentFilter f;
    f.batch = batch;
    ASSIGN_OR_RETURN(auto assignments, svc.store().Assignments(p.id, f));
    std::map<int64_t, Json> by_item;
    for (const auto& a : assignments) by_item[a.item_id].push_back(AssignmentJson(a, false));
    Json out = Json::array();
    int64_t start = offset.value_or(0);
    for (int64_t i = start; i < static_cast<int64_t>(items.size()) && i < start + lim; ++i) {
      Json j = LabelItemJson(items[i]);
      auto it = by_item.find(items[i].id);
      j["assignments"] = it == by_item.end() ? Json::array() : it->second;
      out.push_back(std::move(j));
    }
    return JsonResponse(Json{{"items", out}, {"total", items.size()}, {"offset", start}, {"limit", lim}});
  });

  r.Add("GET", lp + "/items/{item}", Permission::kProjectRead, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "item"));
    ASSIGN_OR_RETURN(label::LabelItem item, svc.store().GetItem(p.id, id));
    label::AssignmentFilter f;
    f.item_id = id;
    ASSIGN_OR_RETURN(auto assignments, svc.store().Assignments(p.id, f));
    Json out = LabelItemJson(item);
    out["assignments"] = Json::array();
    for (const auto& a : assignments) out["assignments"].push_back(AssignmentJson(a, true));
    return JsonResponse(Json{{"item", out}});
  });

  r.Add("GET", lp + "/items/{item}/content", Permission::kProjectRead, ProjectFromPath(s),
        [&s, &svc](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
          ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "item"));
          ASSIGN_OR_RETURN(label::LabelItem item, svc.store().GetItem(p.id, id));
          ASSIGN_OR_RETURN(data::Dataset ds, s.data.GetDataset(p.project_id, p.dataset));
          RETURN_IF_ERROR(AuditSensitiveRead(s, ctx, ds));
          ASSIGN_OR_RETURN(std::string bytes, svc.ItemBytes(item));
          HttpResponse resp;
          resp.content_type = ContentTypeOf(item.path);
          resp.headers.push_back({"Cache-Control", "private, max-age=3600"});
          resp.body = std::move(bytes);
          return resp;
        });

  r.Add("POST", lp + "/assign", Permission::kLabelManage, ProjectFromPath(s), [&s, &svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    ASSIGN_OR_RETURN(JsonReader body, BodyObject(ctx));
    RETURN_IF_ERROR(body.OnlyKeys({"mode", "labelers", "overlap", "batches", "items"}));
    label::AssignRequest rq;
    rq.user = ctx.user().username;
    ASSIGN_OR_RETURN(rq.mode, body.Get<std::string>("mode", "round_robin"));
    ASSIGN_OR_RETURN(JsonReader labelers, body.Array("labelers"));
    ASSIGN_OR_RETURN(rq.labelers, labelers.Items<std::string>());
    ASSIGN_OR_RETURN(rq.overlap, body.Opt<int64_t>("overlap"));
    ASSIGN_OR_RETURN(auto batches, body.OptList<int64_t>("batches"));
    ASSIGN_OR_RETURN(auto items, body.OptList<int64_t>("items"));
    rq.batches = batches.value_or(std::vector<int64_t>{});
    rq.items = items.value_or(std::vector<int64_t>{});
    RETURN_IF_ERROR(CheckLabelers(s, p.project_id, rq.labelers));
    ASSIGN_OR_RETURN(int64_t added, svc.Assign(p, rq));
    ASSIGN_OR_RETURN(Json progress, svc.Progress(p));
    return JsonResponse(Json{{"added", added}, {"progress", progress}});
  });

  r.Add("GET", lp + "/assignments", Permission::kProjectRead, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    label::AssignmentFilter f;
    if (auto l = ctx.req.Query("labeler"); l && !l->empty()) f.labeler = *l;
    if (ctx.req.Query("mine").value_or("") == "1") f.labeler = ctx.user().username;
    if (auto st = ctx.req.Query("state"); st && !st->empty()) {
      const auto& states = label::AssignmentStates();
      if (std::find(states.begin(), states.end(), *st) == states.end())
        return InvalidArgument("state must be one of todo, in_progress, submitted, accepted, rejected");
      f.state = *st;
    }
    ASSIGN_OR_RETURN(f.batch, QueryInt(ctx, "batch"));
    ASSIGN_OR_RETURN(auto assignments, svc.store().Assignments(p.id, f));
    ASSIGN_OR_RETURN(auto items, svc.store().Items(p.id, f.batch));
    std::map<int64_t, const label::LabelItem*> item_of;
    for (const auto& it : items) item_of[it.id] = &it;
    Json out = Json::array();
    for (const auto& a : assignments) {
      if (static_cast<int64_t>(out.size()) >= kMaxListedItems * 10) break;
      Json j = AssignmentJson(a, false);
      if (auto it = item_of.find(a.item_id); it != item_of.end()) j["path"] = it->second->path, j["batch"] = it->second->batch;
      out.push_back(std::move(j));
    }
    return JsonResponse(Json{{"assignments", out}, {"total", assignments.size()}});
  });

  auto save = [&svc](RouteContext& ctx, bool submit) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "assignment"));
    ASSIGN_OR_RETURN(JsonReader body, BodyObject(ctx));
    RETURN_IF_ERROR(body.OnlyKeys({"annotation"}));
    ASSIGN_OR_RETURN(Json annotation, body.Req<Json>("annotation"));
    label::Actor actor{ctx.user().username, ctx.user().global_role == auth::Role::kAdmin};
    ASSIGN_OR_RETURN(label::Assignment a, svc.Save(p, id, annotation, submit, actor));
    return JsonResponse(Json{{"assignment", AssignmentJson(a, true)}});
  };
  r.Add("PUT", lp + "/assignments/{assignment}", Permission::kLabelWrite, ProjectFromPath(s),
        [save](RouteContext& ctx) -> Result<HttpResponse> { return save(ctx, false); });
  r.Add("POST", lp + "/assignments/{assignment}/submit", Permission::kLabelWrite, ProjectFromPath(s),
        [save](RouteContext& ctx) -> Result<HttpResponse> { return save(ctx, true); });

  r.Add("POST", lp + "/assignments/{assignment}/review", Permission::kLabelManage, ProjectFromPath(s),
        [&svc](RouteContext& ctx) -> Result<HttpResponse> {
          ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
          ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "assignment"));
          ASSIGN_OR_RETURN(JsonReader body, BodyObject(ctx));
          RETURN_IF_ERROR(body.OnlyKeys({"decision", "comment"}));
          ASSIGN_OR_RETURN(std::string decision, body.Req<std::string>("decision"));
          if (decision != "accept" && decision != "reject") return body.Invalid("decision", "must be 'accept' or 'reject'");
          ASSIGN_OR_RETURN(std::string comment, body.Get<std::string>("comment", ""));
          ASSIGN_OR_RETURN(label::Assignment a, svc.Review(p, id, decision == "accept", comment, ctx.user().username));
          return JsonResponse(Json{{"assignment", AssignmentJson(a, true)}});
        });

  r.Add("GET", lp + "/history", Permission::kProjectRead, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    ASSIGN_OR_RETURN(std::optional<int64_t> item, QueryInt(ctx, "item"));
    ASSIGN_OR_RETURN(auto events, svc.store().Events(p.id, item));
    ASSIGN_OR_RETURN(auto items, svc.store().Items(p.id));
    std::map<int64_t, std::string> path_of;
    for (const auto& it : items) path_of[it.id] = it.path;
    Json out = Json::array();
    for (const auto& e : events) {
      Json j = LabelEventJson(e);
      j["path"] = path_of[e.item_id];
      out.push_back(std::move(j));
    }
    return JsonResponse(Json{{"events", out}});
  });

  r.Add("GET", lp + "/agreement", Permission::kProjectRead, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    label::AgreementOptions options;
    if (auto iou = ctx.req.Query("iou"); iou && !iou->empty()) {
      auto v = ParseDouble(*iou);
      if (!v || !(*v > 0 && *v <= 1)) return InvalidArgument("iou must be a number in (0, 1]");
      options.iou_threshold = *v;
    }
    ASSIGN_OR_RETURN(Json report, svc.Agreement(p, options));
    return JsonResponse(Json{{"agreement", report}});
  });

  r.Add("GET", lp + "/export", Permission::kProjectRead, ProjectFromPath(s), [&s, &svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    std::string format = ctx.req.Query("format").value_or("jsonl");
    std::string source = ctx.req.Query("source").value_or("accepted");
    if (source != "accepted" && source != "submitted") return InvalidArgument("source must be 'accepted' or 'submitted'");
    ASSIGN_OR_RETURN(label::LabelSchema schema, svc.store().GetSchemaById(p.schema_id));
    RETURN_IF_ERROR(label::CheckFormat(format, schema.spec));
    ASSIGN_OR_RETURN(data::Dataset ds, s.data.GetDataset(p.project_id, p.dataset));
    RETURN_IF_ERROR(AuditSensitiveRead(s, ctx, ds));
    ASSIGN_OR_RETURN(auto items, svc.ExportItems(p, source == "submitted"));
    ASSIGN_OR_RETURN(std::unique_ptr<label::Exporter> exporter, label::MakeExporter(format, schema.spec, std::move(items)));
    std::shared_ptr<label::Exporter> e(std::move(exporter));
    HttpResponse resp;
    resp.content_type = e->ContentType();
    resp.headers.push_back({"Content-Disposition", "attachment; filename=\"" + p.name + "-" + e->FileName() + "\""});
    resp.stream = [e]() { return e->Next(); };
    return resp;
  });

  r.Add("POST", lp + "/import", Permission::kLabelManage, ProjectFromPath(s), [&s, &svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    auto format = ctx.req.Query("format");
    if (!format || format->empty()) return InvalidArgument("name the file's format: ?format=coco|voc|yolo|conll2003|squad2|labelstudio|csv|jsonl");
    std::string labeler = ctx.req.Query("labeler").value_or(ctx.user().username);
    if (labeler != ctx.user().username) RETURN_IF_ERROR(CheckLabelers(s, p.project_id, {labeler}));
    ASSIGN_OR_RETURN(int64_t n, svc.Import(p, *format, ctx.req.body, labeler, ctx.user().username));
    ASSIGN_OR_RETURN(Json progress, svc.Progress(p));
    return JsonResponse(Json{{"imported", n}, {"labeler", labeler}, {"progress", progress}});
  });

  r.Add("POST", lp + "/finish", Permission::kLabelManage, ProjectFromPath(s), [&svc](RouteContext& ctx) -> Result<HttpResponse> {
    ASSIGN_OR_RETURN(label::LabelProject p, ProjectOf(svc, ctx));
    ASSIGN_OR_RETURN(JsonReader body, BodyObject(ctx));
    RETURN_IF_ERROR(body.OnlyKeys({"message", "allow_partial"}));
    ASSIGN_OR_RETURN(std::string message, body.Get<std::string>("message", ""));
    ASSIGN_OR_RETURN(bool partial, body.Get<bool>("allow_partial", false));
    ASSIGN_OR_RETURN(data::Version v, svc.Finish(p, message, partial, ctx.user().username));
    return JsonResponse(Json{{"version", {{"name", v.Name()}, {"number", v.number}, {"status", v.status}, {"item_count", v.item_count},
                                          {"derived", Json::parse(v.derived_json, nullptr, false)}}}});
  });

}

}  // namespace moebius::api
