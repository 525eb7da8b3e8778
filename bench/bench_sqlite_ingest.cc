// The ceiling of tracking ingest: the rows one log-batch of 1000 metrics writes (bench_ingest's
// rows: 10 keys, rising steps), inserted in-process into a data directory's meta.db with the
// server's schema (auth, project and tracking migrations) and the server's connection pragmas,
// one transaction per batch, for SECONDS. Two arms, one after the other on fresh databases:
//
//   sqlite  straight through the sqlite3 C API: the run-is-active check, the metric INSERTs and
//           the latest_metrics upserts the store issues, with prepared statements; no JSON, no
//           HTTP, no Status. What SQLite itself can take: the physical limit here.
//   store   TrackingStore::LogBatch with the same points (validation, the Tx wrapper).
//   sqlite_rowid_table  the `sqlite` arm with metrics rebuilt as before migration 302: a rowid
//           table plus its primary key's index (two b-tree inserts per point instead of one).
//
// bench_ingest (over HTTP) can at best approach the `sqlite` figure; the gap between the arms
// and bench_ingest says where time goes. Each arm reports points per second of wall time and per
// second of this process's CPU time (the latter barely moves when the machine is shared).
//
// usage: bench_sqlite_ingest DIR SECONDS
#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "auth/auth_schema.h"
#include "base/clock.h"
#include "project/project_service.h"
#include "store/blob/blob_store.h"
#include "store/meta/migrations.h"
#include "store/meta/sqlite_database.h"
#include "tracking/tracking_schema.h"
#include "tracking/tracking_store.h"

using namespace moebius;

