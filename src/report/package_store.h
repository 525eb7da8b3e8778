// Confirmed model packages (확정 모델 패키지, EVAL-6): the immutable record that a run passed its
// task's acceptance criteria, with the manifest (package_manifest in report_service.h) stored as
// a blob. There is no update and no delete: a package, once made, stays as it was — a run that
// should no longer be used is handled by the registry's stages and retirement, not by rewriting
// the confirmation. One package per (run, task).
//
// Schema: migration 900 (table confirmed_packages).
// Thread-safety: thread-safe (state lives in the database).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "store/meta/database.h"
#include "store/meta/migrations.h"

namespace moebius::report {

struct ConfirmedPackage {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string run_id;
  int64_t task_id = 0;
  std::string task_name;
  std::string criteria;         // the task's canonical acceptance criteria at confirmation
  Json criteria_result;         // {passed, clauses, missing}
  std::string manifest_sha256;  // blob of manifest.json
  int64_t manifest_size = 0;
  std::string created_by;
  int64_t created_at = 0;
};

class PackageStore {
 public:
  explicit PackageStore(store::Database& db) : db_(db) {}

  Result<int64_t> NextId();
  // kAlreadyExists when the run already has a package for this task.
  Status Create(const ConfirmedPackage& p);
  Result<ConfirmedPackage> Get(int64_t id);
  Result<std::vector<ConfirmedPackage>> ListForProject(int64_t project_id, int64_t limit = 500);
  Result<std::vector<ConfirmedPackage>> ListForRun(const std::string& run_id);

 private:
  store::Database& db_;
};

std::vector<store::Migration> ReportMigrations();

Json PackageJson(const ConfirmedPackage& p);

}  // namespace moebius::report
