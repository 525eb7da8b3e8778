#include "registry/registry_store.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "base/strings.h"
#include "store/meta/sql_text.h"
#include "tracking/page_token.h"
#include "tracking/search_sql.h"

namespace moebius::registry {
namespace {

using store::Row;
using store::SqlValue;
using store::Tx;

constexpr char kModelColumns[] = "id, project_id, name, description, created_by, created_at, updated_at";
constexpr char kVersionColumns[] =
    "v.id, v.model_id, m.name, m.project_id, v.version, v.source, v.run_id, v.package_id, v.format, v.flavor, v.model_file, "
    "v.files, v.content_sha256, v.signature, v.lineage, v.stage, v.status, v.description, v.created_by, v.created_at, v.updated_at, "
    "r.retired_at, r.request_id, r.retired_by, r.reason, r.keep_until";
constexpr size_t kMaxTagKey = 250;
constexpr size_t kMaxTagValue = 5000;

Status ValidateTag(const std::string& key, const std::string& value) {
  if (key.empty() || key.size() > kMaxTagKey) return InvalidArgument("tag key must be 1 to 250 characters");
  if (value.size() > kMaxTagValue) return InvalidArgument("tag value of '" + key + "' is longer than 5000 characters");
  return Status::Ok();
}

Json FilesJson(const std::vector<ModelFile>& files) {
  Json out = Json::array();
  for (const auto& f : files) out.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}, {"role", f.role}});
  return out;
}

std::vector<ModelFile> FilesOf(const std::string& text) {
  std::vector<ModelFile> out;
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& f : j)
    out.push_back({f.value("path", ""), f.value("sha256", ""), f.value("size", int64_t{0}), f.value("role", "")});
  return out;
}

Json JsonOf(const std::string& text) {
  Json j = Json::parse(text, nullptr, false);
  return j.is_discarded() ? Json() : j;
}

Stage StageOf(const std::string& text) { return ParseStage(text).ok() ? *ParseStage(text) : Stage::kDevelopment; }

// Columns of the model-version search: canonical attribute → column.
std::string VersionColumn(const std::string& a) {
  if (a == "name") return "m.name";
  if (a == "run_id") return "v.run_id";
  if (a == "source_path") return "v.source";
  if (a == "version_number") return "v.version";
  if (a == "current_stage") return "v.stage";
  if (a == "creation_timestamp") return "v.created_at";
  return "v.updated_at";  // last_updated_timestamp
}

std::string ModelColumn(const std::string& a) {
  if (a == "name") return "m.name";
  if (a == "creation_timestamp") return "m.created_at";
  return "m.updated_at";  // last_updated_timestamp
}


}  // namespace

const char* StageName(Stage s) {
  switch (s) {
    case Stage::kDevelopment: return "development";
    case Stage::kStaging: return "staging";
    case Stage::kProduction: return "production";
    case Stage::kArchived: return "archived";
  }
  return "development";
}

const char* MlflowStageName(Stage s) {
  switch (s) {
    case Stage::kDevelopment: return "None";
    case Stage::kStaging: return "Staging";
    case Stage::kProduction: return "Production";
    case Stage::kArchived: return "Archived";
  }
  return "None";
}

Result<Stage> ParseStage(std::string_view text) {
  std::string t = ToLower(text);
  if (t == "development" || t == "none") return Stage::kDevelopment;
  if (t == "staging") return Stage::kStaging;
  if (t == "production") return Stage::kProduction;
  if (t == "archived") return Stage::kArchived;
  return InvalidArgument("Invalid Model Version stage: '" + std::string(text.substr(0, 40)) +
                         "'; valid stages are development (None), staging, production and archived");
}

Status ValidateModelName(const std::string& name) {
  if (name.empty()) return InvalidArgument("Registered model name cannot be empty.");
  if (name.size() > 256) return InvalidArgument("Registered model name is longer than 256 characters");
  if (name.find('/') != std::string::npos) return InvalidArgument("Registered model name must not contain '/': '" + name + "'");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f) return InvalidArgument("Registered model name must not contain control characters");
  return Status::Ok();
}

