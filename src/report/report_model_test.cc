#include "report/report_model.h"

#include <gtest/gtest.h>

#include "report/report_blocks.h"
#include "report/report_render.h"

namespace moebius::report {
namespace {

ReportInputs Sample() {
  ReportInputs in;
  in.lang = "ko";
  in.project = {{"name", "churn"}, {"display_name", "이탈 예측"}, {"description", "고객 이탈을 줄인다"}};
  in.experiment = "exp";
  in.run.info.run_id = "r1";
  in.run.info.run_name = "run-1";
  in.run.info.status = "FINISHED";
  in.run.metrics = {{"eval_accuracy", 0.75, 0, 0}};
  in.run.params = {{"max_depth", "6"}};
  in.run.tags = {{"mlflow.source.git.commit", "abc123"}, {"note", "x"}};
  in.run.inputs = {{"dataset_version", "churn/customers@v2", "{\"items\":10}"}};
  in.task = Json{{"name", "t1"}, {"acceptance_criteria", "eval_accuracy >= 0.7"}, {"metrics", {"eval_accuracy"}}};
  in.criteria = Json{{"passed", true}, {"clauses", {{{"text", "eval_accuracy >= 0.7"}, {"passed", true}, {"actual", 0.75}}}}, {"missing", Json::array()}};
  in.evaluation = Json{{"problem", "classification"},
                       {"n", 4},
                       {"labels", {0, 1}},
                       {"metrics", {{"accuracy", 0.75}, {"roc_auc", 0.5}}},
                       {"confusion", {{"labels", {0, 1}}, {"matrix", {{1, 1}, {0, 2}}}}},
                       {"roc", {{"fpr", {0, 0.5, 1}}, {"tpr", {0, 1, 1}}, {"thresholds", {2, 1, 0}}}},
                       {"baselines", {{"simple", {{"model", "majority_class"}, {"prediction", 1}, {"metrics", {{"accuracy", 0.5}}}}}}}};
  return in;
}

TEST(ReportModel, CarriesEverySectionAndNoInventedHumanBaseline) {
  Json m = BuildReportModel(Sample());
  EXPECT_EQ(m["title"], "모델 실험 결과서");
  EXPECT_EQ(m["code"].size(), 1u);  // only the code tag, not "note"
  EXPECT_EQ(m["code"][0]["key"], "mlflow.source.git.commit");
  EXPECT_EQ(m["data"][0]["detail"]["items"], 10);
  EXPECT_TRUE(m["baselines"]["human"].is_null());
  EXPECT_NE(m["baselines"]["human_note"].get<std::string>().find("라벨러"), std::string::npos);
  EXPECT_EQ(m["baselines"]["simple"]["metrics"]["accuracy"], 0.5);
  EXPECT_TRUE(m["explanations"].empty());
  EXPECT_EQ(BuildReportModel([] { auto in = Sample(); in.lang = "en"; return in; }())["title"], "Model experiment report");
}

TEST(ReportModel, ExplanationsBecomeSortedBarLists) {
  auto in = Sample();
  in.explanations = Json::parse(R"({"importance": {"gain": {"a": 1.0, "b": 3.0}},
      "permutation": {"metric": "accuracy", "importance": {"a": {"mean": 0.1, "std": 0.0}}}})");
  Json m = BuildReportModel(in);
  ASSERT_EQ(m["explanations"].size(), 2u);
  EXPECT_EQ(m["explanations"][0]["items"][0]["name"], "b");
  EXPECT_EQ(m["explanations"][1]["items"][0]["value"], 0.1);
}

TEST(ReportBlocks, HtmlHasSectionsCurvesAndEscapes) {
  auto in = Sample();
  in.run.params = {{"<script>", "alert(1)"}};
  std::string html = RenderHtml(BuildReportModel(in));
  for (const char* id : {"sec-overview", "sec-goal", "sec-data", "sec-code", "sec-params", "sec-metrics", "sec-evaluation", "sec-slices",
                         "sec-baselines", "sec-confirmation"})
    EXPECT_NE(html.find(id), std::string::npos) << id;
  EXPECT_EQ(html.find("sec-explanations"), std::string::npos);
  EXPECT_NE(html.find("<polyline"), std::string::npos);
  EXPECT_NE(html.find("class=\"heatmap\""), std::string::npos);
  EXPECT_NE(html.find("사용자승인기준"), std::string::npos);
  EXPECT_EQ(html.find("<td>6. 평가 지표</td>"), std::string::npos);  // a task row is not labelled with a heading
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
}

TEST(ReportBlocks, FormatsNumbers) {
  EXPECT_EQ(FormatValue(Json(0.75)), "0.75");
  EXPECT_EQ(FormatValue(Json(1.0 / 3)), "0.3333");
  EXPECT_EQ(FormatValue(Json(nullptr)), "—");
  EXPECT_EQ(FormatValue(Json(12)), "12");
  EXPECT_EQ(FormatTime(Json(0)), "1970-01-01 00:00 UTC");
}

TEST(ReportPdf, RendersWithTheInstalledFont) {
  auto font = ReportFont();
  ASSERT_TRUE(font.ok()) << font.status().message();
  auto pdf = RenderPdf(BuildReportModel(Sample()), **font);
  ASSERT_TRUE(pdf.ok()) << pdf.status().message();
  EXPECT_EQ(pdf->rfind("%PDF-1.7", 0), 0u);
  EXPECT_LT(pdf->size(), 400u * 1024);
}

}  // namespace
}  // namespace moebius::report
