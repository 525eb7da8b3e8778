#include "tracking/search_filter.h"

#include <gtest/gtest.h>

namespace moebius::tracking {
namespace {

std::string TypeName(EntityType t) {
  switch (t) {
    case EntityType::kMetric: return "metric";
    case EntityType::kParam: return "param";
    case EntityType::kTag: return "tag";
    case EntityType::kAttribute: return "attr";
    case EntityType::kDataset: return "dataset";
  }
  return "?";
}

std::string ShowValue(const SearchValue& v) {
  if (v.integer) return "i" + std::to_string(*v.integer);
  if (v.is_number) return "n" + v.text;
  return "'" + v.text + "'";
}

// "metric:acc > n0.9; param:lr IN ('a', 'b')"
std::string Show(const std::vector<Comparison>& cs) {
  std::string out;
  for (const auto& c : cs) {
    if (!out.empty()) out += "; ";
    out += TypeName(c.key.type) + ":" + c.key.name + " " + c.op + " ";
    if (c.op == "IN" || c.op == "NOT IN") {
      out += "(";
      for (size_t i = 0; i < c.values.size(); ++i) out += (i ? ", " : "") + ShowValue(c.values[i]);
      out += ")";
    } else {
      out += ShowValue(c.values[0]);
    }
  }
  return out;
}

TEST(SearchFilterTest, ParsesRunFilters) {
  struct Case {
    const char* filter;
    const char* parsed;
  } cases[] = {
      {"", ""},
      {"  \t\n ", ""},
      {"metrics.acc > 0.9", "metric:acc > n0.9"},
      {"metric.acc>=-1e-3", "metric:acc >= n-1e-3"},
      {"metrics.acc < .5 and metrics.loss <= 2 AND metrics.x != 3 and metrics.y = 4", "metric:acc < n.5; metric:loss <= n2; metric:x != n3; metric:y = n4"},
      {"metrics.val.loss < 1", "metric:val.loss < n1"},
      {"metrics.`val loss` < 1", "metric:val loss < n1"},
      {"metrics.\"val-loss\" < 1", "metric:val-loss < n1"},
      {"metrics.`a``b` > 0", "metric:a`b > n0"},
      {"metrics.정확도 > 0.5", "metric:정확도 > n0.5"},
      {"params.lr = '0.01'", "param:lr = '0.01'"},
      {"param.lr = \"0.01\"", "param:lr = '0.01'"},
      {"parameter.lr != '1' and parameters.opt LIKE 'ad%'", "param:lr != '1'; param:opt LIKE 'ad%'"},
      {"params.name = 'it''s' and params.b = 'it\\'s' and params.c = \"say \"\"hi\"\"\"", "param:name = 'it's'; param:b = 'it's'; param:c = 'say \"hi\"'"},
      {"params.p = 'a\\\\b' and params.q LIKE '100\\%'", "param:p = 'a\\b'; param:q LIKE '100\\%'"},
      {"params.lr IN ('0.1', \"0.2\") and params.opt not in ('sgd')", "param:lr IN ('0.1', '0.2'); param:opt NOT IN ('sgd')"},
      {"tags.`mlflow.source.name` ilike '%train%'", "tag:mlflow.source.name ILIKE '%train%'"},
      {"tags.mlflow.user = 'me' and tag.x Like 'y'", "tag:mlflow.user = 'me'; tag:x LIKE 'y'"},
      {"attributes.status IN ('FINISHED', 'FAILED')", "attr:status IN ('FINISHED', 'FAILED')"},
      {"attribute.run_id = 'abc' and attr.user_id = 'u' and run.artifact_uri LIKE 'file:%'", "attr:run_id = 'abc'; attr:user_id = 'u'; attr:artifact_uri LIKE 'file:%'"},
      {"run_name = 'x' and status != 'RUNNING'", "attr:run_name = 'x'; attr:status != 'RUNNING'"},
      {"attributes.`run name` = 'x' and \"Run Name\" = 'y' and `Run name` = 'z'", "attr:run_name = 'x'; attr:run_name = 'y'; attr:run_name = 'z'"},
      {"attributes.start_time >= 1700000000000 and end_time < 1.7e12", "attr:start_time >= i1700000000000; attr:end_time < i1700000000000"},
      {"attributes.created > 5 and Created < 9", "attr:start_time > i5; attr:start_time < i9"},
      {"datasets.name = 'p/d@v1' and dataset.digest IN ('abc') and datasets.context != 'train'", "dataset:name = 'p/d@v1'; dataset:digest IN ('abc'); dataset:context != 'train'"},
      {"params.x = '' and params.y = ''' OR 1=1 --'", "param:x = ''; param:y = '' OR 1=1 --'"},
  };
  for (const auto& c : cases) {
    auto r = ParseSearchFilter(c.filter, SearchKind::kRuns);
    ASSERT_TRUE(r.ok()) << c.filter << ": " << r.status().ToString();
    EXPECT_EQ(Show(*r), c.parsed) << c.filter;
  }
}

TEST(SearchFilterTest, RejectsBadRunFiltersWithPosition) {
  struct Case {
    const char* filter;
    const char* message_part;
  } cases[] = {
      // SQL that tries to escape the grammar is a parse error, nothing more.
      {"metrics.a > 1; DROP TABLE runs", "position 14 (near ';'): unexpected character ';'"},
      {"params.x = '' OR 1=1 --", "position 15 (near 'OR'): OR is not supported"},
      {"metrics.acc > 0 UNION SELECT * FROM users", "position 30 (near '*'): unexpected character '*'"},
      {"metrics.acc > 0 UNION SELECT run_uuid FROM users", "position 17 (near 'UNION'): expected AND or the end"},
      {"attributes.status = 'x' /* */", "unexpected character '*'"},
      {"tags.`a` = 'b') OR (1=1", "position 15 (near ')'): expected AND"},
      {"(metrics.a > 1)", "position 1 (near '('): expected a key"},
      {"metrics.a > 1 and", "at the end): expected a key"},
      {"and metrics.a > 1", "unknown attribute 'and'"},
      // Values and operators by key type.
      {"metrics.acc > 'high'", "position 15 (near ''high''): expected a number for metric 'acc'"},
      {"metrics.acc > 1e999", "'1e999' is not a finite number"},
      {"metrics.acc = 1.2.3", "'1.2.3' is not a finite number"},
      {"params.lr = 0.01", "expected a quoted string for param 'lr'"},
      {"tags.t = x", "expected a quoted string for tag 't'"},
      {"params.lr > '1'", "operator '>' is not allowed for param 'lr'; use =, !=, LIKE, ILIKE, IN or NOT IN"},
      {"attributes.status < 'x'", "operator '<' is not allowed for attribute 'status'"},
      {"metrics.acc LIKE '%'", "operator 'LIKE' is not allowed for metric 'acc'; use =, !=, <, <=, > or >="},
      {"metrics.acc IN (1, 2)", "operator 'IN' is not allowed for metric 'acc'"},
      {"attributes.start_time ILIKE '1%'", "operator 'ILIKE' is not allowed for attribute 'start_time'"},
      {"attributes.start_time > '5'", "expected a number for attribute 'start_time'"},
      {"attributes.start_time > 1.5", "expected an integer for attribute 'start_time' (milliseconds since the epoch)"},
      {"attributes.run_name = 5", "expected a quoted string for attribute 'run_name'"},
      {"metrics.a == 1", "use '=' to compare for equality"},
      {"metrics.a <> 1", "use '!=' to compare for inequality"},
      {"metrics.a ! 1", "expected '!='"},
      {"metrics.a 1", "expected a comparison operator after metric 'a' (=, !=, <, <=, >, >=)"},
      {"params.a BETWEEN 'x'", "expected a comparison operator after param 'a' (=, !=, LIKE, ILIKE, IN, NOT IN)"},
      {"params.a NOT LIKE 'x'", "expected IN after NOT"},
      {"params.a IN 'x'", "expected '(' to start the IN list"},
      {"params.a IN ()", "expected a quoted string for param 'a'"},
      {"params.a IN ('x', 'y'", "expected ',' or ')' in the IN list"},
      {"params.a IN ('x',)", "expected a quoted string"},
      {"params.a IN ('x' 'y')", "expected ',' or ')'"},
      // Keys.
      {"foo.bar = 'x'", "position 1 (near 'foo.bar'): unknown entity 'foo'; keys start with metrics., params., tags., attributes. or datasets."},
      {"Metrics.acc > 1", "unknown entity 'Metrics'"},  // entity names are case-sensitive, as in MLflow
      {"attributes.nonsense = 'x'", "unknown attribute 'nonsense'; valid attributes to search by are run_id, run_name, status"},
      {"attributes.lifecycle_stage = 'deleted'", "unknown attribute 'lifecycle_stage'"},  // view_type does that
      {"experiment_id = 1", "unknown attribute 'experiment_id'"},
      {"datasets.size = 'x'", "unknown dataset field 'size'"},
      {"metrics. > 1", "expected a key name after 'metrics.'"},
      {"metrics.`` > 1", "empty key name"},
      {"'acc' > 1", "expected a key such as metrics.accuracy"},
      // Lexical.
      {"metrics.acc >", "(at the end): expected a number for metric 'acc'"},
      {"metrics.acc > 1 metrics.b > 2", "expected AND or the end of the filter"},
      {"params.a = 'unterminated", "position 12 (near '''): unterminated quoted text"},
      {"params.`a = 'x'", "unterminated quoted text"},
      {"params.a = 'x' and tags.b = 'y' and metrics.c > 1 ; --", "unexpected character ';'"},
      {"params.a = 'x\\'", "unterminated quoted text"},
      // Positions count characters: the ';' is the 17th character but the 21st byte.
      {"metrics.정확도 > 1 ;", "position 17 (near ';')"},
      {"metrics.a > 1 \x01", "unexpected character U+0001"},
  };
  for (const auto& c : cases) {
    auto r = ParseSearchFilter(c.filter, SearchKind::kRuns);
    ASSERT_FALSE(r.ok()) << c.filter;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos) << c.filter << "\n  -> " << r.status().message();
    EXPECT_EQ(r.status().message().rfind("Invalid search expression at position ", 0), 0u) << r.status().message();
  }
}

TEST(SearchFilterTest, Limits) {
  std::string many;
  for (int i = 0; i < 100; ++i) many += std::string(i ? " and " : "") + "metrics.m" + std::to_string(i) + " > 0";
  EXPECT_TRUE(ParseSearchFilter(many, SearchKind::kRuns).ok());
  auto too_many = ParseSearchFilter(many + " and metrics.x > 0", SearchKind::kRuns);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("at most 100 comparisons"), std::string::npos);