Status ValidateAlias(const std::string& alias) {
  if (alias.empty() || alias.size() > 255) return InvalidArgument("Alias must be 1 to 255 characters");
  for (unsigned char c : alias)
    if (!std::isalnum(c) && c != '_' && c != '-')
      return InvalidArgument("Invalid alias name: '" + alias + "'. Aliases may only contain letters, digits, '_' and '-'");
  if (ToLower(alias) == "latest") return InvalidArgument("'latest' is a reserved alias");
  if ((alias[0] == 'v' || alias[0] == 'V') && alias.size() > 1 &&
      std::all_of(alias.begin() + 1, alias.end(), [](unsigned char c) { return std::isdigit(c); }))
    return InvalidArgument("Alias '" + alias + "' looks like a version (v<number>), which is reserved");
  return Status::Ok();
}

// ---- loading

Result<int64_t> RegistryStore::ModelIdOf(Tx& tx, const std::string& name) {
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM registered_models WHERE name = ?", {name}));
  if (rows.empty()) return NotFound("Registered Model with name=" + name + " not found");
  return rows[0].Int(0);
}

Result<int64_t> RegistryStore::VersionIdOf(Tx& tx, const std::string& name, int64_t version) {
  ASSIGN_OR_RETURN(int64_t model, ModelIdOf(tx, name));
  ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM model_versions WHERE model_id = ? AND version = ?", {model, version}));
  if (rows.empty()) return NotFound("Model Version (name=" + name + ", version=" + std::to_string(version) + ") not found");
  return rows[0].Int(0);
}

Result<RegisteredModel> RegistryStore::LoadModel(Tx& tx, int64_t id) {
  ASSIGN_OR_RETURN(Row r, store::QueryOne(tx, std::string("SELECT ") + kModelColumns + " FROM registered_models WHERE id = ?", {id},
                                          "registered model " + std::to_string(id)));
  RegisteredModel m;
  m.id = r.Int(0);
  m.project_id = r.Int(1);
  m.name = r.Text(2);
  m.description = r.Text(3);
  m.created_by = r.Text(4);
  m.created_at = r.Int(5);
  m.updated_at = r.Int(6);
  ASSIGN_OR_RETURN(auto tags, tx.Query("SELECT key, value FROM registered_model_tags WHERE model_id = ? ORDER BY key", {id}));
  for (const auto& t : tags) m.tags.emplace_back(t.Text(0), t.Text(1));
  ASSIGN_OR_RETURN(auto aliases, tx.Query("SELECT a.alias, v.version FROM model_aliases a JOIN model_versions v ON v.id = a.version_id "
                                          "WHERE a.model_id = ? ORDER BY a.alias",
                                          {id}));
  for (const auto& a : aliases) m.aliases.emplace_back(a.Text(0), a.Int(1));
  return m;
}

Result<ModelVersion> RegistryStore::LoadVersion(Tx& tx, int64_t id) {
  ASSIGN_OR_RETURN(Row r, store::QueryOne(tx,
                                          std::string("SELECT ") + kVersionColumns +
                                              " FROM model_versions v JOIN registered_models m ON m.id = v.model_id "
                                              "LEFT JOIN model_retirements r ON r.version_id = v.id WHERE v.id = ?",
                                          {id}, "model version " + std::to_string(id)));
  ModelVersion v;
  v.id = r.Int(0);
  v.model_id = r.Int(1);
  v.model_name = r.Text(2);
  v.project_id = r.Int(3);
  v.version = r.Int(4);
  v.source = r.Text(5);
  v.run_id = r.Text(6);
  v.package_id = r.Int(7);
  v.format = r.Text(8);
  v.flavor = r.Text(9);
  v.model_file = r.Text(10);
  v.files = FilesOf(r.Text(11));
  v.content_sha256 = r.Text(12);
  v.signature = JsonOf(r.Text(13));
  v.lineage = JsonOf(r.Text(14));
  v.stage = StageOf(r.Text(15));
  v.status = r.Text(16);
  v.description = r.Text(17);
  v.created_by = r.Text(18);
  v.created_at = r.Int(19);
  v.updated_at = r.Int(20);
  if (!r.IsNull(21)) {
    v.retired_at = r.Int(21);
    v.retire_request = r.Int(22);
    v.retired_by = r.Text(23);
    v.retire_reason = r.Text(24);
    v.keep_files_until = r.Int(25);
  }
  ASSIGN_OR_RETURN(auto tags, tx.Query("SELECT key, value FROM model_version_tags WHERE version_id = ? ORDER BY key", {id}));
  for (const auto& t : tags) v.tags.emplace_back(t.Text(0), t.Text(1));
  ASSIGN_OR_RETURN(auto aliases, tx.Query("SELECT alias FROM model_aliases WHERE version_id = ? ORDER BY alias", {id}));
  for (const auto& a : aliases) v.aliases.push_back(a.Text(0));
  return v;
}

