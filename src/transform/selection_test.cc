#include "transform/selection.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moebius::transform {
namespace {

// Values exact in float, so the expected numbers from Python's statistics module on the same
// data hold to 1e-12:
//   x = [1,2,3,4,5,6]; y = [2,4.125,6,8.25,10,12.125]; z = [3,1,4,1,5,9]
//   lab = [1.0, 2.0, 2.5, 4.0, 5.5, 5.0]
//   correlation(x,y) = 0.9996585590043509  correlation(x,z) = 0.6961696279091428
//   correlation(x,lab) = 0.961202254697777 correlation(y,lab) = 0.9602706750925313
//   correlation(z,lab) = 0.5567395370819861
FeatureMatrix Matrix() {
  FeatureMatrix m;
  m.features = {{"x", false}, {"y", false}, {"z", false}, {"d", true}};
  m.rows = 6;
  const double x[] = {1, 2, 3, 4, 5, 6}, y[] = {2, 4.125, 6, 8.25, 10, 12.125}, z[] = {3, 1, 4, 1, 5, 9},
               d[] = {0, 0, 0, 1, 1, 1};
  for (size_t r = 0; r < 6; ++r) {
    for (double v : {x[r], y[r], z[r], d[r]}) m.values.push_back(static_cast<float>(v));
  }
  return m;
}

TEST(SelectionTest, CorrelationFilterKeepsTheEarlierFeature) {
  FeatureMatrix m = Matrix();
  struct Case {
    double threshold;
    std::vector<std::string> kept;
    std::vector<std::string> dropped;
  } cases[] = {
      {0.9999, {"x", "y", "z", "d"}, {}},
      {0.99, {"x", "z", "d"}, {"y"}},
      // correlation(x, d) = 0.8783100656536799: d goes at 0.85, not at 0.9. z against x is
      // 0.696 < 0.7; y, being dropped, is never compared with z.
      {0.9, {"x", "z", "d"}, {"y"}},
      {0.85, {"x", "z"}, {"y", "d"}},
      {0.7, {"x", "z"}, {"y", "d"}},
      {0.5, {"x"}, {"y", "z", "d"}},
  };
  for (const auto& c : cases) {
    auto r = CorrelationFilter(m, c.threshold);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->kept, c.kept) << c.threshold;
    std::vector<std::string> dropped;
    for (const auto& d : r->dropped) {
      dropped.push_back(d.feature);
      EXPECT_EQ(d.kept, "x");
    }
    EXPECT_EQ(dropped, c.dropped) << c.threshold;
  }
  auto r = *CorrelationFilter(m, 0.99);
  EXPECT_NEAR(r.dropped[0].r, 0.9996585590043509, 1e-12);
  EXPECT_EQ(CorrelationFilter(m, 1.5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CorrelationFilter(m, NAN).status().code(), StatusCode::kInvalidArgument);
}

TEST(SelectionTest, RankAgainstNumericLabel) {
  FeatureMatrix m = Matrix();
  std::vector<double> lab = {1.0, 2.0, 2.5, 4.0, 5.5, 5.0};
  ImportanceOptions options;
  options.bins = 2;  // the label splits at its median 3.25 into [0,0,0,1,1,1], exactly d
  auto ranked = RankFeatures(m, lab, options);
  ASSERT_TRUE(ranked.ok());
  ASSERT_EQ(ranked->size(), 4u);
  struct Want {
    const char* feature;
    double score;
    ImportanceMethod method;
  } want[] = {
      {"x", 0.961202254697777, ImportanceMethod::kAbsPearson},
      {"y", 0.9602706750925313, ImportanceMethod::kAbsPearson},
      {"d", std::log(2.0), ImportanceMethod::kMutualInformation},
      {"z", 0.5567395370819861, ImportanceMethod::kAbsPearson},
  };
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ((*ranked)[i].feature, want[i].feature) << i;
    EXPECT_NEAR((*ranked)[i].score, want[i].score, 1e-12) << i;
    EXPECT_EQ((*ranked)[i].method, want[i].method) << i;
  }
}

TEST(SelectionTest, RankAgainstCategoricalLabel) {
  FeatureMatrix m = Matrix();
  std::vector<double> cls = {0, 0, 0, 1, 1, 1};
  ImportanceOptions options;
  options.label = LabelKind::kCategorical;
  options.bins = 2;
  auto ranked = RankFeatures(m, cls, options);
  ASSERT_TRUE(ranked.ok());
  for (const auto& s : *ranked) EXPECT_EQ(s.method, ImportanceMethod::kMutualInformation);
  // x, y and d split exactly like the label: ln 2 each, tied and so ordered by name. z bins at
  // its median 3.5 into [0,0,1,0,1,1]; by hand MI = 2/3 ln(4/3) + 1/3 ln(2/3).
  std::vector<std::string> order;
  for (const auto& s : *ranked) order.push_back(s.feature);
  EXPECT_EQ(order, (std::vector<std::string>{"d", "x", "y", "z"}));
  EXPECT_NEAR((*ranked)[0].score, std::log(2.0), 1e-12);
  EXPECT_NEAR((*ranked)[3].score, 2.0 / 3 * std::log(4.0 / 3) + 1.0 / 3 * std::log(2.0 / 3), 1e-12);

  // A NaN label row is skipped; a wrong label length or bin count is an error.
  std::vector<double> with_nan = {0, 0, NAN, 1, 1, 1};
  EXPECT_TRUE(RankFeatures(m, with_nan, options).ok());
  EXPECT_EQ(RankFeatures(m, std::vector<double>{0, 1}, options).status().code(), StatusCode::kInvalidArgument);
  options.bins = 1;
  EXPECT_EQ(RankFeatures(m, cls, options).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace moebius::transform