  std::string list = "params.p IN (";
  for (int i = 0; i < 1001; ++i) list += std::string(i ? "," : "") + "'" + std::to_string(i) + "'";
  auto long_list = ParseSearchFilter(list + ")", SearchKind::kRuns);
  ASSERT_FALSE(long_list.ok());
  EXPECT_NE(long_list.status().message().find("at most 1000 values"), std::string::npos);

  auto long_text = ParseSearchFilter("params.p = '" + std::string(10000, 'x') + "'", SearchKind::kRuns);
  ASSERT_FALSE(long_text.ok());
  EXPECT_NE(long_text.status().message().find("the limit is 10000"), std::string::npos);

  auto bad_utf8 = ParseSearchFilter("params.p = '\xc3'", SearchKind::kRuns);
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.status().message(), "the filter is not valid UTF-8 text");
}

TEST(SearchFilterTest, ExperimentFilters) {
  struct Case {
    const char* filter;
    const char* parsed;  // nullptr: an error containing `error`
    const char* error;
  } cases[] = {
      {"name LIKE 'exp%' and tags.team = 'a' and creation_time > 0", "attr:name LIKE 'exp%'; tag:team = 'a'; attr:creation_time > i0", nullptr},
      {"attribute.name = 'x' and attributes.last_update_time <= 5 and tag.t != 'y'", "attr:name = 'x'; attr:last_update_time <= i5; tag:t != 'y'", nullptr},
      {"name IN ('a', 'b')", "attr:name IN ('a', 'b')", nullptr},
      {"metrics.a > 1", nullptr, "unknown entity 'metrics'; keys start with tags. or attributes."},
      {"params.a = 'x'", nullptr, "unknown entity 'params'"},
      {"run.name = 'x'", nullptr, "unknown entity 'run'"},
      {"experiment_id = 1", nullptr, "unknown attribute 'experiment_id'; valid attributes to search by are name, creation_time, last_update_time"},
      {"lifecycle_stage = 'active'", nullptr, "unknown attribute 'lifecycle_stage'"},
      {"name > 'a'", nullptr, "operator '>' is not allowed for attribute 'name'"},
      {"creation_time LIKE '1%'", nullptr, "operator 'LIKE' is not allowed for attribute 'creation_time'"},
      {"creation_time = 'x'", nullptr, "expected a number for attribute 'creation_time'"},
  };
  for (const auto& c : cases) {
    auto r = ParseSearchFilter(c.filter, SearchKind::kExperiments);
    if (c.parsed) {
      ASSERT_TRUE(r.ok()) << c.filter << ": " << r.status().ToString();
      EXPECT_EQ(Show(*r), c.parsed) << c.filter;
    } else {
      ASSERT_FALSE(r.ok()) << c.filter;
      EXPECT_NE(r.status().message().find(c.error), std::string::npos) << c.filter << "\n  -> " << r.status().message();
    }
  }
}