// ---- models

Result<RegisteredModel> RegistryStore::CreateModel(int64_t project_id, const std::string& name, const std::string& description,
                                                   const Tags& tags, const std::string& user) {
  RETURN_IF_ERROR(ValidateModelName(name));
  for (const auto& [k, v] : tags) RETURN_IF_ERROR(ValidateTag(k, v));
  RegisteredModel out;
  Status st = db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, tx.NextId("registered_models"));
    int64_t now = clock_.NowMillis();
    auto ins = tx.Exec("INSERT INTO registered_models (id, project_id, name, description, created_by, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)",
                       {id, project_id, name, description, user, now, now});
    if (!ins.ok() && ins.status().code() == StatusCode::kAlreadyExists)
      return AlreadyExists("Registered Model (name=" + name + ") already exists.");
    RETURN_IF_ERROR(ins.status());
    for (const auto& [k, v] : tags)
      RETURN_IF_ERROR(tx.Exec("INSERT INTO registered_model_tags (model_id, key, value) VALUES (?, ?, ?) "
                              "ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
                              {id, k, v})
                          .status());
    ASSIGN_OR_RETURN(out, LoadModel(tx, id));
    return Status::Ok();
  });
  RETURN_IF_ERROR(st);
  return out;
}

Result<RegisteredModel> RegistryStore::GetModel(const std::string& name) {
  RegisteredModel out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, ModelIdOf(tx, name));
    ASSIGN_OR_RETURN(out, LoadModel(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<RegisteredModel> RegistryStore::GetModelById(int64_t id) {
  RegisteredModel out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, LoadModel(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<RegisteredModel> RegistryStore::UpdateModel(const std::string& name, const std::string& description) {
  RegisteredModel out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, ModelIdOf(tx, name));
    RETURN_IF_ERROR(tx.Exec("UPDATE registered_models SET description = ?, updated_at = ? WHERE id = ?", {description, clock_.NowMillis(), id})
                        .status());
    ASSIGN_OR_RETURN(out, LoadModel(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<RegisteredModel> RegistryStore::RenameModel(const std::string& name, const std::string& new_name) {
  RETURN_IF_ERROR(ValidateModelName(new_name));
  RegisteredModel out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, ModelIdOf(tx, name));
    auto up = tx.Exec("UPDATE registered_models SET name = ?, updated_at = ? WHERE id = ?", {new_name, clock_.NowMillis(), id});
    if (!up.ok() && up.status().code() == StatusCode::kAlreadyExists)
      return AlreadyExists("Registered Model (name=" + new_name + ") already exists.");
    RETURN_IF_ERROR(up.status());
    ASSIGN_OR_RETURN(out, LoadModel(tx, id));
    return Status::Ok();
  }));
  return out;
}

Status RegistryStore::DeleteModel(const std::string& name) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, ModelIdOf(tx, name));
    const std::vector<SqlValue> p{id};
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_stage_changes WHERE version_id IN (SELECT id FROM model_versions WHERE model_id = ?)", p).status());
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_version_tags WHERE version_id IN (SELECT id FROM model_versions WHERE model_id = ?)", p).status());
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_card_sections WHERE version_id IN (SELECT id FROM model_versions WHERE model_id = ?)", p).status());
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_retirements WHERE version_id IN (SELECT id FROM model_versions WHERE model_id = ?)", p).status());
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_aliases WHERE model_id = ?", p).status());
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_versions WHERE model_id = ?", p).status());
    RETURN_IF_ERROR(tx.Exec("DELETE FROM registered_model_tags WHERE model_id = ?", p).status());
    return tx.Exec("DELETE FROM registered_models WHERE id = ?", p).status();
  });
}