namespace {

constexpr int kBatch = 1000;

struct Seeded {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::BlobStore> blobs;
  std::unique_ptr<tracking::TrackingStore> tracking;
  std::string run_id;
};

// A data directory with the server's schema (the tables log-batch touches and what they refer
// to) and one run to log to.
Seeded Seed(const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Seeded s;
  s.db = std::move(store::OpenSqlite(dir + "/meta.db")).value();
  std::vector<store::Migration> all = auth::AuthMigrations();
  for (auto* f : {project::ProjectMigrations, tracking::TrackingMigrations})
    for (auto& m : f()) all.push_back(m);
  if (Status st = store::Migrate(*s.db, all); !st.ok()) {
    std::fprintf(stderr, "migrate: %s\n", st.ToString().c_str());
    std::exit(1);
  }
  s.blobs = std::move(store::OpenBlobStore(dir + "/blobs")).value();
  const Clock& clock = SystemClock::Instance();
  project::ProjectService projects(*s.db, clock);
  s.tracking = std::make_unique<tracking::TrackingStore>(*s.db, *s.blobs, clock);
  auto p = projects.CreateProject("bench", "", "", std::nullopt, "admin", nullptr);
  auto e = s.tracking->CreateExperiment(p.value().id, "bench-ingest", "", {});
  auto run = s.tracking->CreateRun(e.value().experiment_id, "admin", "ingest", 1700000000000, {});
  s.run_id = run.value().info.run_id;
  return s;
}

// bench_ingest's points: key m0..m9 in turn, value step/1000, timestamp base + step.
std::vector<tracking::MetricPoint> Batch(int64_t& step) {
  std::vector<tracking::MetricPoint> out;
  out.reserve(kBatch);
  for (int i = 0; i < kBatch; ++i, ++step)
    out.push_back({"m" + std::to_string(i % 10), step * 0.001, 1700000000000 + step, step});
  return out;
}

void Check(sqlite3* db, int rc, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

double RawSqlite(const std::string& dir, double seconds, bool rowid_table, long* points, double* cpu) {
  std::string run_id;
  {
    Seeded s = Seed(dir);  // closed again before the raw connection opens
    run_id = s.run_id;
  }
  sqlite3* db = nullptr;
  Check(db, sqlite3_open_v2((dir + "/meta.db").c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr), "open");
  // The server's pragmas (src/store/meta/sqlite_database.cc, Connection::Open), default options.
  Check(db, sqlite3_exec(db, "PRAGMA foreign_keys=ON; PRAGMA case_sensitive_like=ON; PRAGMA cache_size=-65536; "
                             "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr), "pragmas");
  if (rowid_table)
    Check(db, sqlite3_exec(db, "DROP TABLE metrics; CREATE TABLE metrics (run_uuid TEXT NOT NULL, key TEXT NOT NULL, step BIGINT NOT NULL, "
                               "timestamp BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, is_nan BIGINT NOT NULL, "
                               "PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan))", nullptr, nullptr, nullptr),
          "rowid table");
  sqlite3_stmt *active, *insert, *latest_get, *latest_put;
  Check(db, sqlite3_prepare_v2(db, "SELECT lifecycle_stage FROM runs WHERE run_uuid = ?", -1, &active, nullptr), "prepare");
  Check(db, sqlite3_prepare_v2(db, "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?) "
                                   "ON CONFLICT DO NOTHING", -1, &insert, nullptr), "prepare");
  Check(db, sqlite3_prepare_v2(db, "SELECT step, timestamp, value, is_nan FROM latest_metrics WHERE run_uuid = ? AND key = ?", -1,
                               &latest_get, nullptr), "prepare");
  Check(db, sqlite3_prepare_v2(db, "INSERT INTO latest_metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES (?, ?, ?, ?, ?, ?) "
                                   "ON CONFLICT (run_uuid, key) DO UPDATE SET step = excluded.step, timestamp = excluded.timestamp, "
                                   "value = excluded.value, is_nan = excluded.is_nan", -1, &latest_put, nullptr), "prepare");
  int64_t step = 0;
  *points = 0;
  auto t0 = std::chrono::steady_clock::now();
  std::clock_t c0 = std::clock();
  double elapsed = 0;
  while (elapsed < seconds) {
    std::vector<tracking::MetricPoint> batch = Batch(step);
    Check(db, sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
    sqlite3_bind_text(active, 1, run_id.data(), static_cast<int>(run_id.size()), SQLITE_STATIC);
    Check(db, sqlite3_step(active), "active");
    sqlite3_reset(active);
    std::map<std::string, const tracking::MetricPoint*> last;
    for (const auto& m : batch) {
      sqlite3_bind_text(insert, 1, run_id.data(), static_cast<int>(run_id.size()), SQLITE_STATIC);
      sqlite3_bind_text(insert, 2, m.key.data(), static_cast<int>(m.key.size()), SQLITE_STATIC);
      sqlite3_bind_int64(insert, 3, m.step);
      sqlite3_bind_int64(insert, 4, m.timestamp);
      sqlite3_bind_double(insert, 5, m.value);
      sqlite3_bind_int64(insert, 6, std::isnan(m.value) ? 1 : 0);
      Check(db, sqlite3_step(insert), "insert");
      sqlite3_reset(insert);
      last[m.key] = &m;
    }
    for (const auto& [key, m] : last) {
      sqlite3_bind_text(latest_get, 1, run_id.data(), static_cast<int>(run_id.size()), SQLITE_STATIC);
      sqlite3_bind_text(latest_get, 2, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
      Check(db, sqlite3_step(latest_get), "latest");
      sqlite3_reset(latest_get);
      sqlite3_bind_text(latest_put, 1, run_id.data(), static_cast<int>(run_id.size()), SQLITE_STATIC);
      sqlite3_bind_text(latest_put, 2, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
      sqlite3_bind_int64(latest_put, 3, m->step);
      sqlite3_bind_int64(latest_put, 4, m->timestamp);
      sqlite3_bind_double(latest_put, 5, m->value);
      sqlite3_bind_int64(latest_put, 6, 0);
      Check(db, sqlite3_step(latest_put), "latest upsert");
      sqlite3_reset(latest_put);
    }
    Check(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "commit");
    *points += kBatch;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  *cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  for (sqlite3_stmt* s : {active, insert, latest_get, latest_put}) sqlite3_finalize(s);
  sqlite3_close_v2(db);
  return elapsed;
}

double Store(const std::string& dir, double seconds, long* points, double* cpu) {
  Seeded s = Seed(dir);
  int64_t step = 0;
  *points = 0;
  auto t0 = std::chrono::steady_clock::now();
  std::clock_t c0 = std::clock();
  double elapsed = 0;
  while (elapsed < seconds) {
    std::vector<tracking::MetricPoint> batch = Batch(step);
    if (Status st = s.tracking->LogBatch(s.run_id, batch, {}, {}); !st.ok()) {
      std::fprintf(stderr, "LogBatch: %s\n", st.ToString().c_str());
      std::exit(1);
    }
    *points += kBatch;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  *cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  return elapsed;
}

struct Rate {
  double wall = 0, cpu = 0;
};

template <typename Arm>
Rate Measure(Arm arm) {
  long points = 0;
  double cpu = 0;
  double wall = arm(&points, &cpu);
  return {points / wall, points / cpu};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DIR SECONDS\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  double seconds = std::atof(argv[2]);
  Rate raw = Measure([&](long* n, double* c) { return RawSqlite(dir + "/sqlite", seconds, false, n, c); });
  Rate store = Measure([&](long* n, double* c) { return Store(dir + "/store", seconds, n, c); });
  Rate rt = Measure([&](long* n, double* c) { return RawSqlite(dir + "/rowid-table", seconds, true, n, c); });
  std::printf("{\"sqlite_points_per_second\": %.0f, \"store_points_per_second\": %.0f, \"sqlite_rowid_table_points_per_second\": %.0f, "
              "\"sqlite_points_per_cpu_second\": %.0f, \"store_points_per_cpu_second\": %.0f, "
              "\"sqlite_rowid_table_points_per_cpu_second\": %.0f, \"seconds\": %.2f}\n",
              raw.wall, store.wall, rt.wall, raw.cpu, store.cpu, rt.cpu, seconds);
  return 0;
}
