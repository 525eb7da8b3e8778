#include "serving/tree_predictor.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "base/json.h"

namespace moebius::serving {
namespace {

// Rows walked together through one tree: its nodes stay in cache across the block.
constexpr size_t kBlock = 64;

Result<int64_t> IntField(const Json& obj, const char* key, const std::string& where) {
  if (!obj.contains(key)) return InvalidArgument(where + " lacks " + key);
  const Json& v = obj[key];
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    char* end = nullptr;
    long long n = std::strtoll(v.get<std::string>().c_str(), &end, 10);
    if (end && *end == '\0') return static_cast<int64_t>(n);
  }
  return InvalidArgument(where + "." + key + " is not an integer");
}

// XGBoost's sigmoid on float (common::Sigmoid): clamped so expf never overflows.
inline float Sigmoid(float x) {
  constexpr float kEps = 1e-16f;
  float e = std::min(-x, 88.7f);
  float denom = expf(e) + 1.0f + kEps;
  return 1.0f / denom;
}

// XGBoost's softmax (common::Softmax): float max and exponentials, a double sum.
inline void Softmax(float* p, size_t n) {
  float wmax = p[0];
  for (size_t i = 1; i < n; ++i) wmax = fmaxf(p[i], wmax);
  double wsum = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    p[i] = expf(p[i] - wmax);
    wsum += p[i];
  }
  for (size_t i = 0; i < n; ++i) p[i] /= static_cast<float>(wsum);
}

}  // namespace

Result<CompiledTrees> CompiledTrees::FromXgboostJson(std::string_view text) {
  auto parsed = ParseJson(text, JsonLimits{.max_depth = 64, .max_string_bytes = 1 << 20, .max_array_items = 100000000});
  if (!parsed.ok()) return InvalidArgument("the model is not JSON: " + parsed.status().message());
  const Json& doc = *parsed;
  if (!doc.is_object() || !doc.contains("learner") || !doc["learner"].is_object()) return InvalidArgument("the model is not an XGBoost JSON model (no learner)");
  const Json& learner = doc["learner"];
  CompiledTrees t;
  const Json param = learner.value("learner_model_param", Json::object());
  ASSIGN_OR_RETURN(t.num_features_, IntField(param, "num_feature", "learner_model_param"));
  ASSIGN_OR_RETURN(int64_t num_class, IntField(param, "num_class", "learner_model_param"));
  t.groups_ = std::max<int64_t>(num_class, 1);
  float base_score = 0.5f;
  if (param.contains("base_score") && param["base_score"].is_string()) base_score = std::strtof(param["base_score"].get<std::string>().c_str(), nullptr);
  t.objective_name_ = learner.value("objective", Json::object()).value("name", "");
  const std::string& obj = t.objective_name_;
  if (obj == "binary:logistic" || obj == "reg:logistic") {
    t.objective_ = Objective::kSigmoid;
    t.base_margin_ = -logf(1.0f / base_score - 1.0f);
  } else if (obj == "reg:squarederror" || obj == "reg:linear" || obj == "binary:logitraw") {
    t.base_margin_ = base_score;
  } else if (obj == "multi:softprob" || obj == "multi:softmax") {
    t.objective_ = obj == "multi:softprob" ? Objective::kSoftprob : Objective::kSoftmax;
    t.base_margin_ = base_score;
  } else {
    return InvalidArgument("objective '" + obj + "' is not one the compiled predictor computes");
  }
  const Json booster = learner.value("gradient_booster", Json::object());
  if (booster.value("name", "") != "gbtree") return InvalidArgument("booster '" + booster.value("name", "") + "' is not gbtree");
  const Json model = booster.value("model", Json::object());
  const Json trees = model.value("trees", Json::array());
  const Json info = model.value("tree_info", Json::array());
  if (!trees.is_array() || !info.is_array() || trees.size() != info.size()) return InvalidArgument("the model's trees and tree_info disagree");
  for (size_t i = 0; i < trees.size(); ++i) {
    const Json& tree = trees[i];
    std::string where = "tree " + std::to_string(i);
    if (tree.contains("categories") && tree["categories"].is_array() && !tree["categories"].empty())
      return InvalidArgument(where + " has categorical splits, which the compiled predictor does not take");
    const Json& left = tree.value("left_children", Json::array());
    const Json& right = tree.value("right_children", Json::array());
    const Json& cond = tree.value("split_conditions", Json::array());
    const Json& index = tree.value("split_indices", Json::array());
    const Json& dleft = tree.value("default_left", Json::array());
    size_t n = left.size();
    if (n == 0 || right.size() != n || cond.size() != n || index.size() != n || dleft.size() != n)
      return InvalidArgument(where + " has arrays of different lengths");
    int64_t group = info[i].is_number_integer() ? info[i].get<int64_t>() : -1;
    if (group < 0 || group >= t.groups_) return InvalidArgument(where + " belongs to output group " + std::to_string(group));
    t.roots_.push_back(static_cast<uint32_t>(t.nodes_.size()));
    t.tree_group_.push_back(static_cast<int32_t>(group));
    for (size_t k = 0; k < n; ++k) {
      Node node{};
      node.value = static_cast<float>(cond[k].get<double>());
      int64_t l = left[k].get<int64_t>(), r = right[k].get<int64_t>();
      if (l == -1) {
        node.feature = kLeaf;
        node.left = node.right = -1;
      } else {
        int64_t f = index[k].get<int64_t>();
        if (l <= 0 || r <= 0 || l >= static_cast<int64_t>(n) || r >= static_cast<int64_t>(n) || f < 0 || f >= t.num_features_)
          return InvalidArgument(where + " node " + std::to_string(k) + " points outside the tree or the features");
        node.feature = static_cast<uint32_t>(f) | (dleft[k].get<int64_t>() ? kDefaultLeft : 0u);
        node.left = static_cast<int32_t>(l);
        node.right = static_cast<int32_t>(r);
      }
      t.nodes_.push_back(node);
    }
  }
  return t;
}

