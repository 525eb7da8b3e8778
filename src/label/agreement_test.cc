// Agreement statistics on hand-checked tables: Cohen's kappa worked by hand, Fleiss' kappa on the
// table of Fleiss (1971) as Wikipedia prints it (0.210), Krippendorff's alpha on the reliability
// data of Krippendorff's "Computing Krippendorff's alpha-reliability" (nominal 0.743), IoUs of
// shapes whose areas are known, SQuAD's token F1. tests/label compares against scikit-learn and
// statsmodels on generated data.
#include "label/agreement.h"

#include <gtest/gtest.h>

namespace moebius::label {
namespace {

TEST(CohenKappa, HandWorkedExample) {
  // po = 4/6, pe = (4/6)(2/6) + (2/6)(4/6) = 16/36, kappa = (24/36 - 16/36) / (20/36) = 0.4.
  auto k = CohenKappa({0, 1, 0, 1, 0, 0}, {0, 1, 1, 1, 0, 1});
  ASSERT_TRUE(k.has_value());
  EXPECT_NEAR(*k, 0.4, 1e-12);
}

TEST(CohenKappa, UndefinedWhenChanceAgreementIsOne) {
  EXPECT_FALSE(CohenKappa({2, 2, 2}, {2, 2, 2}).has_value());
  EXPECT_NEAR(*CohenKappa({0, 1, 2}, {0, 1, 2}), 1.0, 1e-12);
}

TEST(FleissKappa, FleissTable) {
  std::vector<std::vector<int64_t>> t = {{0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
                                         {7, 7, 0, 0, 0},  {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7}};
  auto k = FleissKappa(t);
  ASSERT_TRUE(k.has_value());
  EXPECT_NEAR(*k, 0.20993, 1e-4);
}

TEST(KrippendorffAlpha, NominalReliabilityData) {
  // Units x values 1..5 (12 units, 4 coders, missing values; the last unit has one value).
  std::vector<std::vector<int64_t>> t = {{3, 0, 0, 0, 0}, {0, 3, 1, 0, 0}, {0, 0, 4, 0, 0}, {0, 0, 4, 0, 0}, {0, 4, 0, 0, 0}, {1, 1, 1, 1, 0},
                                         {0, 0, 0, 4, 0}, {3, 1, 0, 0, 0}, {0, 4, 0, 0, 0}, {0, 0, 0, 0, 3}, {2, 0, 0, 0, 0}, {0, 0, 1, 0, 0}};
  auto a = KrippendorffAlphaNominal(t);
  ASSERT_TRUE(a.has_value());
  EXPECT_NEAR(*a, 0.743, 5e-4);
}

TEST(Geometry, BoxPolygonMaskIoU) {
  EXPECT_NEAR(BoxIoU({"a", 0, 0, 10, 10}, {"a", 5, 0, 10, 10}), 1.0 / 3, 1e-12);
  EXPECT_EQ(BoxIoU({"a", 0, 0, 1, 1}, {"a", 2, 2, 1, 1}), 0.0);
  Polygon sq{"a", {{0, 0}, {10, 0}, {10, 10}, {0, 10}}}, shifted{"a", {{5, 0}, {15, 0}, {15, 10}, {5, 10}}};
  EXPECT_NEAR(PolygonIoU(sq, shifted), 1.0 / 3, 1e-12);
  EXPECT_NEAR(PolygonIoU(sq, sq), 1.0, 1e-12);
  // A right triangle over 4x4 pixels: centres strictly under the diagonal x + y < 4 → 6 pixels
  // (x+0.5 + y+0.5 < 4: (0,0),(0,1),(0,2),(1,0),(1,1),(2,0)); the square holds 16.
  Polygon tri{"a", {{0, 0}, {4, 0}, {0, 4}}}, sq4{"a", {{0, 0}, {4, 0}, {4, 4}, {0, 4}}};
  EXPECT_NEAR(PolygonIoU(tri, sq4), 6.0 / 16, 1e-12);
  RleMask full{"a", 2, 2, {0, 4}}, half{"a", 2, 2, {2, 2}};
  EXPECT_NEAR(MaskIoU(full, half), 0.5, 1e-12);
}

TEST(GreedyMatch, HighestIouFirst) {
  // a0 overlaps b0 (0.9) and b1 (0.6); a1 overlaps b0 (0.7) only: greedy takes a0-b0, then nothing for a1.
  double iou[2][2] = {{0.9, 0.6}, {0.7, 0.0}};
  MatchCounts m = GreedyMatch(2, 2, 0.5, [&](size_t i, size_t j) { return iou[i][j]; });
  EXPECT_EQ(m.matched, 1);
  EXPECT_NEAR(m.F1(), 0.5, 1e-12);
}

TEST(Answers, SquadNormalizationAndTokenF1) {
  EXPECT_EQ(NormalizeAnswer("The  Cat, sat!"), "cat sat");
  EXPECT_EQ(AnswerExactMatch("the cat", "Cat."), 1.0);
  EXPECT_NEAR(AnswerTokenF1("the cat sat", "cat sat down"), 0.8, 1e-12);
  EXPECT_NEAR(AnswerTokenF1("서울 특별시", "서울"), 2.0 / 3, 1e-12);
  EXPECT_EQ(AnswerTokenF1("", ""), 1.0);
  EXPECT_EQ(AnswerTokenF1("", "x"), 0.0);
}

TEST(Report, ClassesPerLabelerPerClassAndDisagreements) {
  Json spec{{"task_type", "image_classification"}, {"classes", {{{"name", "cat"}}, {{"name", "dog"}}}}};
  auto ann = [](int64_t item, const char* who, const char* cls) { return Annotated{item, "i" + std::to_string(item), who, Json{{"classes", {cls}}}}; };
  std::vector<Annotated> as = {ann(1, "a", "cat"), ann(1, "b", "cat"), ann(2, "a", "dog"), ann(2, "b", "cat"),
                               ann(3, "a", "dog"), ann(3, "b", "dog"), ann(4, "a", "cat")};
  Json r = AgreementReport(spec, as);
  EXPECT_EQ(r["items_compared"], 3);
  // a: cat dog dog, b: cat cat dog → po 2/3, pe = (1/3)(2/3) + (2/3)(1/3) = 4/9, kappa = (2/9)/(5/9) = 0.4.
  EXPECT_NEAR(r["pairs"][0]["cohen_kappa"].get<double>(), 0.4, 1e-12);
  EXPECT_NEAR(r["hlp"]["value"].get<double>(), 2.0 / 3, 1e-12);
  ASSERT_EQ(r["disagreements"].size(), 1u);
  EXPECT_EQ(r["disagreements"][0]["path"], "i2");
  EXPECT_EQ(r["disagreements"][0]["labels"]["b"], "cat");
  EXPECT_EQ(r["per_class"].size(), 2u);
  EXPECT_EQ(r["per_labeler"].size(), 2u);
}

TEST(Report, BoxesSpansAndAnswers) {
  Json boxes{{"task_type", "object_detection"}, {"classes", {{{"name", "car"}}}}};
  std::vector<Annotated> as = {
      {1, "x.jpg", "a", Json{{"boxes", {{{"class", "car"}, {"x", 0}, {"y", 0}, {"w", 10}, {"h", 10}}}}}},
      {1, "x.jpg", "b", Json{{"boxes", {{{"class", "car"}, {"x", 1}, {"y", 0}, {"w", 10}, {"h", 10}}, {{"class", "car"}, {"x", 50}, {"y", 50}, {"w", 5}, {"h", 5}}}}}}};
  Json r = AgreementReport(boxes, as);
  EXPECT_NEAR(r["overall"]["f1"].get<double>(), 2.0 / 3, 1e-12);  // 1 matched of 1 + 2
  EXPECT_EQ(r["disagreement_count"], 1);

  Json ner{{"task_type", "ner"}, {"classes", {{{"name", "LOC"}}, {{"name", "PER"}}}}};
  std::vector<Annotated> spans = {
      {1, "t.txt", "a", Json{{"spans", {{{"class", "LOC"}, {"start", 0}, {"end", 2}}, {{"class", "PER"}, {"start", 3}, {"end", 6}}}}}},
      {1, "t.txt", "b", Json{{"spans", {{{"class", "LOC"}, {"start", 0}, {"end", 2}}}}}}};
  Json s = AgreementReport(ner, spans);
  EXPECT_NEAR(s["overall"]["f1"].get<double>(), 2.0 / 3, 1e-12);
  EXPECT_EQ(s["hlp"]["metric"], "span_f1");

  Json qa{{"task_type", "qa"}, {"classes", Json::array()}};
  std::vector<Annotated> answers = {{1, "q.json", "a", Json{{"answers", {{{"start", 0}, {"end", 3}, {"text", "the cat sat"}}}}}},
                                    {1, "q.json", "b", Json{{"answers", {{{"start", 0}, {"end", 3}, {"text", "cat sat down"}}}}}}};
  Json q = AgreementReport(qa, answers);
  EXPECT_NEAR(q["overall"]["token_f1"].get<double>(), 0.8, 1e-12);
  EXPECT_EQ(q["overall"]["exact_match"].get<double>(), 0.0);
}

}  // namespace
}  // namespace moebius::label
