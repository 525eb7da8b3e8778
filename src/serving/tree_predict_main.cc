// moebius_tree_predict: the compiled tree predictor over a file of rows, for tests against
// python3-xgboost (tests/serving/test_tree_predictor.py).
//   moebius_tree_predict MODEL.json ROWS.f32 ROWS COLS OUT.f32 [margin]
// ROWS.f32 holds ROWS × COLS little-endian float32 values (NaN = missing); OUT.f32 receives
// ROWS × outputs values. Prints {"outputs": N, "trees": T, "objective": "..."}.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "serving/tree_predictor.h"

int main(int argc, char** argv) {
  if (argc != 6 && argc != 7) {
    std::fprintf(stderr, "usage: %s MODEL.json ROWS.f32 ROWS COLS OUT.f32 [margin]\n", argv[0]);
    return 2;
  }
  std::ifstream model_in(argv[1], std::ios::binary);
  std::string model((std::istreambuf_iterator<char>(model_in)), {});
  auto trees = moebius::serving::CompiledTrees::FromXgboostJson(model);
  if (!trees.ok()) {
    std::fprintf(stderr, "error: %s\n", trees.status().ToString().c_str());
    return 1;
  }
  size_t rows = std::strtoull(argv[3], nullptr, 10), cols = std::strtoull(argv[4], nullptr, 10);
  if (static_cast<int64_t>(cols) != trees->num_features()) {
    std::fprintf(stderr, "error: the model takes %lld features, not %zu\n", static_cast<long long>(trees->num_features()), cols);
    return 1;
  }
  std::vector<float> x(rows * cols);
  std::ifstream rows_in(argv[2], std::ios::binary);
  rows_in.read(reinterpret_cast<char*>(x.data()), static_cast<std::streamsize>(x.size() * sizeof(float)));
  if (static_cast<size_t>(rows_in.gcount()) != x.size() * sizeof(float)) {
    std::fprintf(stderr, "error: %s is shorter than %zu rows of %zu floats\n", argv[2], rows, cols);
    return 1;
  }
  bool margin = argc == 7 && std::string(argv[6]) == "margin";
  // Multi-class margins come one per class even where the prediction is one value per row.
  size_t per_row = static_cast<size_t>(margin ? trees->num_groups() : trees->num_outputs());
  std::vector<float> out(rows * per_row);
  trees->Predict(x.data(), rows, out.data(), margin);
  std::ofstream o(argv[5], std::ios::binary);
  o.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(rows * per_row * sizeof(float)));
  std::printf("{\"outputs\": %zu, \"trees\": %lld, \"objective\": \"%s\"}\n", per_row, static_cast<long long>(trees->num_trees()),
              trees->objective().c_str());
  return 0;
}
