#include "registry/registry_schema.h"

namespace moebius::registry {

// Schema notes:
// - registered_models.name is unique in the server (MLflow's registry has one namespace); the
//   model belongs to a project, whose roles decide who may see and change it.
// - model_versions.files is the JSON list of {path, sha256, size, role}: the bytes stay in the
//   blob store under their sha256 (shared with the run's artifacts), so registering copies no file.
// - model_stage_changes is append-only: the history of every stage change.
std::vector<store::Migration> RegistryMigrations() {
  return {
      {1100, "registry_core", R"SQL(
CREATE TABLE registered_models (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX registered_models_project ON registered_models (project_id);
CREATE TABLE registered_model_tags (
  model_id BIGINT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
);
CREATE TABLE model_versions (
  id BIGINT PRIMARY KEY,
  model_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  source TEXT NOT NULL,
  run_id TEXT NOT NULL,
  package_id BIGINT NOT NULL,
  format TEXT NOT NULL,
  flavor TEXT NOT NULL,
  model_file TEXT NOT NULL,
  files TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  signature TEXT NOT NULL,
  lineage TEXT NOT NULL,
  stage TEXT NOT NULL,
  status TEXT NOT NULL,
  description TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (model_id, version)
);
CREATE INDEX model_versions_run ON model_versions (run_id);
CREATE TABLE model_version_tags (
  version_id BIGINT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (version_id, key)
);
CREATE TABLE model_aliases (
  model_id BIGINT NOT NULL,
  alias TEXT NOT NULL,
  version_id BIGINT NOT NULL,
  PRIMARY KEY (model_id, alias)
);
CREATE TABLE model_stage_changes (
  id BIGINT PRIMARY KEY,
  version_id BIGINT NOT NULL,
  from_stage TEXT NOT NULL,
  to_stage TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  changed_at BIGINT NOT NULL,
  archived_for BIGINT NOT NULL
);
CREATE INDEX model_stage_changes_version ON model_stage_changes (version_id, id);
)SQL"},
      // Approval requests (REG-5): one row per request, its reviews and comments as events; a
      // project's number of required approvals.
      {1101, "registry_approvals", R"SQL(
CREATE TABLE approval_requests (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  model_id BIGINT NOT NULL,
  version_id BIGINT NOT NULL,
  target_stage TEXT NOT NULL,
  archive_existing BIGINT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL,
  required_approvals BIGINT NOT NULL,
  requested_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  decided_at BIGINT NOT NULL
);
CREATE INDEX approval_requests_project_state ON approval_requests (project_id, state);
CREATE INDEX approval_requests_version ON approval_requests (version_id);
CREATE TABLE approval_events (
  id BIGINT PRIMARY KEY,
  request_id BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  comment TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX approval_events_request ON approval_events (request_id, id);
CREATE TABLE registry_settings (
  project_id BIGINT PRIMARY KEY,
  required_approvals BIGINT NOT NULL
);
)SQL"},
      // Model cards (REG-4): the text people write per section of a version's card.
      {1102, "registry_model_cards", R"SQL(
CREATE TABLE model_card_sections (
  version_id BIGINT NOT NULL,
  section TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (version_id, section)
);
)SQL"},
      // Retirement (REG-6): a project's policy, and the record of each retired version that stays.
      {1103, "registry_retirement", R"SQL(
CREATE TABLE retirement_policies (
  project_id BIGINT PRIMARY KEY,
  max_age_days BIGINT NOT NULL,
  superseded_by BIGINT NOT NULL,
  retention_days BIGINT NOT NULL
);
CREATE TABLE model_retirements (
  version_id BIGINT PRIMARY KEY,
  request_id BIGINT NOT NULL,
  reason TEXT NOT NULL,
  retired_by TEXT NOT NULL,
  retired_at BIGINT NOT NULL,
  keep_until BIGINT NOT NULL
);
)SQL"},
  };
}

}  // namespace moebius::registry
