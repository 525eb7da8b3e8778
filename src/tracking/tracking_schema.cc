#include "tracking/tracking_schema.h"

namespace moebius::tracking {

// Schema notes:
// - runs.run_uuid is a 32-char lowercase hex id, as MLflow's.
// - metrics keeps every point; the primary key makes re-sending an identical point (a client
//   retry) a no-op, as MLflow does. latest_metrics holds, per (run, key), the point with the
//   greatest (step, timestamp, value) and is what search filters and sorts on.
// - params are write-once per (run, key).
// - metrics is WITHOUT ROWID (migration 302): one b-tree keyed by its primary key, which every
//   read uses as a prefix (run, key, then step order), instead of a rowid table plus the
//   primary key's index, so each logged point is one b-tree insert, not two (~30% less SQLite
//   work per log-batch, bench/bench_sqlite_ingest.cc; issue 18).
std::vector<store::Migration> TrackingMigrations() {
  return {
      {300, "tracking_core", R"SQL(
CREATE TABLE experiments (
  experiment_id BIGINT PRIMARY KEY,
  project_id BIGINT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  artifact_location TEXT NOT NULL,
  lifecycle_stage TEXT NOT NULL,
  creation_time BIGINT NOT NULL,
  last_update_time BIGINT NOT NULL
);
CREATE INDEX experiments_project ON experiments (project_id);
CREATE TABLE experiment_tags (
  experiment_id BIGINT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
);
CREATE TABLE runs (
  run_uuid TEXT PRIMARY KEY,
  experiment_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  user_id TEXT NOT NULL,
  status TEXT NOT NULL,
  start_time BIGINT,
  end_time BIGINT,
  lifecycle_stage TEXT NOT NULL,
  artifact_uri TEXT NOT NULL,
  deleted_time BIGINT
);
CREATE INDEX runs_experiment_start ON runs (experiment_id, start_time);
CREATE TABLE params (
  run_uuid TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
);
CREATE TABLE tags (
  run_uuid TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
);
CREATE TABLE metrics (
  run_uuid TEXT NOT NULL,
  key TEXT NOT NULL,
  step BIGINT NOT NULL,
  timestamp BIGINT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  is_nan BIGINT NOT NULL,
  PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
);
CREATE TABLE latest_metrics (
  run_uuid TEXT NOT NULL,
  key TEXT NOT NULL,
  step BIGINT NOT NULL,
  timestamp BIGINT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  is_nan BIGINT NOT NULL,
  PRIMARY KEY (run_uuid, key)
);
CREATE INDEX latest_metrics_key_value ON latest_metrics (key, value);
CREATE INDEX params_key_value ON params (key, value);
CREATE INDEX tags_key_value ON tags (key, value);
CREATE TABLE run_inputs (
  run_uuid TEXT NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_uuid, kind, ref)
)
)SQL"},
      {301, "run_artifacts", R"SQL(
CREATE TABLE run_artifacts (
  run_uuid TEXT NOT NULL,
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (run_uuid, path)
)
)SQL"},
      // Rebuilds the table once on upgrade (a copy of every point: seconds per few million).
      {302, "metrics_without_rowid", R"SQL(
CREATE TABLE metrics_by_key (
  run_uuid TEXT NOT NULL,
  key TEXT NOT NULL,
  step BIGINT NOT NULL,
  timestamp BIGINT NOT NULL,
  value DOUBLE PRECISION NOT NULL,
  is_nan BIGINT NOT NULL,
  PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
) WITHOUT ROWID;
INSERT INTO metrics_by_key (run_uuid, key, step, timestamp, value, is_nan)
  SELECT run_uuid, key, step, timestamp, value, is_nan FROM metrics;
DROP TABLE metrics;
ALTER TABLE metrics_by_key RENAME TO metrics
)SQL"},
  };
}

}  // namespace moebius::tracking
