#include "data/data_schema.h"

namespace moebius::data {

std::vector<store::Migration> DataMigrations() {
  return {
      {400, "datasets_rounds_versions", R"SQL(
CREATE TABLE datasets (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  domain TEXT NOT NULL,
  description TEXT NOT NULL,
  sensitive BIGINT NOT NULL,
  tags TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (project_id, name)
);
CREATE TABLE data_rounds (
  id BIGINT PRIMARY KEY,
  dataset_id BIGINT NOT NULL,
  number BIGINT NOT NULL,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  note TEXT NOT NULL,
  manifest_root TEXT NOT NULL,
  item_count BIGINT NOT NULL,
  total_bytes BIGINT NOT NULL,
  sources TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (dataset_id, number)
);
CREATE TABLE data_versions (
  id BIGINT PRIMARY KEY,
  dataset_id BIGINT NOT NULL,
  number BIGINT NOT NULL,
  status TEXT NOT NULL,
  manifest_root TEXT NOT NULL,
  base_version BIGINT,
  delta_sha TEXT NOT NULL,
  item_count BIGINT NOT NULL,
  total_bytes BIGINT NOT NULL,
  message TEXT NOT NULL,
  derived TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (dataset_id, number)
);
CREATE TABLE data_lineage (
  child_kind TEXT NOT NULL,
  child_id BIGINT NOT NULL,
  parent_kind TEXT NOT NULL,
  parent_id BIGINT NOT NULL,
  relation TEXT NOT NULL,
  PRIMARY KEY (child_kind, child_id, parent_kind, parent_id)
)
)SQL"},
      {401, "schemas_transforms", R"SQL(
CREATE TABLE data_schemas (
  dataset_id BIGINT PRIMARY KEY,
  schema_json TEXT NOT NULL,
  version BIGINT NOT NULL,
  item TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE TABLE data_transforms (
  dataset_id BIGINT NOT NULL,
  hash TEXT NOT NULL,
  version BIGINT NOT NULL,
  item TEXT NOT NULL,
  spec_sha TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  PRIMARY KEY (dataset_id, hash)
)
)SQL"},
      // SQL sources (DATA-1): connections to PostgreSQL or SQLite databases a round can be
      // queried from. `target` may hold a password; the API never returns it unmasked.
      {402, "data_connections", R"SQL(
CREATE TABLE data_connections (
  id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  UNIQUE (project_id, name)
)
)SQL"},
      {410, "dataset_columns", R"SQL(
CREATE TABLE data_columns (
  dataset_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  PRIMARY KEY (dataset_id, name)
)
)SQL"},
      // Strict ingest (opt-in): refuse empty files and unknown sidecars instead of storing them.
      {411, "dataset_strict_ingest", R"SQL(
ALTER TABLE datasets ADD COLUMN strict_ingest BIGINT NOT NULL DEFAULT 0
)SQL"},
  };
}

}  // namespace moebius::data
