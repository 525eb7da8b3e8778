#include "project/criteria.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace moebius::project {
namespace {

std::function<std::optional<double>(std::string_view)> Metrics(std::map<std::string, double> m) {
  return [m](std::string_view k) -> std::optional<double> {
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
      {"(a > 1 or b > 2) and c = 3", "(a > 1 or b > 2) and c == 3"},
      {"a > 1 or b > 2 and c > 3", "a > 1 or b > 2 and c > 3"},
      {"not drift > 0.2 && !x != 1", "not drift > 0.2 and not x != 1"},
      {"`val/loss` < 1e-3 || `my metric` > -2", "val/loss < 1e-3 or `my metric` > -2"},
      {"((a > 1))", "a > 1"},
  };
  for (const auto& c : cases) {
    auto r = ParseCriteria(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.status().ToString();
    EXPECT_EQ(r->Canonical(), c.canonical) << c.in;
    auto again = ParseCriteria(r->Canonical());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->Canonical(), r->Canonical());
  }
}

TEST(CriteriaTest, ErrorsNameTheColumn) {
  struct Case {
    const char* in;
    const char* message_part;
  } cases[] = {
      {"", "empty"},
      {"f1 >= ", "at column 7: expected a number after '>='"},
      {"f1 0.85", "at column 4: expected a comparison operator"},
      {"f1 >= 0.8 and", "at column 14"},
      {"(f1 > 1", "expected ')'"},
      {"a > b", "not two metrics"},
      {"1 > 2", "not two numbers"},
      {"f1 >= 0.8; DROP TABLE tasks", "at column 10: unexpected character ';'"},
      {"f1 & x", "did you mean '&&'"},
      {"f1 > 1e999", "is not a number"},
      {"`unterminated > 1", "unterminated"},
      {"a > 1 b > 2", "expected 'and', 'or' or the end"},
  };
  for (const auto& c : cases) {
    auto r = ParseCriteria(c.in);
    ASSERT_FALSE(r.ok()) << c.in;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos) << c.in << " -> " << r.status().message();
  }
}

TEST(CriteriaTest, LimitsLengthAndDepth) {
  EXPECT_FALSE(ParseCriteria(std::string(5000, ' ') + "a > 1").ok());
  std::string deep = std::string(40, '(') + "a > 1" + std::string(40, ')');
  EXPECT_FALSE(ParseCriteria(deep).ok());
  std::string ok = std::string(10, '(') + "a > 1" + std::string(10, ')');
  EXPECT_TRUE(ParseCriteria(ok).ok());
}

TEST(CriteriaTest, Evaluation) {
  auto c = *ParseCriteria("f1 >= 0.85 and p99_latency_ms <= 50");
  auto pass = c.Evaluate(Metrics({{"f1", 0.9}, {"p99_latency_ms", 40}}));
  EXPECT_TRUE(pass.passed);
  ASSERT_EQ(pass.clauses.size(), 2u);
  EXPECT_TRUE(pass.clauses[0].passed);
  EXPECT_DOUBLE_EQ(*pass.clauses[1].actual, 40);

  auto fail = c.Evaluate(Metrics({{"f1", 0.8}}));
  EXPECT_FALSE(fail.passed);
  ASSERT_EQ(fail.missing.size(), 1u);
  EXPECT_EQ(fail.missing[0], "p99_latency_ms");
  EXPECT_EQ(fail.clauses.size(), 2u);  // every clause is reported, not only up to the first failure
  EXPECT_FALSE(fail.clauses[1].actual.has_value());

  auto boundary = c.Evaluate(Metrics({{"f1", 0.85}, {"p99_latency_ms", 50}}));
  EXPECT_TRUE(boundary.passed);

  auto nan = c.Evaluate(Metrics({{"f1", std::nan("")}, {"p99_latency_ms", 1}}));
  EXPECT_FALSE(nan.passed);

  auto either = *ParseCriteria("(accuracy > 0.9 or f1_macro >= 0.8) and not drift > 0.2");
  EXPECT_TRUE(either.Evaluate(Metrics({{"accuracy", 0.5}, {"f1_macro", 0.81}, {"drift", 0.1}})).passed);
  EXPECT_FALSE(either.Evaluate(Metrics({{"accuracy", 0.95}, {"drift", 0.3}})).passed);
  EXPECT_EQ(either.Metrics(), (std::vector<std::string>{"accuracy", "drift", "f1_macro"}));
}

}  // namespace
}  // namespace moebius::project
