#include "eval/criteria.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

namespace moebius::eval {
namespace {

using MetricMap = std::map<std::string, double>;

std::function<std::optional<double>(std::string_view)> Lookup(MetricMap m) {
  return [m = std::move(m)](std::string_view k) -> std::optional<double> {
    auto it = m.find(std::string(k));
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

TEST(CriteriaTest, CanonicalForms) {
  struct Case {
    const char* in;
    const char* canonical;
  } cases[] = {
      {"f1 >= 0.85 and p99_latency_ms <= 50", "f1 >= 0.85 and p99_latency_ms <= 50"},
      {"F1>=0.85 AND latency<50", "F1 >= 0.85 and latency < 50"},
      {"0.85 <= f1", "f1 >= 0.85"},
      {"0.85 < f1 and 1 > loss and 2 >= a and 3 <= b and 4 == c and 5 != d",
       "f1 > 0.85 and loss < 1 and a <= 2 and b >= 3 and c == 4 and d != 5"},
      {"(a > 1 or b > 2) and c = 3", "(a > 1 or b > 2) and c == 3"},
      {"a > 1 or b > 2 and c > 3", "a > 1 or b > 2 and c > 3"},
      {"(a > 1 or b > 2) or c > 3", "a > 1 or b > 2 or c > 3"},
      {"a > 1 and (b > 2 and c > 3)", "a > 1 and b > 2 and c > 3"},
      {"not drift > 0.2 && !x != 1", "not drift > 0.2 and not x != 1"},
      {"NOT (a > 1 Or b < 2)", "not (a > 1 or b < 2)"},
      {"not not a > 1", "not not a > 1"},
      {"`val/loss` < 1e-3 || `my metric` > -2", "val/loss < 1e-3 or `my metric` > -2"},
      {"`and` > 1 and `2x` < .5", "`and` > 1 and `2x` < .5"},
      {"eval.f1-macro >= +0.8", "eval.f1-macro >= +0.8"},
      {"a > 1E+3 and b < -2.5e-3", "a > 1E+3 and b < -2.5e-3"},
      {"`정확도` >= 0.9", "`정확도` >= 0.9"},
      {"((a > 1))", "a > 1"},
      {"  a\t>\n1  ", "a > 1"},
  };
  for (const auto& c : cases) {
    auto r = ParseCriteria(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.status().ToString();
    EXPECT_EQ(r->Canonical(), c.canonical) << c.in;
    auto again = ParseCriteria(r->Canonical());
    ASSERT_TRUE(again.ok()) << r->Canonical();
    EXPECT_EQ(again->Canonical(), r->Canonical());
  }
}

TEST(CriteriaTest, ErrorsNameTheColumnAndWhatWasExpected) {
  struct Case {
    const char* in;
    const char* message;  // the whole message
  } cases[] = {
      {"", "the expression is empty"},
      {"   ", "the expression is empty"},
      {"f1 >= ", "at column 7: expected a number after '>='"},
      {"f1 >= 0.85 and p99 <= ", "at column 23: expected a number after '<='"},
      {"0.5 < ", "at column 7: expected a metric name after '<'"},
      {"f1 0.85", "at column 4: expected a comparison operator (<, <=, >, >=, ==, !=) after 'f1'"},
      {"f1 >= 0.8 and", "at column 14: expected a comparison such as 'f1 >= 0.85' at the end"},
      {"f1 >= 0.8 and )", "at column 15: expected a metric name or a number, got ')'"},
      {"(f1 > 1", "at column 8: expected ')' to close the '(' at column 1"},
      {"a > b", "at column 1: compare a metric with a number, not two metrics"},
      {"1 > 2", "at column 1: compare a metric with a number, not two numbers"},
      {"f1 >= 0.8; DROP TABLE tasks", "at column 10: unexpected character ';'"},
      {"f1 & x", "at column 4: unexpected '&'; did you mean '&&'?"},
      {"f1 | x", "at column 4: unexpected '|'; did you mean '||'?"},
      {"f1 > 1e999", "at column 6: '1e999' is not a finite number"},
      {"f1 > 1.2.3", "at column 6: '1.2.3' is not a finite number"},
      {"f1 > 1e", "at column 6: '1e' is not a finite number"},
      {"`unterminated > 1", "at column 1: unterminated backticked name; add the closing '`'"},
      {"`` > 1", "at column 1: empty backticked name"},
      {"a > 1 b > 2", "at column 7: unexpected 'b'; expected 'and', 'or' or the end"},
      {"a > 1)", "at column 6: unexpected ')'; expected 'and', 'or' or the end"},
      {"a >> 1", "at column 4: expected a number after '>'"},
      {"a => 1", "at column 4: expected a number after '=='"},
      {"not", "at column 4: expected a comparison such as 'f1 >= 0.85' at the end"},
      // Columns count characters, not bytes: the caret lines up under multi-byte text.
      {"`정확도` >= ", "at column 10: expected a number after '>='"},
      {"정확도 > 1", "at column 1: unexpected character '정'; quote such a name with backticks"},
      {"a > 1 and `b\x01` > 2", "at column 13: control character U+0001 in a name"},
      {"a > 1 \x02", "at column 7: unexpected character U+0002"},
      {"a > 1 and b > \xff", "the expression is not valid UTF-8 text"},
  };
  for (const auto& c : cases) {
    auto r = ParseCriteria(c.in);
    ASSERT_FALSE(r.ok()) << c.in;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.message) << c.in;
  }
}

TEST(CriteriaTest, LimitsLengthAndDepth) {
  auto nested = [](int n, const std::string& open, const std::string& close) {
    std::string s;
    for (int i = 0; i < n; ++i) s += open;
    s += "a > 1";
    for (int i = 0; i < n; ++i) s += close;
    return s;
  };
  EXPECT_TRUE(ParseCriteria(nested(32, "(", ")")).ok());
  auto deep = ParseCriteria(nested(33, "(", ")"));
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().message(), "at column 33: nested deeper than 32 levels");
  EXPECT_TRUE(ParseCriteria(nested(32, "not ", "")).ok());
  EXPECT_FALSE(ParseCriteria(nested(33, "not ", "")).ok());
  EXPECT_FALSE(ParseCriteria(nested(5000, "(", ")")).ok());  // far too deep: no stack overflow

  std::string at_limit = "a > 1" + std::string(4096 - 5, ' ');
  EXPECT_TRUE(ParseCriteria(at_limit).ok());
  auto long_text = ParseCriteria(at_limit + " ");
  ASSERT_FALSE(long_text.ok());
  EXPECT_EQ(long_text.status().message(), "the expression is 4097 bytes long; the limit is 4096");

  // Long and/or chains are not nesting.
  std::string chain = "m0 > 0";
  for (int i = 1; i < 200; ++i) chain += " and m" + std::to_string(i) + " > 0";
  EXPECT_TRUE(ParseCriteria(chain).ok());
}

TEST(CriteriaTest, Evaluation) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    const char* expr;
    MetricMap metrics;
    bool passed;
    std::vector<std::string> missing;
  } cases[] = {
      {"f1 >= 0.85 and p99_latency_ms <= 50", {{"f1", 0.9}, {"p99_latency_ms", 40}}, true, {}},
      {"f1 >= 0.85 and p99_latency_ms <= 50", {{"f1", 0.85}, {"p99_latency_ms", 50}}, true, {}},  // boundaries
      {"f1 >= 0.85 and p99_latency_ms <= 50", {{"f1", 0.84}, {"p99_latency_ms", 40}}, false, {}},
      {"f1 >= 0.85 and p99_latency_ms <= 50", {{"f1", 0.9}}, false, {"p99_latency_ms"}},
      {"f1 >= 0.85 and p99_latency_ms <= 50", {}, false, {"f1", "p99_latency_ms"}},
      {"(accuracy > 0.9 or f1_macro >= 0.8) and not drift_score > 0.2",
       {{"accuracy", 0.5}, {"f1_macro", 0.81}, {"drift_score", 0.1}}, true, {}},
      {"(accuracy > 0.9 or f1_macro >= 0.8) and not drift_score > 0.2",
       {{"accuracy", 0.95}, {"drift_score", 0.3}}, false, {"f1_macro"}},
      {"(accuracy > 0.9 or f1_macro >= 0.8) and not drift_score > 0.2",
       {{"accuracy", 0.95}, {"drift_score", 0.2}}, true, {"f1_macro"}},  // one side of `or` is enough
      // A missing metric never makes the expression pass, even under `not`.
      {"not drift_score > 0.2", {}, false, {"drift_score"}},
      {"not (a > 1 and b > 1)", {{"a", 0}}, true, {"b"}},   // a > 1 is false, so the `and` is false
      {"not (a > 1 and b > 1)", {{"a", 2}}, false, {"b"}},  // the `and` is unknown
      {"a > 1 or b > 1", {{"b", 2}}, true, {"a"}},
      {"a > 1 or b > 1", {{"b", 0}}, false, {"a"}},
      {"a > 1 and a < 3 and a != 2", {{"a", 2.5}}, true, {}},
      {"a == 2", {{"a", 2}}, true, {}},
      {"a = -1e-3", {{"a", -0.001}}, true, {}},
      // NaN compares false and is unknown to the logic.
      {"f1 > 0.5", {{"f1", nan}}, false, {}},
      {"f1 != 0.5", {{"f1", nan}}, false, {}},
      {"not f1 > 0.5", {{"f1", nan}}, false, {}},
      {"f1 > 0.5 or loss < 1", {{"f1", nan}, {"loss", 0.5}}, true, {}},
      {"loss < 1", {{"loss", -std::numeric_limits<double>::infinity()}}, true, {}},
      {"`my metric` > 1", {{"my metric", 2}}, true, {}},
  };
  for (const auto& c : cases) {
    auto parsed = ParseCriteria(c.expr);
    ASSERT_TRUE(parsed.ok()) << c.expr;
    Evaluation ev = parsed->Evaluate(Lookup(c.metrics));
    EXPECT_EQ(ev.passed, c.passed) << c.expr;
    EXPECT_EQ(ev.missing, c.missing) << c.expr;
  }
}

TEST(CriteriaTest, EveryClauseIsReportedInSourceOrder) {
  auto c = *ParseCriteria("0.85 <= f1 and (p99_latency_ms <= 50 or f1 > 0.99) and not drift > 0.2");
  Evaluation ev = c.Evaluate(Lookup({{"f1", 0.8}, {"drift", std::nan("")}}));
  EXPECT_FALSE(ev.passed);
  ASSERT_EQ(ev.clauses.size(), 4u);  // no short-circuit after the first failure
  EXPECT_EQ(ev.clauses[0].text, "f1 >= 0.85");
  EXPECT_FALSE(ev.clauses[0].passed);
  EXPECT_DOUBLE_EQ(*ev.clauses[0].actual, 0.8);
  EXPECT_EQ(ev.clauses[1].text, "p99_latency_ms <= 50");
  EXPECT_FALSE(ev.clauses[1].actual.has_value());
  EXPECT_EQ(ev.clauses[2].text, "f1 > 0.99");
  EXPECT_EQ(ev.clauses[3].text, "drift > 0.2");
  EXPECT_FALSE(ev.clauses[3].passed);
  ASSERT_TRUE(ev.clauses[3].actual.has_value());
  EXPECT_TRUE(std::isnan(*ev.clauses[3].actual));
  EXPECT_EQ(ev.missing, std::vector<std::string>{"p99_latency_ms"});
}

TEST(CriteriaTest, MetricsAreSortedAndUnique) {
  auto c = *ParseCriteria("(accuracy > 0.9 or f1_macro >= 0.8) and not drift > 0.2 and accuracy < 1 and `b c` > 0");
  EXPECT_EQ(c.Metrics(), (std::vector<std::string>{"accuracy", "b c", "drift", "f1_macro"}));
}

TEST(CriteriaTest, LookupSeesTheBareName) {
  std::vector<std::string> asked;
  auto c = *ParseCriteria("`val/loss` < 1 and eval.f1 > 0");
  c.Evaluate([&](std::string_view k) -> std::optional<double> {
    asked.emplace_back(k);
    return 0.5;
  });
  EXPECT_EQ(asked, (std::vector<std::string>{"val/loss", "eval.f1"}));
}

}  // namespace
}  // namespace moebius::eval
