// Data benchmarks (issue 3), in-process, each printing one JSON line:
//   bench_data sha256 FILE               SHA-256 of a file (1 MiB reads), MB/s
//   bench_data ingest TAR WORKDIR        ingest a tar as one round into a fresh store, files/s
//   bench_data diff ITEMS CHANGED_SHARE  versions of ITEMS items, the second changing a share of
//                                        them: diff time and the manifest bytes each version stores
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/crypto.h"
#include "data/data_schema.h"
#include "data/data_store.h"
#include "store/meta/migrations.h"
#include "store/meta/sqlite_database.h"

using namespace moebius;
using Clk = std::chrono::steady_clock;

static double Seconds(Clk::time_point t0) { return std::chrono::duration<double>(Clk::now() - t0).count(); }

static int Sha(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> buf(1 << 20);
  Sha256 h;
  int64_t total = 0;
  auto t0 = Clk::now();
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.Update(buf.data(), static_cast<size_t>(in.gcount()));
    total += in.gcount();
  }
  std::string hex = HexEncode(h.Finish());
  double s = Seconds(t0);
  std::printf("{\"bytes\": %lld, \"seconds\": %.3f, \"mb_per_s\": %.1f, \"sha256\": \"%s\"}\n", static_cast<long long>(total), s,
              total / s / 1e6, hex.c_str());
  return 0;
}

struct Env {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::BlobStore> blobs;
  std::unique_ptr<data::DataStore> data;
};

static Env Open(const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Env e;
  e.db = std::move(store::OpenSqlite(dir + "/meta.db")).value();
  if (!store::Migrate(*e.db, data::DataMigrations()).ok()) std::abort();
  e.blobs = std::move(store::OpenBlobStore(dir + "/blobs")).value();
  e.data = std::make_unique<data::DataStore>(*e.db, *e.blobs, SystemClock::Instance());
  return e;
}

static int Ingest(const std::string& tar, const std::string& dir) {
  Env e = Open(dir);
  auto ds = e.data->CreateDataset(1, "bench", "multimodal", "", false, {}, "bench");
  auto t0 = Clk::now();
  auto round = e.data->IngestRound(*ds, tar, "archive", "bench.tar", "", "bench");
  double s = Seconds(t0);
  if (!round.ok()) {
    std::fprintf(stderr, "%s\n", round.status().ToString().c_str());
    return 1;
  }
  std::printf("{\"files\": %lld, \"seconds\": %.3f, \"files_per_s\": %.0f}\n", static_cast<long long>(round->item_count), s,
              round->item_count / s);
  return 0;
}

static int Diff(int64_t items, double share) {
  Env e = Open("/tmp/moebius-bench-diff");
  // Manifests only: versions built from synthetic entries through a round of a single file
  // would need real blobs; here the entries point at digests, as a real million-file dataset's do.
  std::vector<data::ManifestEntry> a;
  a.reserve(items);
  char path[64], sha[65];
  for (int64_t i = 0; i < items; ++i) {
    std::snprintf(path, sizeof path, "shard%03lld/item-%08lld.jpg", static_cast<long long>(i % 997), static_cast<long long>(i));
    std::snprintf(sha, sizeof sha, "%064llx", static_cast<unsigned long long>(i * 2654435761ULL));
    a.push_back({path, sha, 2048, "{}"});
  }
  if (!data::SortEntries(a).ok()) return 1;
  auto b = a;
  std::mt19937_64 rng(1);
  int64_t changed = static_cast<int64_t>(share * items);
  for (int64_t k = 0; k < changed; ++k) {
    auto& x = b[rng() % b.size()];
    std::snprintf(sha, sizeof sha, "%064llx", static_cast<unsigned long long>(rng()));
    x.sha256 = sha;
  }
  data::ManifestStore manifests(*e.blobs);
  auto t0 = Clk::now();
  std::string root = *manifests.WriteFull(a);
  double write_full = Seconds(t0);
  data::ManifestDelta delta = data::Diff(a, b);
  std::string delta_sha = *manifests.WriteDelta(delta);
  int64_t full_bytes = *manifests.StoredBytes(root, true);
  int64_t delta_bytes = *manifests.StoredBytes(delta_sha, false);
  // What `moebius data diff` does for a version stored as a delta of the other: read the delta.
  std::vector<double> ms;
  size_t seen = 0;
  for (int i = 0; i < 7; ++i) {
    auto t1 = Clk::now();
    auto d = manifests.ReadDelta(delta_sha);
    seen = d->modified.size() + d->added.size() + d->removed.size();
    ms.push_back(Seconds(t1) * 1000);
  }
  std::sort(ms.begin(), ms.end());
  // And the general case: both versions materialized and merged.
  auto t2 = Clk::now();
  auto fa = manifests.ReadFull(root);
  auto fb = data::Apply(*fa, delta);
  auto full_diff = data::Diff(*fa, *fb);
  double general = Seconds(t2) * 1000;
  std::printf("{\"items\": %lld, \"changed\": %zu, \"diff_ms_median\": %.2f, \"general_diff_ms\": %.0f, \"full_manifest_bytes\": %lld, "
              "\"delta_bytes\": %lld, \"delta_share\": %.4f, \"write_full_s\": %.2f, \"general_diff_changes\": %zu}\n",
              static_cast<long long>(items), seen, ms[ms.size() / 2], general, static_cast<long long>(full_bytes),
              static_cast<long long>(delta_bytes), static_cast<double>(delta_bytes) / full_bytes, write_full, full_diff.size());
  std::filesystem::remove_all("/tmp/moebius-bench-diff");
  return 0;
}

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "sha256" && argc == 3) return Sha(argv[2]);
  if (cmd == "ingest" && argc == 4) return Ingest(argv[2], argv[3]);
  if (cmd == "diff" && argc == 4) return Diff(std::atoll(argv[2]), std::atof(argv[3]));
  std::fprintf(stderr, "usage: %s sha256 FILE | ingest TAR WORKDIR | diff ITEMS SHARE\n", argv[0]);
  return 2;
}
