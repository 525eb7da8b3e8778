#include "report/stored_documents.h"

#include <gtest/gtest.h>

#include "report/report_blocks.h"
#include "report/report_model.h"

namespace moebius::report {
namespace {

// The shape POST /runs/{run}/evaluations stores (eval/evaluate.h + evaluate_detail.h), trimmed.
Json GoodEvaluation() {
  return Json::parse(R"({
    "name": "eval", "problem": "classification", "n": 4, "labels": [0, 1],
    "metrics": {"accuracy": 0.75, "roc_auc": null},
    "report": {"per_class": [{"label": 0, "precision": 1.0, "recall": 0.5, "f1": 0.66, "support": 2, "predicted": 1}],
               "macro": {"precision": 0.8}},
    "confusion": {"labels": [0, 1], "matrix": [[1, 1], [0, 2]]},
    "roc": {"fpr": [0, 0.5, 1], "tpr": [0, 1, 1], "thresholds": [null, 0.7, 0.1]},
    "pr": {"precision": [1, 0.66], "recall": [0.5, 1], "thresholds": [0.7, 0.1]},
    "calibration": {"prob_true": [0.5], "prob_pred": [0.4], "count": [4]},
    "slices": [{"by": "plan", "metric": "accuracy", "overall": 0.75,
                "slices": [{"key": "plan=pro", "rows": 2, "share": 0.5, "metric": 1, "baseline": 0.75, "gap": -0.25, "priority": 0.1}]}],
    "baselines": {"simple": {"model": "majority_class", "prediction": 1, "metrics": {"accuracy": 0.5}}}
  })");
}

TEST(StoredDocumentsTest, TheStoredShapesPass) {
  EXPECT_TRUE(CheckEvaluationDocument(GoodEvaluation()).ok()) << CheckEvaluationDocument(GoodEvaluation()).ToString();
  Json regression = Json::parse(R"({"problem": "regression", "metrics": {"rmse": 1.5},
      "residuals": {"n": 3, "mean": 0, "std": 1, "min": -1, "max": 1, "mean_abs": 0.6, "percentiles": {"p5": -0.9},
                    "histogram": {"edges": [-1, 0, 1], "counts": [1, 2]}},
      "baselines": {"simple": null}, "future_field": {"anything": [1]}})");
  EXPECT_TRUE(CheckEvaluationDocument(regression).ok()) << CheckEvaluationDocument(regression).ToString();
  Json xgb = Json::parse(R"({"importance": {"gain": {"x1": 2.5}, "weight": {"x1": 3}},
      "shap": {"mean_abs": {"x1": 0.2}, "max_sum_error": 1e-6, "rows": 10, "outputs": 1, "sample": []},
      "permutation": {"metric": "auc", "baseline": 0.9, "repeats": 5, "importance": {"x1": {"mean": 0.1, "std": 0.01}}}})");
  EXPECT_TRUE(CheckExplanationsDocument(xgb).ok());
  EXPECT_TRUE(CheckExplanationsDocument(Json::parse(R"({"classes": [{"class": "a", "top": []}], "features_scored": 10})")).ok());
}

// The documents of issue 11 (each made every reader of the run answer 500) and more: each is
// refused naming the field.
TEST(StoredDocumentsTest, MalformedEvaluationsNameTheField) {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "the evaluation must be an object, got array"},
      {R"("str")", "the evaluation must be an object, got string"},
      {R"({"baselines": []})", "field 'baselines' must be an object, got array"},
      {R"({"baselines": {"simple": 5}})", "field 'baselines.simple' must be an object, got number"},
      {R"({"slices": 5})", "field 'slices' must be a list, got number"},
      {R"({"slices": [5]})", "field 'slices[0]' must be an object, got number"},
      {R"({"slices": [{"slices": [{"gap": "wide"}]}]})", "field 'slices[0].slices[0].gap' must be a number, got string"},
      {R"({"roc": {"fpr": "x"}})", "field 'roc.fpr' must be a list, got string"},
      {R"({"roc": [1]})", "field 'roc' must be an object, got array"},
      {R"({"pr": {"recall": [0.5, "NaN"]}})", "field 'pr.recall[1]' must be a number, got string"},
      {R"({"metrics": {"auc": {}}})", "field 'metrics.auc' must be a number, got object"},
      {R"({"report": {"per_class": [1]}})", "field 'report.per_class[0]' must be an object, got number"},
      {R"({"confusion": {"matrix": [1]}})", "field 'confusion.matrix[0]' must be a list, got number"},
      {R"({"residuals": {"histogram": {"counts": ["3"]}}})", "field 'residuals.histogram.counts[0]' must be a number, got string"},
      {R"({"name": 7})", "field 'name' must be a string, got number"},
  };
  for (const auto& [doc, message] : cases) {
    Status st = CheckEvaluationDocument(Json::parse(doc));
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << doc;
    EXPECT_EQ(st.message(), message) << doc;
  }
  EXPECT_EQ(CheckExplanationsDocument(Json::parse(R"({"permutation": {"metric": 5}})")).message(),
            "field 'permutation.metric' must be a string, got number");
  EXPECT_EQ(CheckExplanationsDocument(Json::parse("[]")).message(), "the explanations must be an object, got array");
}

// What passes the check, the report renders (the check covers what the renderer reads).
TEST(StoredDocumentsTest, CheckedEvaluationsRender) {
  ReportInputs in;
  in.evaluation = GoodEvaluation();
  EXPECT_NO_THROW(ReportBlocks(BuildReportModel(in)));
  in.evaluation = Json::object();
  EXPECT_NO_THROW(ReportBlocks(BuildReportModel(in)));
}

TEST(StoredDocumentsTest, ReservedPathsAreCheckedWhenWritten) {
  EXPECT_TRUE(IsEvaluationPath("evaluations/eval.json"));
  EXPECT_FALSE(IsEvaluationPath("evaluations/sub/eval.json"));
  EXPECT_FALSE(IsEvaluationPath("evaluations/notes.txt"));
  EXPECT_TRUE(IsExplanationsPath("explanations.json"));
  EXPECT_FALSE(IsExplanationsPath("model/explanations.json"));
  EXPECT_TRUE(CheckReservedArtifact("model/model.ubj", "\x01\x02").ok());
  EXPECT_TRUE(CheckReservedArtifact("evaluations/eval.json", GoodEvaluation().dump()).ok());
  Status st = CheckReservedArtifact("evaluations/eval.json", R"({"slices": 5})");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.message(), "evaluations/eval.json must be an evaluation document: field 'slices' must be a list, got number");
  EXPECT_EQ(CheckReservedArtifact("explanations.json", "not json").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moebius::report
