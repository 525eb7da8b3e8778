#include "report/package_store.h"

namespace moebius::report {
namespace {

constexpr const char* kColumns =
    "id, project_id, run_id, task_id, task_name, criteria, criteria_result, manifest_sha256, manifest_size, created_by, created_at";

ConfirmedPackage FromRow(const store::Row& r) {
  ConfirmedPackage p;
  p.id = r.Int(0);
  p.project_id = r.Int(1);
  p.run_id = r.Text(2);
  p.task_id = r.Int(3);
  p.task_name = r.Text(4);
  p.criteria = r.Text(5);
  p.criteria_result = Json::parse(r.Text(6), nullptr, false);
  p.manifest_sha256 = r.Text(7);
  p.manifest_size = r.Int(8);
  p.created_by = r.Text(9);
  p.created_at = r.Int(10);
  return p;
}

}  // namespace

std::vector<store::Migration> ReportMigrations() {
  return {{900, "confirmed_packages", R"SQL(
CREATE TABLE confirmed_packages (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  run_id TEXT NOT NULL,
  task_id BIGINT NOT NULL,
  task_name TEXT NOT NULL,
  criteria TEXT NOT NULL,
  criteria_result TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL,
  manifest_size BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (run_id, task_id)
);
CREATE INDEX confirmed_packages_project ON confirmed_packages (project_id, id)
)SQL"}};
}

Result<int64_t> PackageStore::NextId() {
  int64_t id = 0;
  RETURN_IF_ERROR(db_.Write([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(id, tx.NextId("confirmed_packages"));
    return Status::Ok();
  }));
  return id;
}

Status PackageStore::Create(const ConfirmedPackage& p) {
  return db_.Write([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::Rows rows, tx.Query("SELECT id FROM confirmed_packages WHERE run_id = ? AND task_id = ?", {p.run_id, p.task_id}));
    if (!rows.empty())
      return AlreadyExists("run '" + p.run_id + "' is already confirmed for task '" + p.task_name + "' (package " + std::to_string(rows[0].Int(0)) + ")");
    auto st = tx.Exec(std::string("INSERT INTO confirmed_packages (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      {p.id, p.project_id, p.run_id, p.task_id, p.task_name, p.criteria, p.criteria_result.dump(), p.manifest_sha256,
                       p.manifest_size, p.created_by, p.created_at});
    if (!st.ok()) return st.status();
    return Status::Ok();
  });
}

Result<ConfirmedPackage> PackageStore::Get(int64_t id) {
  ConfirmedPackage p;
  RETURN_IF_ERROR(db_.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::Row r, store::QueryOne(tx, std::string("SELECT ") + kColumns + " FROM confirmed_packages WHERE id = ?", {id},
                                                   "package " + std::to_string(id)));
    p = FromRow(r);
    return Status::Ok();
  }));
  return p;
}

Result<std::vector<ConfirmedPackage>> PackageStore::ListForProject(int64_t project_id, int64_t limit) {
  std::vector<ConfirmedPackage> out;
  RETURN_IF_ERROR(db_.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::Rows rows, tx.Query(std::string("SELECT ") + kColumns +
                                                    " FROM confirmed_packages WHERE project_id = ? ORDER BY id DESC LIMIT ?",
                                                {project_id, limit}));
    for (const auto& r : rows) out.push_back(FromRow(r));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ConfirmedPackage>> PackageStore::ListForRun(const std::string& run_id) {
  std::vector<ConfirmedPackage> out;
  RETURN_IF_ERROR(db_.Read([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(store::Rows rows, tx.Query(std::string("SELECT ") + kColumns + " FROM confirmed_packages WHERE run_id = ? ORDER BY id",
                                                {run_id}));
    for (const auto& r : rows) out.push_back(FromRow(r));
    return Status::Ok();
  }));
  return out;
}

Json PackageJson(const ConfirmedPackage& p) {
  return Json{{"id", p.id},
              {"run_id", p.run_id},
              {"task", p.task_name},
              {"task_id", p.task_id},
              {"criteria", p.criteria},
              {"criteria_result", p.criteria_result},
              {"manifest_sha256", p.manifest_sha256},
              {"manifest_size", p.manifest_size},
              {"created_by", p.created_by},
              {"created_at", p.created_at}};
}

}  // namespace moebius::report