Status RegistryStore::SetModelTag(const std::string& name, const std::string& key, const std::string& value) {
  RETURN_IF_ERROR(ValidateTag(key, value));
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, ModelIdOf(tx, name));
    RETURN_IF_ERROR(tx.Exec("INSERT INTO registered_model_tags (model_id, key, value) VALUES (?, ?, ?) "
                            "ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
                            {id, key, value})
                        .status());
    return tx.Exec("UPDATE registered_models SET updated_at = ? WHERE id = ?", {clock_.NowMillis(), id}).status();
  });
}

Status RegistryStore::DeleteModelTag(const std::string& name, const std::string& key) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, ModelIdOf(tx, name));
    return tx.Exec("DELETE FROM registered_model_tags WHERE model_id = ? AND key = ?", {id, key}).status();
  });
}

// One search over models or versions: the grammar of `kind`, filters on tags (through
// `tag_table`.`owner`) and on attribute columns (`column_of`), the order asked for, then `tie_break`.
struct RegistryStore::SearchShape {
  tracking::SearchKind kind;
  int64_t max_results;
  const char* from;                     // FROM … (aliases m for models, v for versions)
  const char* tag_exists;               // EXISTS (…) with `t` the tag row, `?` the key
  std::string (*column_of)(const std::string& attribute);
  const char* default_order;            // when no order_by is given
  const char* tie_break;                // appended to every order, so paging is stable
};

Result<Page> RegistryStore::Search(const ModelSearch& q, const SearchShape& shape) {
  if (q.max_results < 1 || q.max_results > shape.max_results)
    return InvalidArgument("Invalid value for request parameter max_results. It must be at most " + std::to_string(shape.max_results) +
                           ", but got value " + std::to_string(q.max_results));
  ASSIGN_OR_RETURN(auto filter, tracking::ParseSearchFilter(q.filter, shape.kind));
  ASSIGN_OR_RETURN(auto order, tracking::ParseOrder(q.order_by, shape.kind));
  ASSIGN_OR_RETURN(int64_t offset, tracking::PageOffset(q.page_token));
  std::vector<SqlValue> params;
  std::string where = q.project_ids.empty() ? "1 = 0" : "m.project_id IN (" + store::Placeholders(q.project_ids.size()) + ")";
  for (int64_t p : q.project_ids) params.push_back(p);
  for (const auto& c : filter) {
    RETURN_IF_ERROR(tracking::CheckLikePattern(c));
    if (c.key.type == tracking::EntityType::kTag) {
      params.push_back(c.key.name);
      std::string cond = tracking::Condition("t.value", c, params);
      where += std::string(" AND ") + shape.tag_exists + " AND " + cond + ")";
    } else if (c.key.name == "current_stage") {
      // Stages compare in either spelling: 'Production' and 'production' are the same stage.
      tracking::Comparison canon = c;
      for (auto& val : canon.values)
        if (auto st = ParseStage(val.text); st.ok()) val.text = StageName(*st);
      where += " AND " + tracking::Condition("v.stage", canon, params);
    } else {
      where += " AND " + tracking::Condition(shape.column_of(c.key.name), c, params);
    }
  }
  std::string order_sql;
  for (const auto& o : order) order_sql += (order_sql.empty() ? "" : ", ") + shape.column_of(o.key.name) + (o.ascending ? " ASC" : " DESC");
  if (order_sql.empty()) order_sql = shape.default_order;
  order_sql += std::string(", ") + shape.tie_break;
  params.push_back(q.max_results + 1);
  params.push_back(offset);
  std::string sql = std::string("SELECT ") + (shape.kind == tracking::SearchKind::kModelVersions ? "v.id " : "m.id ") + shape.from +
                    " WHERE " + where + " ORDER BY " + order_sql + " LIMIT ? OFFSET ?";
  Page page;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
    for (const auto& r : rows) page.ids.push_back(r.Int(0));
    return Status::Ok();
  }));
  if (static_cast<int64_t>(page.ids.size()) > q.max_results) {
    page.ids.pop_back();
    page.next_page_token = tracking::EncodePageToken(offset + q.max_results);
  }
  return page;
}

