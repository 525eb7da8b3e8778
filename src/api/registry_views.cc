#include "api/registry_views.h"

#include "base/strings.h"
#include "project/project_service.h"
#include "registry/registry_service.h"
#include "registry/registry_store.h"

namespace moebius::api {

using registry::MlflowStageName;
using registry::StageName;

namespace {

Json TagsJson(const registry::Tags& tags) {
  Json out = Json::array();
  for (const auto& [k, v] : tags) out.push_back({{"key", k}, {"value", v}});
  return out;
}

}  // namespace

Json MlflowVersionJson(const registry::ModelVersion& v) {
  Json out{{"name", v.model_name},
           {"version", std::to_string(v.version)},
           {"creation_timestamp", v.created_at},
           {"last_updated_timestamp", v.updated_at},
           {"user_id", v.created_by},
           {"current_stage", MlflowStageName(v.stage)},
           {"description", v.description},
           {"source", v.source},
           {"run_id", v.run_id},
           {"status", v.status},
           {"tags", TagsJson(v.tags)},
           {"aliases", v.aliases}};
  return out;
}

Result<Json> MlflowModelJson(Services& s, const registry::RegisteredModel& m) {
  ASSIGN_OR_RETURN(auto latest, s.registry.store().LatestVersions(m.id));
  Json lv = Json::array();
  for (const auto& v : latest) lv.push_back(MlflowVersionJson(v));
  Json aliases = Json::array();
  for (const auto& [a, n] : m.aliases) aliases.push_back({{"alias", a}, {"version", std::to_string(n)}});
  return Json{{"name", m.name},
              {"creation_timestamp", m.created_at},
              {"last_updated_timestamp", m.updated_at},
              {"user_id", m.created_by},
              {"description", m.description},
              {"latest_versions", lv},
              {"tags", TagsJson(m.tags)},
              {"aliases", aliases}};
}

Json VersionJson(const registry::ModelVersion& v) {
  Json files = Json::array();
  for (const auto& f : v.files) files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}, {"role", f.role}});
  return Json{{"id", v.id},
              {"model", v.model_name},
              {"version", v.version},
              {"project_id", v.project_id},
              {"stage", StageName(v.stage)},
              {"status", v.status},
              {"source", v.source},
              {"run_id", v.run_id},
              {"package_id", v.package_id > 0 ? Json(v.package_id) : Json(nullptr)},
              {"format", v.format},
              {"flavor", v.flavor},
              {"model_file", v.model_file},
              {"files", files},
              {"content_sha256", v.content_sha256},
              {"signature", v.signature},
              {"lineage", v.lineage},
              {"description", v.description},
              {"tags", TagsJson(v.tags)},
              {"aliases", v.aliases},
              {"created_by", v.created_by},
              {"created_at", v.created_at},
              {"updated_at", v.updated_at},
              {"retirement", v.retired_at > 0 ? Json{{"retired_at", v.retired_at},
                                                     {"request_id", v.retire_request},
                                                     {"retired_by", v.retired_by},
                                                     {"reason", v.retire_reason},
                                                     {"keep_files_until", v.keep_files_until}}
                                              : Json(nullptr)}};
}

Json ModelJson(const registry::RegisteredModel& m) {
  Json aliases = Json::object();
  for (const auto& [a, n] : m.aliases) aliases[a] = n;
  return Json{{"id", m.id},          {"name", m.name},           {"project_id", m.project_id}, {"description", m.description},
              {"tags", TagsJson(m.tags)}, {"aliases", aliases}, {"created_by", m.created_by}, {"created_at", m.created_at},
              {"updated_at", m.updated_at}};
}

Json StageChangeJson(const registry::StageChange& c) {
  return Json{{"from", StageName(c.from)}, {"to", StageName(c.to)}, {"by", c.by}, {"reason", c.reason}, {"at", c.at},
              {"archived_for", c.archived_for_version > 0 ? Json(c.archived_for_version) : Json(nullptr)}};
}

namespace {

// The model's project; for a model that does not exist, the project the client names in
// X-Moebius-Project (as for a creation), so that its roles decide between 403 and the 404.
Result<std::vector<int64_t>> ProjectOfModel(Services& s, RouteContext& ctx, const std::string& name) {
  auto m = s.registry.store().GetModel(name);
  if (m.ok()) return std::vector<int64_t>{m->project_id};
  if (m.status().code() == StatusCode::kNotFound) {
    if (auto h = ctx.req.Header("x-moebius-project")) {
      auto p = s.projects.GetProject(std::string(*h));
      if (p.ok()) return std::vector<int64_t>{p->id};
    }
  }
  return m.status();
}

}  // namespace

ProjectResolver ModelFromField(Services& s, const char* field) {
  return [&s, field](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    ASSIGN_OR_RETURN(auto name, ctx.QueryOrBodyString(field));
    if (!name) return InvalidArgument(std::string("Missing value for required parameter '") + field + "'");
    return ProjectOfModel(s, ctx, *name);
  };
}

ProjectResolver ModelFromPath(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> { return ProjectOfModel(s, ctx, ctx.Param("model")); };
}

Result<int64_t> VersionNumber(const Json& value, const char* field) {
  std::optional<int64_t> n;
  if (value.is_number_integer()) {
    n = value.get<int64_t>();
  } else if (value.is_string()) {
    std::string t = value.get<std::string>();
    n = ParseInt64(!t.empty() && (t[0] == 'v' || t[0] == 'V') ? t.substr(1) : t);  // "3" or "v3"
  }
  if (!n || *n < 1)
    return InvalidArgument(std::string("Parameter '") + field + "' must be a positive integer version number, got " + value.dump().substr(0, 40));
  return *n;
}

}  // namespace moebius::api
