#include "envcode/environment_store.h"

namespace moebius::envcode {
namespace {

using store::Row;
using store::Rows;
using store::SqlValue;
using store::Tx;

constexpr char kSelect[] =
    "SELECT e.project_id, e.name, e.revision, e.created_at, e.created_by, r.revision, r.spec, r.message, r.created_at, r.created_by "
    "FROM environments e JOIN environment_revisions r ON r.project_id = e.project_id AND r.name = e.name ";

Result<Environment> EnvOf(const Row& row) {
  Environment e;
  e.project_id = row.Int(0);
  e.name = row.Text(1);
  e.latest_revision = row.Int(2);
  e.created_at = row.Int(3);
  e.created_by = row.Text(4);
  e.revision = row.Int(5);
  Json spec = Json::parse(row.Text(6), nullptr, false);
  if (spec.is_discarded()) return Internal("environment '" + e.name + "' revision " + std::to_string(e.revision) + " has an unreadable spec");
  spec.erase("message");
  auto parsed = ParseEnvironmentSpec(spec, nullptr);
  if (!parsed.ok()) return Internal("environment '" + e.name + "' revision " + std::to_string(e.revision) + ": " + parsed.status().message());
  e.spec = std::move(*parsed);
  e.message = row.Text(7);
  e.revised_at = row.Int(8);
  e.revised_by = row.Text(9);
  return e;
}

Status InsertRevision(Tx& tx, int64_t project_id, const std::string& name, int64_t revision, const EnvironmentSpec& spec,
                      const std::string& message, int64_t now, const std::string& user) {
  return tx.Exec("INSERT INTO environment_revisions (project_id, name, revision, spec, message, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                 {project_id, name, revision, SpecToStoredJson(spec).dump(), message, now, user})
      .status();
}

}  // namespace

std::vector<store::Migration> EnvironmentMigrations() {
  return {{800, "environments", R"SQL(
CREATE TABLE environments (
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  revision BIGINT NOT NULL,
  deleted BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (project_id, name)
);
CREATE TABLE environment_revisions (
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  revision BIGINT NOT NULL,
  spec TEXT NOT NULL,
  message TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (project_id, name, revision)
)
)SQL"}};
}

Result<Environment> EnvironmentStore::Create(int64_t project_id, const std::string& name, const EnvironmentSpec& spec,
                                             const std::string& user, const std::string& message) {
  RETURN_IF_ERROR(ValidateEnvironmentName(name));
  if (message.size() > 1000) return InvalidArgument("message must be at most 1000 bytes");
  int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT revision, deleted FROM environments WHERE project_id = ? AND name = ?", {project_id, name}));
    if (!rows.empty() && rows[0].Int(1) == 0) return AlreadyExists("environment '" + name + "' already exists; edit it to make a new revision");
    int64_t revision = rows.empty() ? 1 : rows[0].Int(0) + 1;
    if (rows.empty()) {
      RETURN_IF_ERROR(tx.Exec("INSERT INTO environments (project_id, name, kind, revision, deleted, created_at, created_by) VALUES (?, ?, ?, ?, 0, ?, ?)",
                              {project_id, name, spec.kind, revision, now, user})
                          .status());
    } else {
      RETURN_IF_ERROR(tx.Exec("UPDATE environments SET kind = ?, revision = ?, deleted = 0, created_at = ?, created_by = ? WHERE project_id = ? AND name = ?",
                              {spec.kind, revision, now, user, project_id, name})
                          .status());
    }
    return InsertRevision(tx, project_id, name, revision, spec, message, now, user);
  }));
  return Get(project_id, name);
}

Result<Environment> EnvironmentStore::Update(int64_t project_id, const std::string& name, const EnvironmentSpec& spec,
                                             const std::string& user, const std::string& message) {
  if (message.size() > 1000) return InvalidArgument("message must be at most 1000 bytes");
  int64_t now = clock_.NowMillis();
  RETURN_IF_ERROR(db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Row row, store::QueryOne(tx, "SELECT revision FROM environments WHERE project_id = ? AND name = ? AND deleted = 0",
                                              {project_id, name}, "environment '" + name + "' does not exist"));
    int64_t revision = row.Int(0) + 1;
    RETURN_IF_ERROR(tx.Exec("UPDATE environments SET kind = ?, revision = ? WHERE project_id = ? AND name = ?",
                            {spec.kind, revision, project_id, name})
                        .status());
    return InsertRevision(tx, project_id, name, revision, spec, message, now, user);
  }));
  return Get(project_id, name);
}

Result<Environment> EnvironmentStore::Get(int64_t project_id, const std::string& name, std::optional<int64_t> revision,
                                          bool include_deleted) {
  Environment out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    std::string sql = std::string(kSelect) + "WHERE e.project_id = ? AND e.name = ? AND r.revision = " + (revision ? "?" : "e.revision");
    if (!include_deleted) sql += " AND e.deleted = 0";
    std::vector<SqlValue> params{project_id, name};
    if (revision) params.push_back(*revision);
    ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
    if (rows.empty())
      return NotFound(revision ? "environment '" + name + "' has no revision " + std::to_string(*revision)
                               : "environment '" + name + "' does not exist");
    ASSIGN_OR_RETURN(out, EnvOf(rows[0]));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<Environment>> EnvironmentStore::List(int64_t project_id) {
  std::vector<Environment> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(Rows rows, tx.Query(std::string(kSelect) + "WHERE e.project_id = ? AND r.revision = e.revision AND e.deleted = 0 ORDER BY e.name",
                                         {project_id}));
    for (const Row& r : rows) {
      ASSIGN_OR_RETURN(Environment e, EnvOf(r));
      out.push_back(std::move(e));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<RevisionInfo>> EnvironmentStore::Revisions(int64_t project_id, const std::string& name) {
  std::vector<RevisionInfo> out;
  RETURN_IF_ERROR(db_.Read([&](Tx& tx) -> Status {
    RETURN_IF_ERROR(store::QueryOne(tx, "SELECT 1 FROM environments WHERE project_id = ? AND name = ? AND deleted = 0", {project_id, name},
                                    "environment '" + name + "' does not exist")
                        .status());
    ASSIGN_OR_RETURN(Rows rows, tx.Query("SELECT revision, message, created_at, created_by FROM environment_revisions "
                                         "WHERE project_id = ? AND name = ? ORDER BY revision DESC",
                                         {project_id, name}));
    for (const Row& r : rows) out.push_back({r.Int(0), r.Text(1), r.Int(2), r.Text(3)});
    return Status::Ok();
  }));
  return out;
}

Status EnvironmentStore::Delete(int64_t project_id, const std::string& name) {
  return db_.Write([&](Tx& tx) -> Status {
    ASSIGN_OR_RETURN(int64_t n, tx.Exec("UPDATE environments SET deleted = 1 WHERE project_id = ? AND name = ? AND deleted = 0", {project_id, name}));
    if (n == 0) return NotFound("environment '" + name + "' does not exist");
    return Status::Ok();
  });
}

}  // namespace moebius::envcode
