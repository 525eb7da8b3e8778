// The compiled tree predictor on hand-written XGBoost JSON: the walk (split, default direction on
// NaN), the base margin and the objective's transform, and the refusals that send a model to
// XGBoost's own runtime. Bit-equality with XGBoost on trained models is tests/serving/.
#include "serving/tree_predictor.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/json.h"
#include "testing/test_support.h"

namespace moebius::serving {
namespace {

using ::moebius::testing::StatusIs;
using ::testing::HasSubstr;

// One tree: f0 < 0.5 → leaf 0.25, else (missing goes right) → f1 < 2 → -0.5 / 1.0.
Json OneTree() {
  return Json{{"left_children", {1, -1, 3, -1, -1}},  {"right_children", {2, -1, 4, -1, -1}}, {"split_conditions", {0.5, 0.25, 2.0, -0.5, 1.0}},
              {"split_indices", {0, 0, 1, 0, 0}},      {"default_left", {0, 0, 1, 0, 0}},     {"categories", Json::array()}};
}

std::string Model(const std::string& objective, const std::string& base_score, Json trees, Json info, int classes = 0) {
  return Json{{"learner",
               {{"learner_model_param", {{"num_feature", "2"}, {"num_class", std::to_string(classes)}, {"base_score", base_score}}},
                {"objective", {{"name", objective}}},
                {"gradient_booster", {{"name", "gbtree"}, {"model", {{"trees", trees}, {"tree_info", info}}}}}}}}
      .dump();
}

TEST(CompiledTrees, WalksSplitsAndDefaultDirections) {
  ASSERT_OK_AND_ASSIGN(CompiledTrees t, CompiledTrees::FromXgboostJson(Model("reg:squarederror", "0", {OneTree()}, {0})));
  float rows[] = {0.1f, 9, 0.7f, 1.0f, 0.7f, 3.0f, 0.7f, NAN, NAN, 0};
  float out[5];
  t.Predict(rows, 5, out);
  EXPECT_EQ(out[0], 0.25f);
  EXPECT_EQ(out[1], -0.5f);
  EXPECT_EQ(out[2], 1.0f);
  EXPECT_EQ(out[3], -0.5f);  // f1 missing: node 2 defaults left
  EXPECT_EQ(out[4], -0.5f);  // f0 missing: node 0 defaults right, then f1 = 0 < 2
}

TEST(CompiledTrees, AddsTheBaseMarginAndAppliesTheSigmoid) {
  ASSERT_OK_AND_ASSIGN(CompiledTrees t, CompiledTrees::FromXgboostJson(Model("binary:logistic", "5E-1", {OneTree(), OneTree()}, {0, 0})));
  float row[] = {0.1f, 0};
  float margin, prob;
  t.Predict(row, 1, &margin, true);
  t.Predict(row, 1, &prob);
  EXPECT_EQ(margin, 0.5f);  // logit(0.5) = 0, plus two leaves of 0.25
  EXPECT_EQ(prob, 1.0f / (expf(-0.5f) + 1.0f));
}

TEST(CompiledTrees, SoftprobAndSoftmaxOverGroups) {
  ASSERT_OK_AND_ASSIGN(CompiledTrees p, CompiledTrees::FromXgboostJson(Model("multi:softprob", "5E-1", {OneTree(), OneTree()}, {0, 1}, 2)));
  ASSERT_OK_AND_ASSIGN(CompiledTrees m, CompiledTrees::FromXgboostJson(Model("multi:softmax", "5E-1", {OneTree(), OneTree()}, {0, 1}, 2)));
  EXPECT_EQ(p.num_outputs(), 2);
  EXPECT_EQ(m.num_outputs(), 1);
  float row[] = {0.7f, 3.0f};
  float probs[2], cls;
  p.Predict(row, 1, probs);
  m.Predict(row, 1, &cls);
  EXPECT_FLOAT_EQ(probs[0], 0.5f);  // equal margins
  EXPECT_EQ(cls, 0.0f);             // the first of equal maxima
}

TEST(CompiledTrees, RefusesWhatItDoesNotCompute) {
  EXPECT_THAT(CompiledTrees::FromXgboostJson(Model("rank:pairwise", "0", {OneTree()}, {0})), StatusIs(StatusCode::kInvalidArgument, HasSubstr("rank:pairwise")));
  Json cat = OneTree();
  cat["categories"] = {1, 2};
  EXPECT_THAT(CompiledTrees::FromXgboostJson(Model("reg:squarederror", "0", {cat}, {0})), StatusIs(StatusCode::kInvalidArgument, HasSubstr("categorical")));
  Json bad = OneTree();
  bad["split_indices"] = {7, 0, 1, 0, 0};
  EXPECT_THAT(CompiledTrees::FromXgboostJson(Model("reg:squarederror", "0", {bad}, {0})), StatusIs(StatusCode::kInvalidArgument, HasSubstr("outside")));
  EXPECT_THAT(CompiledTrees::FromXgboostJson("not json"), StatusIs(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace moebius::serving
