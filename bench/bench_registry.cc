// Registry search over many versions (issue 12's benchmark).
//   bench_registry seed DATA_DIR MODELS VERSIONS_PER_MODEL
//       fills a fresh data directory with MODELS registered models of VERSIONS_PER_MODEL versions
//       each (files by content hash, a signature, lineage), every third version tagged team=growth,
//       in project "bench"
//   bench_registry query URL TOKEN ITERATIONS
//       times MLflow's GET model-versions/search with a filter on name and tag, and
//       registered-models/search with a name pattern and a tag; prints p50/p90/p99 in ms
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "auth/auth_schema.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "project/project_service.h"
#include "registry/model_inspect.h"
#include "registry/registry_schema.h"
#include "registry/registry_store.h"
#include "store/meta/migrations.h"
#include "store/meta/sqlite_database.h"
#include "tracking/tracking_schema.h"

using namespace moebius;

static int Seed(const std::string& dir, int models, int per_model) {
  std::filesystem::create_directories(dir);
  auto db = std::move(store::OpenSqlite(dir + "/meta.db")).value();
  std::vector<store::Migration> all = auth::AuthMigrations();
  for (auto* f : {project::ProjectMigrations, tracking::TrackingMigrations, registry::RegistryMigrations})
    for (auto& m : f()) all.push_back(m);
  if (Status st = store::Migrate(*db, all); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  const Clock& clock = SystemClock::Instance();
  project::ProjectService projects(*db, clock);
  registry::RegistryStore store(*db, clock);
  auto p = projects.CreateProject("bench", "", "", std::nullopt, "admin", nullptr);
  if (!p.ok()) return 1;
  Json signature{{"inputs", {{{"name", "input__0"}, {"datatype", "FP32"}, {"shape", {-1, 12}}}}},
                 {"outputs", {{{"name", "predict"}, {"datatype", "FP32"}, {"shape", {-1}}}}},
                 {"source", "model file"}};
  for (int m = 0; m < models; ++m) {
    char name[32];
    std::snprintf(name, sizeof(name), "model-%04d", m);
    auto model = store.CreateModel(p->id, name, "", {}, "admin");
    if (!model.ok()) return 1;
    for (int v = 0; v < per_model; ++v) {
      registry::ModelVersion mv;
      mv.model_id = model->id;
      mv.source = "runs:/bench/model";
      mv.format = "xgboost";
      mv.flavor = "moebius";
      mv.model_file = "model.json";
      std::string sha = Sha256Hex(std::string(name) + "/" + std::to_string(v));
      mv.files = {{"model.json", sha, 1000, "model"}};
      mv.content_sha256 = registry::ContentHash(mv.files);
      mv.signature = signature;
      mv.lineage = Json{{"run", {{"id", "bench"}}}};
      mv.created_by = "admin";
      if (v % 3 == 0) mv.tags = {{"team", "growth"}};
      auto made = store.CreateVersion(std::move(mv));
      if (!made.ok()) {
        std::fprintf(stderr, "%s\n", made.status().ToString().c_str());
        return 1;
      }
    }
  }
  std::printf("{\"models\": %d, \"versions\": %d}\n", models, models * per_model);
  return 0;
}

static size_t Write(char* ptr, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(ptr, size * n);
  return size * n;
}

static int Query(const std::string& url, const std::string& token, int iterations) {
  curl_global_init(CURL_GLOBAL_ALL);
  CURL* curl = curl_easy_init();
  std::string auth = "Authorization: Bearer " + token, body;
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  auto escape = [&](const std::string& s) {
    char* e = curl_easy_escape(curl, s.c_str(), static_cast<int>(s.size()));
    std::string out(e);
    curl_free(e);
    return out;
  };
  struct Case {
    const char* name;
    std::string path;
    const char* list;
  };
  std::vector<Case> cases = {
      {"model-versions/search name and tag",
       "/api/2.0/mlflow/model-versions/search?max_results=100&filter=" + escape("name = 'model-0421' AND tags.team = 'growth'"),
       "model_versions"},
      {"registered-models/search name pattern",
       "/api/2.0/mlflow/registered-models/search?max_results=100&filter=" + escape("name LIKE 'model-04%'"), "registered_models"},
  };
  std::printf("{");
  for (size_t c = 0; c < cases.size(); ++c) {
    std::vector<double> ms;
    size_t returned = 0;
    for (int i = 0; i < iterations + 3; ++i) {
      body.clear();
      curl_easy_setopt(curl, CURLOPT_URL, (url + cases[c].path).c_str());
      auto t0 = std::chrono::steady_clock::now();
      CURLcode rc = curl_easy_perform(curl);
      double d = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      long code = 0;
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
      if (rc != CURLE_OK || code != 200) {
        std::fprintf(stderr, "%s failed: %ld %s\n", cases[c].name, code, body.c_str());
        return 1;
      }
      if (i >= 3) ms.push_back(d);
      returned = Json::parse(body).value(cases[c].list, Json::array()).size();
    }
    std::sort(ms.begin(), ms.end());
    auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * ms.size()))]; };
    std::printf("%s\"%s\": {\"p50_ms\": %.1f, \"p90_ms\": %.1f, \"p99_ms\": %.1f, \"returned\": %zu}", c ? ", " : "", cases[c].name, pct(0.5),
                pct(0.9), pct(0.99), returned);
  }
  std::printf("}\n");
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 5 && std::string(argv[1]) == "seed") return Seed(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
  if (argc == 5 && std::string(argv[1]) == "query") return Query(argv[2], argv[3], std::atoi(argv[4]));
  std::fprintf(stderr, "usage: %s seed DATA_DIR MODELS VERSIONS_PER_MODEL | query URL TOKEN ITERATIONS\n", argv[0]);
  return 2;
}