TEST(SearchFilterTest, OrderBy) {
  struct Case {
    SearchKind kind;
    const char* clause;
    const char* parsed;  // "type:name ASC|DESC", or nullptr for an error containing `error`
    const char* error;
  } cases[] = {
      {SearchKind::kRuns, "metrics.acc DESC", "metric:acc DESC", nullptr},
      {SearchKind::kRuns, "metrics.`val/loss` desc", "metric:val/loss DESC", nullptr},
      {SearchKind::kRuns, "metrics.\"my metric\" Asc", "metric:my metric ASC", nullptr},
      {SearchKind::kRuns, "params.lr", "param:lr ASC", nullptr},
      {SearchKind::kRuns, "tags.mlflow.runName DESC", "tag:mlflow.runName DESC", nullptr},
      {SearchKind::kRuns, "attributes.start_time ASC", "attr:start_time ASC", nullptr},
      {SearchKind::kRuns, "start_time", "attr:start_time ASC", nullptr},
      {SearchKind::kRuns, "created DESC", "attr:start_time DESC", nullptr},
      {SearchKind::kRuns, "run.run_name", "attr:run_name ASC", nullptr},
      {SearchKind::kRuns, "  attributes.end_time   DESC  ", "attr:end_time DESC", nullptr},
      {SearchKind::kRuns, "metrics.a sideways", nullptr, "expected ASC or DESC after the key"},
      {SearchKind::kRuns, "metrics.a DESC; DROP TABLE runs", nullptr, "unexpected character ';'"},
      {SearchKind::kRuns, "start_time; --", nullptr, "unexpected character ';'"},
      {SearchKind::kRuns, "metrics.a DESC ASC", nullptr, "expected the end of the order_by clause"},
      {SearchKind::kRuns, "metrics.a, metrics.b", nullptr, "expected ASC or DESC"},
      {SearchKind::kRuns, "", nullptr, "empty order_by clause"},
      {SearchKind::kRuns, "`run name` DESC", nullptr, "unknown attribute 'run name'; valid attributes to order by"},
      {SearchKind::kRuns, "datasets.name", nullptr, "runs cannot be ordered by datasets"},
      {SearchKind::kRuns, "attributes.lifecycle_stage", nullptr, "unknown attribute 'lifecycle_stage'"},
      {SearchKind::kExperiments, "name", "attr:name ASC", nullptr},
      {SearchKind::kExperiments, "experiment_id DESC", "attr:experiment_id DESC", nullptr},
      {SearchKind::kExperiments, "attributes.last_update_time DESC", "attr:last_update_time DESC", nullptr},
      {SearchKind::kExperiments, "tags.team", nullptr, "experiments can be ordered by name, experiment_id, creation_time or last_update_time only"},
      {SearchKind::kExperiments, "metrics.acc", nullptr, "unknown entity 'metrics'"},
  };
  for (const auto& c : cases) {
    auto r = ParseOrderBy(c.clause, c.kind);
    if (c.parsed) {
      ASSERT_TRUE(r.ok()) << c.clause << ": " << r.status().ToString();
      EXPECT_EQ(TypeName(r->key.type) + ":" + r->key.name + (r->ascending ? " ASC" : " DESC"), c.parsed) << c.clause;
    } else {
      ASSERT_FALSE(r.ok()) << c.clause;
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(r.status().message().find(c.error), std::string::npos) << c.clause << "\n  -> " << r.status().message();
    }
  }
}

TEST(SearchFilterTest, NumericAttributes) {
  EXPECT_TRUE(IsNumericAttribute(SearchKind::kRuns, "start_time"));
  EXPECT_TRUE(IsNumericAttribute(SearchKind::kRuns, "end_time"));
  EXPECT_FALSE(IsNumericAttribute(SearchKind::kRuns, "run_name"));
  EXPECT_TRUE(IsNumericAttribute(SearchKind::kExperiments, "creation_time"));
  EXPECT_TRUE(IsNumericAttribute(SearchKind::kExperiments, "experiment_id"));
  EXPECT_FALSE(IsNumericAttribute(SearchKind::kExperiments, "name"));
}

}  // namespace
}  // namespace moebius::tracking