Result<Page> RegistryStore::SearchModels(const ModelSearch& q) {
  // MLflow orders models by name unless told otherwise, and by name after any other key.
  static const SearchShape kShape{tracking::SearchKind::kRegisteredModels, kMaxModelSearchResults, "FROM registered_models m",
                                  "EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.model_id = m.id AND t.key = ?",
                                  ModelColumn, "m.name ASC", "m.name ASC, m.id ASC"};
  return Search(q, kShape);
}

Result<Page> RegistryStore::SearchVersions(const ModelSearch& q) {
  // MLflow's default: last_updated_timestamp DESC, then name ASC, version DESC.
  static const SearchShape kShape{tracking::SearchKind::kModelVersions, kMaxVersionSearchResults,
                                  "FROM model_versions v JOIN registered_models m ON m.id = v.model_id",
                                  "EXISTS (SELECT 1 FROM model_version_tags t WHERE t.version_id = v.id AND t.key = ?",
                                  VersionColumn, "v.updated_at DESC", "m.name ASC, v.version DESC"};
  return Search(q, kShape);
}

// ---- versions

Result<ModelVersion> RegistryStore::CreateVersion(ModelVersion v) {
  ModelVersion out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(RegisteredModel m, LoadModel(tx, v.model_id));
    // Never reused, also after a deletion: the counter is per model.
    ASSIGN_OR_RETURN(int64_t number, tx.NextId("model_version:" + std::to_string(m.id)));
    ASSIGN_OR_RETURN(int64_t id, tx.NextId("model_versions"));
    int64_t now = clock_.NowMillis();
    RETURN_IF_ERROR(tx.Exec("INSERT INTO model_versions (id, model_id, version, source, run_id, package_id, format, flavor, model_file, files, "
                            "content_sha256, signature, lineage, stage, status, description, created_by, created_at, updated_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            {id, m.id, number, v.source, v.run_id, v.package_id, v.format, v.flavor, v.model_file, FilesJson(v.files).dump(),
                             v.content_sha256, v.signature.dump(), v.lineage.dump(), std::string(StageName(Stage::kDevelopment)), v.status,
                             v.description, v.created_by, now, now})
                        .status());
    for (const auto& [k, val] : v.tags) {
      RETURN_IF_ERROR(ValidateTag(k, val));
      RETURN_IF_ERROR(tx.Exec("INSERT INTO model_version_tags (version_id, key, value) VALUES (?, ?, ?) "
                              "ON CONFLICT (version_id, key) DO UPDATE SET value = excluded.value",
                              {id, k, val})
                          .status());
    }
    RETURN_IF_ERROR(tx.Exec("UPDATE registered_models SET updated_at = ? WHERE id = ?", {now, m.id}).status());
    ASSIGN_OR_RETURN(out, LoadVersion(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<ModelVersion> RegistryStore::GetVersion(const std::string& name, int64_t version) {
  ModelVersion out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, VersionIdOf(tx, name, version));
    ASSIGN_OR_RETURN(out, LoadVersion(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<ModelVersion> RegistryStore::GetVersionById(int64_t id) {
  ModelVersion out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(out, LoadVersion(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ModelVersion>> RegistryStore::Versions(int64_t model_id) {
  std::vector<ModelVersion> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM model_versions WHERE model_id = ? ORDER BY version DESC", {model_id}));
    for (const auto& r : rows) {
      ASSIGN_OR_RETURN(ModelVersion v, LoadVersion(tx, r.Int(0)));
      out.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  return out;
}

Result<RegistryStore::VersionCounts> RegistryStore::CountVersions(int64_t model_id) {
  VersionCounts out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT stage, COUNT(*), MAX(version) FROM model_versions WHERE model_id = ? GROUP BY stage", {model_id}));
    for (const auto& r : rows) {
      out.by_stage[StageName(StageOf(r.Text(0)))] = r.Int(1);
      out.total += r.Int(1);
      out.latest = std::max(out.latest, r.Int(2));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ModelVersion>> RegistryStore::LatestVersions(int64_t model_id, const std::vector<Stage>& stages) {
  // The newest version of each stage, found in SQL: a model with many versions loads at most four.
  std::vector<ModelVersion> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT stage, MAX(version) FROM model_versions WHERE model_id = ? GROUP BY stage", {model_id}));
    std::map<Stage, int64_t> newest;
    for (const auto& r : rows) newest[StageOf(r.Text(0))] = r.Int(1);
    for (Stage st : {Stage::kDevelopment, Stage::kStaging, Stage::kProduction, Stage::kArchived}) {
      if (!stages.empty() && std::find(stages.begin(), stages.end(), st) == stages.end()) continue;
      auto it = newest.find(st);
      if (it == newest.end()) continue;
      ASSIGN_OR_RETURN(auto ids, tx.Query("SELECT id FROM model_versions WHERE model_id = ? AND version = ?", {model_id, it->second}));
      if (ids.empty()) continue;
      ASSIGN_OR_RETURN(ModelVersion v, LoadVersion(tx, ids[0].Int(0)));
      out.push_back(std::move(v));
    }
    return Status::Ok();
  }));
  return out;
}

Result<ModelVersion> RegistryStore::UpdateVersion(const std::string& name, int64_t version, const std::string& description) {
  ModelVersion out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, VersionIdOf(tx, name, version));
    RETURN_IF_ERROR(tx.Exec("UPDATE model_versions SET description = ?, updated_at = ? WHERE id = ?", {description, clock_.NowMillis(), id}).status());
    ASSIGN_OR_RETURN(out, LoadVersion(tx, id));
    return Status::Ok();
  }));
  return out;
}

Status RegistryStore::DeleteVersion(const std::string& name, int64_t version) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, VersionIdOf(tx, name, version));
    const std::vector<SqlValue> p{id};
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_aliases WHERE version_id = ?", p).status());
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_version_tags WHERE version_id = ?", p).status());
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_stage_changes WHERE version_id = ?", p).status());
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_card_sections WHERE version_id = ?", p).status());
    RETURN_IF_ERROR(tx.Exec("DELETE FROM model_retirements WHERE version_id = ?", p).status());
    return tx.Exec("DELETE FROM model_versions WHERE id = ?", p).status();
  });
}

