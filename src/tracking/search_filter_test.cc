#include "tracking/search_filter.h"

#include <gtest/gtest.h>

namespace moebius::tracking {
namespace {

TEST(SearchFilterTest, ParsesComparisons) {
  auto r = ParseSearchFilter(
      "metrics.acc > 0.9 and params.lr = '0.01' AND tags.`mlflow.source.name` LIKE '%train%' and "
      "attributes.status IN ('FINISHED', 'FAILED') and metric.\"val loss\" <= -1e-3 and run.run_name != \"x\"",
      SearchKind::kRuns);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 6u);
  EXPECT_EQ((*r)[0].key.type, EntityType::kMetric);
  EXPECT_EQ((*r)[0].key.name, "acc");
  EXPECT_DOUBLE_EQ((*r)[0].values[0].number, 0.9);
  EXPECT_EQ((*r)[1].values[0].text, "0.01");
  EXPECT_EQ((*r)[2].key.name, "mlflow.source.name");
  EXPECT_EQ((*r)[2].op, "LIKE");
  EXPECT_EQ((*r)[3].op, "IN");
  EXPECT_EQ((*r)[3].values.size(), 2u);
  EXPECT_EQ((*r)[4].key.name, "val loss");
  EXPECT_DOUBLE_EQ((*r)[4].values[0].number, -1e-3);
  EXPECT_EQ((*r)[5].key.name, "run_name");
}

TEST(SearchFilterTest, KeysWithDotsAndQuotesInValues) {
  auto r = ParseSearchFilter("metrics.val.loss < 1 and params.name = 'it''s' and attributes.created >= 5", SearchKind::kRuns);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].key.name, "val.loss");
  EXPECT_EQ((*r)[1].values[0].text, "it's");
  EXPECT_EQ((*r)[2].key.name, "start_time");
  EXPECT_TRUE(ParseSearchFilter("", SearchKind::kRuns)->empty());
}

TEST(SearchFilterTest, RejectsBadInputWithPosition) {
  struct Case {
    const char* filter;
    const char* message_part;
  } cases[] = {
      {"metrics.a > 1; DROP TABLE runs", "unexpected character ';'"},
      {"params.x = '' OR 1=1 --", "OR is not supported"},
      {"metrics.acc > 'high'", "expected a number for metric 'acc'"},
      {"params.lr = 0.01", "expected a quoted string for param 'lr'"},
      {"params.lr > '1'", "operator '>' is not allowed for param 'lr'"},
      {"metrics.acc LIKE '%'", "operator 'LIKE' is not allowed"},
      {"foo.bar = 'x'", "unknown entity 'foo'"},
      {"attributes.nonsense = 'x'", "unknown attribute 'nonsense'"},
      {"metrics.acc >", "the end of the filter"},
      {"metrics.acc > 1 metrics.b > 2", "expected AND"},
      {"params.a IN ('x', 'y'", "expected ',' or ')'"},
      {"params.a = 'unterminated", "unterminated"},
      {"metrics.a ! 1", "'!' must be followed by '='"},
  };
  for (const auto& c : cases) {
    auto r = ParseSearchFilter(c.filter, SearchKind::kRuns);
    ASSERT_FALSE(r.ok()) << c.filter;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos) << c.filter << " -> " << r.status().message();
    EXPECT_NE(r.status().message().find("position"), std::string::npos) << c.filter;
  }
}

TEST(SearchFilterTest, ExperimentKind) {
  auto r = ParseSearchFilter("name LIKE 'exp%' and tags.team = 'a' and creation_time > 0", SearchKind::kExperiments);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].key.name, "name");
  EXPECT_FALSE(ParseSearchFilter("metrics.a > 1", SearchKind::kExperiments).ok());
}

TEST(SearchFilterTest, OrderBy) {
  auto a = ParseOrderBy("metrics.`val/loss` DESC", SearchKind::kRuns);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->key.name, "val/loss");
  EXPECT_FALSE(a->ascending);
  auto b = ParseOrderBy("attributes.start_time", SearchKind::kRuns);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->ascending);
  EXPECT_FALSE(ParseOrderBy("metrics.a sideways", SearchKind::kRuns).ok());
  EXPECT_FALSE(ParseOrderBy("metrics.a DESC; DROP TABLE runs", SearchKind::kRuns).ok());
}

}  // namespace
}  // namespace moebius::tracking
