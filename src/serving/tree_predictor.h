// The compiled tree predictor (INF-1; docs/design/serving.md): an XGBoost gbtree model read from
// its JSON and flattened into one array of 16-byte nodes, trees back to back, so a block of rows
// walks each tree while its nodes are in cache. Outputs equal XGBoost's to the last bit for the
// same input: leaves are summed in float in tree order onto the same base margin, missing values
// (NaN) follow each split's default direction, `x < split` goes left, and the objective's
// transform is XGBoost's own float arithmetic (binary:logistic's sigmoid, multi:softprob's
// softmax with a double sum, identity for squared error).
//
// Supported: gbtree (and dart's trees at their saved weights: not yet — refused), numerical
// splits, objectives reg:squarederror, reg:linear, reg:logistic, binary:logistic,
// binary:logitraw, multi:softprob, multi:softmax. Anything else is kInvalidArgument naming it, so
// the caller falls back to XGBoost's own runtime.
//
// Thread-safety: a CompiledTrees is immutable after FromXgboostJson; Predict may be called from
// many threads at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace moebius::serving {

class CompiledTrees {
 public:
  static Result<CompiledTrees> FromXgboostJson(std::string_view json);

  int64_t num_features() const { return num_features_; }
  // Values per row: 1, or the class count of a multi:softprob model (multi:softmax gives 1: the class).
  int64_t num_outputs() const { return objective_ == Objective::kSoftmax ? 1 : groups_; }
  // Margins per row: the class count of a multi-class model, else 1.
  int64_t num_groups() const { return groups_; }
  int64_t num_trees() const { return static_cast<int64_t>(roots_.size()); }
  const std::string& objective() const { return objective_name_; }

  // `rows` is row-major [n × num_features()] (NaN for missing); `out` receives n × num_outputs()
  // values (margins when `margin`: n × groups).
  void Predict(const float* rows, size_t n, float* out, bool margin = false) const;

 private:
  enum class Objective { kIdentity, kSigmoid, kSoftprob, kSoftmax };
  struct Node {
    float value;         // the split condition, or the leaf's value
    uint32_t feature;    // the split feature; kLeaf for a leaf; top bit: missing goes left
    int32_t left;        // index of the left child within the tree
    int32_t right;
  };
  static constexpr uint32_t kLeaf = 0x7fffffffu;
  static constexpr uint32_t kDefaultLeft = 0x80000000u;

  float TreeValue(size_t tree, const float* row) const;

  std::vector<Node> nodes_;
  std::vector<uint32_t> roots_;       // first node of each tree in nodes_
  std::vector<int32_t> tree_group_;   // output group of each tree
  int64_t num_features_ = 0;
  int64_t groups_ = 1;
  float base_margin_ = 0;
  Objective objective_ = Objective::kIdentity;
  std::string objective_name_;
};

}  // namespace moebius::serving