Status RegistryStore::SetVersionTag(const std::string& name, int64_t version, const std::string& key, const std::string& value) {
  RETURN_IF_ERROR(ValidateTag(key, value));
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, VersionIdOf(tx, name, version));
    return tx.Exec("INSERT INTO model_version_tags (version_id, key, value) VALUES (?, ?, ?) "
                   "ON CONFLICT (version_id, key) DO UPDATE SET value = excluded.value",
                   {id, key, value})
        .status();
  });
}

Status RegistryStore::DeleteVersionTag(const std::string& name, int64_t version, const std::string& key) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, VersionIdOf(tx, name, version));
    return tx.Exec("DELETE FROM model_version_tags WHERE version_id = ? AND key = ?", {id, key}).status();
  });
}

// ---- stages and aliases

Status RegistryStore::TransitionTx(Tx& tx, int64_t id, Stage to, bool archive_existing, const std::string& user, const std::string& reason) {
  ASSIGN_OR_RETURN(ModelVersion v, LoadVersion(tx, id));
  if (v.retired_at > 0)
    return Conflict("version " + std::to_string(v.version) + " of '" + v.model_name + "' is retired; it stays archived").WithReason("RETIRED");
  int64_t now = clock_.NowMillis();
  auto record = [&](int64_t vid, Stage from, Stage dest, int64_t archived_for, const std::string& why) -> Status {
    ASSIGN_OR_RETURN(int64_t cid, tx.NextId("model_stage_changes"));
    RETURN_IF_ERROR(tx.Exec("UPDATE model_versions SET stage = ?, updated_at = ? WHERE id = ?", {std::string(StageName(dest)), now, vid}).status());
    return tx.Exec("INSERT INTO model_stage_changes (id, version_id, from_stage, to_stage, changed_by, reason, changed_at, archived_for) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   {cid, vid, std::string(StageName(from)), std::string(StageName(dest)), user, why, now, archived_for})
        .status();
  };
  RETURN_IF_ERROR(record(id, v.stage, to, 0, reason));
  if (archive_existing && (to == Stage::kStaging || to == Stage::kProduction)) {
    ASSIGN_OR_RETURN(auto others, tx.Query("SELECT id FROM model_versions WHERE model_id = ? AND stage = ? AND id != ?",
                                           {v.model_id, std::string(StageName(to)), id}));
    std::string why = "archived when version " + std::to_string(v.version) + " moved to " + StageName(to);
    for (const auto& r : others) RETURN_IF_ERROR(record(r.Int(0), to, Stage::kArchived, id, why));
  }
  return tx.Exec("UPDATE registered_models SET updated_at = ? WHERE id = ?", {now, v.model_id}).status();
}

Result<ModelVersion> RegistryStore::TransitionStage(const std::string& name, int64_t version, Stage to, bool archive_existing,
                                                    const std::string& user, const std::string& reason) {
  ModelVersion out;
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t id, VersionIdOf(tx, name, version));
    RETURN_IF_ERROR(TransitionTx(tx, id, to, archive_existing, user, reason));
    ASSIGN_OR_RETURN(out, LoadVersion(tx, id));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<StageChange>> RegistryStore::StageHistory(int64_t version_id) {
  std::vector<StageChange> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT c.id, c.version_id, c.from_stage, c.to_stage, c.changed_by, c.reason, c.changed_at, "
                                         "c.archived_for, p.version FROM model_stage_changes c "
                                         "LEFT JOIN model_versions p ON p.id = c.archived_for WHERE c.version_id = ? ORDER BY c.id",
                                         {version_id}));
    for (const auto& r : rows)
      out.push_back({r.Int(0), r.Int(1), StageOf(r.Text(2)), StageOf(r.Text(3)), r.Text(4), r.Text(5), r.Int(6), r.Int(7),
                     r.IsNull(8) ? 0 : r.Int(8)});
    return Status::Ok();
  }));
  return out;
}

