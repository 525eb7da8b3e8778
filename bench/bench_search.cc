// Run search over many runs.
//   bench_search seed DATA_DIR RUNS     fills a fresh data directory with RUNS runs (params,
//                                       5 metrics, tags) in experiment "bench-search"
//   bench_search query URL TOKEN EXPERIMENT_ID ITERATIONS
//                                       times POST /api/2.0/mlflow/runs/search with a metric filter
//                                       and an order_by; prints p50/p90/p99 latency in ms
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "auth/auth_schema.h"
#include "base/clock.h"
#include "base/json.h"
#include "bench/bench_http.h"
#include "project/project_service.h"
#include "store/blob/blob_store.h"
#include "store/meta/migrations.h"
#include "store/meta/sqlite_database.h"
#include "tracking/tracking_schema.h"
#include "tracking/tracking_store.h"

using namespace moebius;

static int Seed(const std::string& dir, int n) {
  std::filesystem::create_directories(dir);
  auto db = std::move(store::OpenSqlite(dir + "/meta.db")).value();
  std::vector<store::Migration> all = auth::AuthMigrations();
  for (auto* f : {project::ProjectMigrations, tracking::TrackingMigrations})
    for (auto& m : f()) all.push_back(m);
  if (!store::Migrate(*db, all).ok()) return 1;
  auto blobs = std::move(store::OpenBlobStore(dir + "/blobs")).value();
  const Clock& clock = SystemClock::Instance();
  project::ProjectService projects(*db, clock);
  tracking::TrackingStore tracking(*db, *blobs, clock);
  auto p = projects.CreateProject("bench", "", "", std::nullopt, "admin", nullptr);
  if (!p.ok()) return 1;
  auto e = tracking.CreateExperiment(p->id, "bench-search", "", {});
  if (!e.ok()) return 1;
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0, 1);
  for (int i = 0; i < n; ++i) {
    auto run = tracking.CreateRun(e->experiment_id, "admin", "run-" + std::to_string(i), 1700000000000 + i, {{"team", i % 3 ? "a" : "b"}});
    if (!run.ok()) return 1;
    std::vector<tracking::MetricPoint> m;
    // Some runs lack "f1" so the missing-values-last rule is exercised.
    if (i % 10) m.push_back({"f1", u(rng), 1, 0});
    for (const char* k : {"accuracy", "loss", "auc", "latency_ms"}) m.push_back({k, u(rng), 1, 0});
    Status st = tracking.LogBatch(run->info.run_id, m, {{"lr", std::to_string(u(rng)).substr(0, 5)}, {"depth", std::to_string(i % 10)}}, {});
    if (!st.ok()) return 1;
  }
  std::printf("{\"experiment_id\": %lld, \"runs\": %d}\n", static_cast<long long>(e->experiment_id), n);
  return 0;
}

static int Query(const std::string& url, const std::string& token, const std::string& exp, int iterations) {
  curl_global_init(CURL_GLOBAL_ALL);
  bench::HttpClient http(token);
  std::string body = Json{{"experiment_ids", {exp}}, {"filter", "metrics.f1 > 0.9 and params.depth = '3'"},
                          {"order_by", {"metrics.accuracy DESC"}}, {"max_results", 100}}.dump();
  std::vector<double> ms;
  size_t returned = 0;
  for (int i = 0; i < iterations + 3; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    long code = http.Post(url + "/api/2.0/mlflow/runs/search", body);
    double d = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (code != 200) {
      std::fprintf(stderr, "search failed: %ld %s\n", code, http.body().c_str());
      return 1;
    }
    if (i >= 3) ms.push_back(d);  // the first calls warm caches
    returned = Json::parse(http.body())["runs"].size();
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
  std::printf("{\"p50_ms\": %.1f, \"p90_ms\": %.1f, \"p99_ms\": %.1f, \"iterations\": %d, \"runs_returned\": %zu}\n", pct(0.5), pct(0.9),
              pct(0.99), iterations, returned);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "seed") return Seed(argv[2], std::atoi(argv[3]));
  if (argc == 6 && std::string(argv[1]) == "query") return Query(argv[2], argv[3], argv[4], std::atoi(argv[5]));
  std::fprintf(stderr, "usage: %s seed DATA_DIR RUNS | query URL TOKEN EXPERIMENT_ID ITERATIONS\n", argv[0]);
  return 2;
}
