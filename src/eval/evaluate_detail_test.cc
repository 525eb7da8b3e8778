#include "eval/evaluate_detail.h"

#include <gtest/gtest.h>

#include "eval/evaluate.h"

namespace moebius::eval {
namespace {

Json Detail(const Json& req) {
  auto r = EvaluateJson(req);
  EXPECT_TRUE(r.ok()) << r.status().message();
  auto d = EvaluationDetail(req, *r);
  EXPECT_TRUE(d.ok()) << d.status().message();
  return d.ok() ? *d : Json();
}

TEST(EvaluationDetail, MajorityClassBaselineAndCalibration) {
  Json req{{"problem", "classification"},
           {"y_true", {0, 1, 1, 1}},
           {"y_pred", {0, 1, 0, 1}},
           {"y_score", {0.1, 0.9, 0.4, 0.8}}};
  Json d = Detail(req);
  const Json& simple = d["baselines"]["simple"];
  EXPECT_EQ(simple["model"], "majority_class");
  EXPECT_EQ(simple["prediction"], 1);
  EXPECT_DOUBLE_EQ(simple["metrics"]["accuracy"].get<double>(), 0.75);  // always 1: 3 of 4
  EXPECT_DOUBLE_EQ(simple["metrics"]["roc_auc"].get<double>(), 0.5);   // constant score
  ASSERT_TRUE(d.contains("calibration"));
  EXPECT_EQ(d["calibration"]["count"].size(), d["calibration"]["prob_true"].size());
}

TEST(EvaluationDetail, MajorityTieTakesTheSmallestLabel) {
  Json d = Detail({{"problem", "classification"}, {"y_true", {"b", "a", "b", "a"}}, {"y_pred", {"a", "a", "b", "b"}}});
  EXPECT_EQ(d["baselines"]["simple"]["prediction"], "a");
  EXPECT_DOUBLE_EQ(d["baselines"]["simple"]["metrics"]["accuracy"].get<double>(), 0.5);
}

TEST(EvaluationDetail, RegressionMeanBaselineAndResiduals) {
  Json d = Detail({{"problem", "regression"}, {"y_true", {1.0, 2.0, 3.0, 4.0}}, {"y_pred", {1.5, 2.0, 2.5, 5.0}}});
  EXPECT_EQ(d["baselines"]["simple"]["model"], "mean");
  EXPECT_DOUBLE_EQ(d["baselines"]["simple"]["prediction"].get<double>(), 2.5);
  EXPECT_DOUBLE_EQ(d["baselines"]["simple"]["metrics"]["r2"].get<double>(), 0.0);
  const Json& r = d["residuals"];
  EXPECT_DOUBLE_EQ(r["mean"].get<double>(), (-0.5 + 0 + 0.5 - 1) / 4);
  EXPECT_DOUBLE_EQ(r["min"].get<double>(), -1.0);
  EXPECT_DOUBLE_EQ(r["max"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(r["percentiles"]["p50"].get<double>(), -0.25);
  int64_t total = 0;
  for (const Json& c : r["histogram"]["counts"]) total += c.get<int64_t>();
  EXPECT_EQ(total, 4);
}

TEST(EvaluationDetail, SlicesByFeatureAndTagSortedByPriority) {
  Json req = Json::parse(R"({"problem": "classification", "y_true": [1, 1, 1, 1, 0, 0], "y_pred": [1, 1, 0, 0, 0, 0],
    "slices": {"features": {"city": ["Seoul", "Seoul", "Busan", "Busan", "Seoul", "Busan"]},
               "tags": [["noise"], [], ["noise", "night"], ["night"], [], []]}})");
  Json d = Detail(req);
  ASSERT_EQ(d["slices"].size(), 2u);
  const Json& city = d["slices"][0];
  EXPECT_EQ(city["by"], "city");
  EXPECT_EQ(city["metric"], "accuracy");
  EXPECT_EQ(city["slices"][0]["key"], "city=Busan");  // accuracy 1/3: the larger gap comes first
  EXPECT_GT(city["slices"][0]["priority"].get<double>(), city["slices"][1]["priority"].get<double>());
  EXPECT_EQ(d["slices"][1]["by"], "tags");
  EXPECT_EQ(d["slices"][1]["slices"][0]["key"], "night");
}

TEST(EvaluationDetail, BadSliceSpecsAreInvalidArgument) {
  Json req = Json::parse(R"({"problem": "classification", "y_true": [0, 1], "y_pred": [0, 1], "slices": {"features": {"x": [1]}}})");
  auto r = EvaluateJson(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(EvaluationDetail(req, *r).status().code(), StatusCode::kInvalidArgument);
  req["slices"] = Json::parse(R"({"metric": "nope", "tags": [[], []]})");
  EXPECT_EQ(EvaluationDetail(req, *r).status().code(), StatusCode::kInvalidArgument);
}

TEST(EvaluationDetail, RankingHasNoDetailAndRefusesSlices) {
  Json req = Json::parse(R"({"problem": "ranking", "y_true": [2, 0, 1, 0, 1], "y_score": [0.9, 0.1, 0.5, 0.3, 0.2],
                             "group": [1, 1, 1, 2, 2]})");
  EXPECT_EQ(Detail(req), Json::object());
  req["slices"] = Json{{"features", {{"f", {1, 1, 1, 2, 2}}}}};
  auto r = EvaluateJson(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(EvaluationDetail(req, *r).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moebius::eval