Status RegistryStore::RetireTx(Tx& tx, int64_t version_id, int64_t request_id, const std::string& user, const std::string& reason) {
  ASSIGN_OR_RETURN(ModelVersion v, LoadVersion(tx, version_id));
  if (v.retired_at > 0) return Conflict("version " + std::to_string(v.version) + " of '" + v.model_name + "' is already retired").WithReason("RETIRED");
  if (v.stage != Stage::kArchived) RETURN_IF_ERROR(TransitionTx(tx, version_id, Stage::kArchived, false, user, "retired: " + reason));
  ASSIGN_OR_RETURN(auto policy, tx.Query("SELECT retention_days FROM retirement_policies WHERE project_id = ?", {v.project_id}));
  int64_t days = policy.empty() ? RetirementPolicy{}.retention_days : policy[0].Int(0);
  int64_t now = clock_.NowMillis();
  return tx.Exec("INSERT INTO model_retirements (version_id, request_id, reason, retired_by, retired_at, keep_until) VALUES (?, ?, ?, ?, ?, ?)",
                 {version_id, request_id, reason, user, now, now + days * 86400000})
      .status();
}

Result<RetirementPolicy> RegistryStore::GetRetirementPolicy(int64_t project_id) {
  RetirementPolicy p;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT max_age_days, superseded_by, retention_days FROM retirement_policies WHERE project_id = ?", {project_id}));
    if (!rows.empty()) p = {rows[0].Int(0), rows[0].Int(1), rows[0].Int(2)};
    return Status::Ok();
  }));
  return p;
}

