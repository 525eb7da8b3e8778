// Environments in the metadata store (migration 800): `environments` holds one row per name and
// project (its latest revision, a deleted flag), `environment_revisions` every revision's spec as
// JSON. Secret variable values are stored in the spec as given (meta.db is as sensitive as the
// data directory) and leave this class only through Get(); callers that answer users render
// SpecToPublicJson, which masks them.
//
// Deleting marks the environment deleted and keeps its revisions, so jobs queued with a revision
// still resolve it and a re-created name continues the revision numbers instead of reusing them.
//
// Thread-safety: thread-safe (the Database serializes writes).
#pragma once

#include <optional>
#include <vector>

#include "base/clock.h"
#include "envcode/environment_types.h"
#include "store/meta/database.h"
#include "store/meta/migrations.h"

namespace moebius::envcode {

std::vector<store::Migration> EnvironmentMigrations();

class EnvironmentStore {
 public:
  EnvironmentStore(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // kAlreadyExists when a live environment has the name.
  Result<Environment> Create(int64_t project_id, const std::string& name, const EnvironmentSpec& spec, const std::string& user,
                             const std::string& message);
  // A new revision with `spec`; kNotFound for an unknown or deleted environment.
  Result<Environment> Update(int64_t project_id, const std::string& name, const EnvironmentSpec& spec, const std::string& user,
                             const std::string& message);
  // The latest revision (or `revision`); `include_deleted` lets jobs resolve the revision they pinned.
  Result<Environment> Get(int64_t project_id, const std::string& name, std::optional<int64_t> revision = std::nullopt,
                          bool include_deleted = false);
  // Live environments of a project, by name, at their latest revision.
  Result<std::vector<Environment>> List(int64_t project_id);
  Result<std::vector<RevisionInfo>> Revisions(int64_t project_id, const std::string& name);
  Status Delete(int64_t project_id, const std::string& name);

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace moebius::envcode
