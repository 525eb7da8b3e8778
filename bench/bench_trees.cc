// The compiled tree predictor (src/serving/tree_predictor.h) against XGBoost's C API on the same
// core, same model, same rows (issue 13's "compiled predictor" benchmark):
//   bench_trees MODEL.json ROWS.f32 FEATURES [seconds_per_case=2]
// ROWS.f32 holds at least 256 rows of FEATURES float32 values (the peer kit's X_bench.f32).
// Per case: batch 1 and 256; C API = XGBoosterPredictFromDense with one reused proxy DMatrix and
// the array-interface string formatted per call (as a server must), nthread 1. Checks that both
// give the same bits first. One JSON line per case.
#include <xgboost/c_api.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "serving/tree_predictor.h"

#define SAFE(call)                                                          \
  do {                                                                      \
    if ((call) != 0) {                                                      \
      std::fprintf(stderr, "%s failed: %s\n", #call, XGBGetLastError());    \
      std::exit(1);                                                         \
    }                                                                       \
  } while (0)

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s MODEL.json ROWS.f32 FEATURES [seconds]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::string model((std::istreambuf_iterator<char>(in)), {});
  size_t f = std::strtoull(argv[3], nullptr, 10);
  double seconds = argc > 4 ? std::atof(argv[4]) : 2.0;
  std::vector<float> rows(256 * f);
  std::ifstream rin(argv[2], std::ios::binary);
  rin.read(reinterpret_cast<char*>(rows.data()), static_cast<std::streamsize>(rows.size() * 4));
  auto trees = moebius::serving::CompiledTrees::FromXgboostJson(model);
  if (!trees.ok()) {
    std::fprintf(stderr, "%s\n", trees.status().ToString().c_str());
    return 1;
  }
  BoosterHandle b;
  SAFE(XGBoosterCreate(nullptr, 0, &b));
  SAFE(XGBoosterLoadModelFromBuffer(b, model.data(), model.size()));
  SAFE(XGBoosterSetParam(b, "nthread", "1"));
  DMatrixHandle proxy;
  SAFE(XGProxyDMatrixCreate(&proxy));
  const char* config = R"({"type": 0, "training": false, "iteration_begin": 0, "iteration_end": 0, "strict_shape": false, "cache_id": 0, "missing": NaN})";
  auto capi = [&](const float* x, size_t n, const float** out) {
    char iface[256];
    std::snprintf(iface, sizeof(iface), R"({"data":[%llu,true],"shape":[%zu,%zu],"typestr":"<f4","version":3})",
                  static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(x)), n, f);
    const bst_ulong* shape;
    bst_ulong dim;
    SAFE(XGBoosterPredictFromDense(b, iface, config, proxy, &shape, &dim, out));
  };
  std::vector<float> ours(256 * trees->num_outputs());
  trees->Predict(rows.data(), 256, ours.data());
  const float* theirs;
  capi(rows.data(), 256, &theirs);
  if (std::memcmp(ours.data(), theirs, ours.size() * 4) != 0) {
    std::fprintf(stderr, "outputs differ\n");
    return 1;
  }
  for (size_t batch : {size_t{1}, size_t{256}}) {
    auto time = [&](auto&& fn) {
      size_t calls = 0;
      auto t0 = std::chrono::steady_clock::now();
      double elapsed = 0;
      while (elapsed < seconds) {
        for (int i = 0; i < 64; ++i) fn(calls++ % (256 / batch));
        elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      }
      return calls / elapsed;
    };
    double c_ours = time([&](size_t k) { trees->Predict(rows.data() + k * batch * f, batch, ours.data()); });
    double c_capi = time([&](size_t k) {
      const float* out;
      capi(rows.data() + k * batch * f, batch, &out);
    });
    std::printf("{\"batch\": %zu, \"compiled_calls_s\": %.0f, \"capi_calls_s\": %.0f, \"compiled_rows_s\": %.0f, \"capi_rows_s\": %.0f, \"ratio\": %.2f, "
                "\"identical\": true}\n",
                batch, c_ours, c_capi, c_ours * batch, c_capi * batch, c_ours / c_capi);
  }
  XGDMatrixFree(proxy);
  XGBoosterFree(b);
  return 0;
}