Status RegistryStore::SetRetirementPolicy(int64_t project_id, const RetirementPolicy& p) {
  if (p.max_age_days < 0 || p.max_age_days > 36500) return InvalidArgument("max_age_days must be between 0 (off) and 36500");
  if (p.superseded_by < 0 || p.superseded_by > 1000) return InvalidArgument("superseded_by must be between 0 (off) and 1000");
  if (p.retention_days < 0 || p.retention_days > 36500) return InvalidArgument("retention_days must be between 0 and 36500");
  return db_.Write([&](Tx& tx) -> Status {
    return tx.Exec("INSERT INTO retirement_policies (project_id, max_age_days, superseded_by, retention_days) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (project_id) DO UPDATE SET max_age_days = excluded.max_age_days, superseded_by = excluded.superseded_by, "
                   "retention_days = excluded.retention_days",
                   {project_id, p.max_age_days, p.superseded_by, p.retention_days})
        .status();
  });
}

Result<std::vector<CardSection>> RegistryStore::CardSections(int64_t version_id) {
  std::vector<CardSection> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT section, body, updated_by, updated_at FROM model_card_sections WHERE version_id = ?", {version_id}));
    for (const auto& r : rows) out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
    return Status::Ok();
  }));
  return out;
}

Status RegistryStore::SetCardSections(int64_t version_id, const std::vector<CardSection>& sections, const std::string& user) {
  int64_t now = clock_.NowMillis();
  return db_.Write([&](Tx& tx) -> Status {
    for (const auto& s : sections) {
      if (s.text.empty()) {
        RETURN_IF_ERROR(tx.Exec("DELETE FROM model_card_sections WHERE version_id = ? AND section = ?", {version_id, s.key}).status());
        continue;
      }
      RETURN_IF_ERROR(tx.Exec("INSERT INTO model_card_sections (version_id, section, body, updated_by, updated_at) VALUES (?, ?, ?, ?, ?) "
                              "ON CONFLICT (version_id, section) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, "
                              "updated_at = excluded.updated_at",
                              {version_id, s.key, s.text, user, now})
                          .status());
    }
    return Status::Ok();
  });
}

Status RegistryStore::SetAlias(const std::string& name, const std::string& alias, int64_t version) {
  RETURN_IF_ERROR(ValidateAlias(alias));
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t model, ModelIdOf(tx, name));
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT id FROM model_versions WHERE model_id = ? AND version = ?", {model, version}));
    if (rows.empty()) return NotFound("Model Version (name=" + name + ", version=" + std::to_string(version) + ") not found");
    RETURN_IF_ERROR(tx.Exec("INSERT INTO model_aliases (model_id, alias, version_id) VALUES (?, ?, ?) "
                            "ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id",
                            {model, alias, rows[0].Int(0)})
                        .status());
    return tx.Exec("UPDATE registered_models SET updated_at = ? WHERE id = ?", {clock_.NowMillis(), model}).status();
  });
}

Status RegistryStore::DeleteAlias(const std::string& name, const std::string& alias) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t model, ModelIdOf(tx, name));
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("DELETE FROM model_aliases WHERE model_id = ? AND alias = ?", {model, alias}));
    if (n == 0) return NotFound("Registered model alias " + alias + " not found.");
    return Status::Ok();
  });
}

Result<ModelVersion> RegistryStore::GetByAlias(const std::string& name, const std::string& alias) {
  ModelVersion out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t model, ModelIdOf(tx, name));
    ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT version_id FROM model_aliases WHERE model_id = ? AND alias = ?", {model, alias}));
    if (rows.empty()) return NotFound("Registered model alias " + alias + " not found.");
    ASSIGN_OR_RETURN(out, LoadVersion(tx, rows[0].Int(0)));
    return Status::Ok();
  }));
  return out;
}

}  // namespace moebius::registry