inline float CompiledTrees::TreeValue(size_t tree, const float* row) const {
  const Node* base = nodes_.data() + roots_[tree];
  const Node* node = base;
  while (node->feature != kLeaf) {
    float x = row[node->feature & ~kDefaultLeft];
    int32_t next = std::isnan(x) ? ((node->feature & kDefaultLeft) ? node->left : node->right) : (x < node->value ? node->left : node->right);
    node = base + next;
  }
  return node->value;
}

void CompiledTrees::Predict(const float* rows, size_t n, float* out, bool margin) const {
  const size_t g = static_cast<size_t>(groups_);
  std::vector<float> margins;
  float* m = out;
  if (!margin && objective_ == Objective::kSoftmax) {
    margins.resize(n * g);
    m = margins.data();
  }
  std::fill(m, m + n * g, base_margin_);
  const size_t cols = static_cast<size_t>(num_features_);
  for (size_t start = 0; start < n; start += kBlock) {
    size_t end = std::min(n, start + kBlock);
    for (size_t tree = 0; tree < roots_.size(); ++tree) {
      size_t group = static_cast<size_t>(tree_group_[tree]);
      for (size_t r = start; r < end; ++r) m[r * g + group] += TreeValue(tree, rows + r * cols);
    }
  }
  if (margin) return;
  switch (objective_) {
    case Objective::kIdentity: break;
    case Objective::kSigmoid:
      for (size_t i = 0; i < n * g; ++i) out[i] = Sigmoid(out[i]);
      break;
    case Objective::kSoftprob:
      for (size_t r = 0; r < n; ++r) Softmax(out + r * g, g);
      break;
    case Objective::kSoftmax:
      for (size_t r = 0; r < n; ++r) {
        const float* p = m + r * g;
        size_t best = 0;
        for (size_t k = 1; k < g; ++k)
          if (p[k] > p[best]) best = k;
        out[r] = static_cast<float>(best);
      }
      break;
  }
}

}  // namespace moebius::serving
