#include "eval/metric_names.h"

#include <gtest/gtest.h>

namespace moebius::eval {
namespace {

// What `moebius train xgboost` logs on a binary task (a selection).
RunMetrics Trained() {
  return RunMetrics({{"test_f1", 0.81},
                     {"test_f1_macro", 0.8},
                     {"test_accuracy", 0.86},
                     {"test_roc_auc", 0.9},
                     {"valid_score", 0.31},
                     {"perf.latency_p99_ms", 0.4},
                     {"perf.latency_p50_ms", 0.2},
                     {"time.train_s", 1.5},
                     {"explain.perm.tenure_months", 0.1},
                     {"rows_test", 450}});
}

TEST(MetricNamesTest, EvaluationQualifiedNamesResolveToTheLoggedKeys) {
  RunMetrics m = Trained();
  struct Case {
    const char* name;
    const char* key;  // nullptr: none
  } cases[] = {
      {"test.f1", "test_f1"},
      {"test_f1", "test_f1"},
      {"test.f1_macro", "test_f1_macro"},
      {"perf.latency_p99_ms", "perf.latency_p99_ms"},
      {"time.train_s", "time.train_s"},
      {"f1", nullptr},
      {"valid.f1", nullptr},
      {"test.", nullptr},
      {".f1", nullptr},
      {"p99_latency_ms", nullptr},
  };
  for (const auto& c : cases) {
    auto got = m.Resolve(c.name);
    if (c.key) {
      ASSERT_TRUE(got.has_value()) << c.name;
      EXPECT_EQ(*got, c.key) << c.name;
    } else {
      EXPECT_FALSE(got.has_value()) << c.name << " resolved to " << got.value_or("");
    }
  }
  EXPECT_DOUBLE_EQ(*m.Value("test.f1"), 0.81);
}

TEST(MetricNamesTest, TheExactKeyWinsOverTheEvaluationForm) {
  RunMetrics m({{"test.f1", 0.5}, {"test_f1", 0.9}});
  EXPECT_EQ(*m.Resolve("test.f1"), "test.f1");
  EXPECT_DOUBLE_EQ(*m.Value("test.f1"), 0.5);
}

TEST(MetricNamesTest, CloseNamesAreTheLoggedKeysAUserMeant) {
  RunMetrics m = Trained();
  struct Case {
    const char* missing;
    std::vector<std::string> close;
  } cases[] = {
      // Every word of the name, fewest other words first.
      {"f1", {"test_f1", "test_f1_macro"}},
      {"p99_latency_ms", {"perf.latency_p99_ms"}},
      {"accuracy", {"test_accuracy"}},
      {"roc_auc", {"test_roc_auc"}},
      // A typing mistake.
      {"test.acuracy", {"test_accuracy"}},
      {"perf.latency_p90_ms", {"perf.latency_p50_ms", "perf.latency_p99_ms"}},
      // Another evaluation with the same metric.
      {"valid.f1", {"test_f1", "test_f1_macro"}},
      // Nothing near.
      {"drift", {}},
  };
  for (const auto& c : cases) EXPECT_EQ(m.CloseNames(c.missing), c.close) << c.missing;
  EXPECT_EQ(m.CloseNames("f1", 1), std::vector<std::string>{"test_f1"});
}

TEST(MetricNamesTest, CriteriaOfTheTaskPassARunOfTheTrainer) {
  // The demo's criteria in the evaluation form, against what the trainer logged.
  auto c = ParseCriteria("test.f1 >= 0.7 and perf.latency_p99_ms <= 50");
  ASSERT_TRUE(c.ok());
  Evaluation ev = Trained().Evaluate(*c);
  EXPECT_TRUE(ev.passed);
  EXPECT_TRUE(ev.missing.empty());
  ASSERT_EQ(ev.clauses.size(), 2u);
  EXPECT_EQ(ev.clauses[0].metric, "test.f1");
  EXPECT_EQ(ev.clauses[0].logged_as, "test_f1");
  EXPECT_DOUBLE_EQ(*ev.clauses[0].actual, 0.81);
  EXPECT_EQ(ev.clauses[1].logged_as, "perf.latency_p99_ms");
}

TEST(MetricNamesTest, MissingNamesComeWithTheirCloseNames) {
  // The criteria a newcomer writes from the CLI's old example.
  auto c = ParseCriteria("f1 >= 0.85 and p99_latency_ms <= 50");
  ASSERT_TRUE(c.ok());
  Evaluation ev = Trained().Evaluate(*c);
  EXPECT_FALSE(ev.passed);
  EXPECT_EQ(ev.missing, (std::vector<std::string>{"f1", "p99_latency_ms"}));
  EXPECT_EQ(ev.close.at("f1"), (std::vector<std::string>{"test_f1", "test_f1_macro"}));
  EXPECT_EQ(ev.close.at("p99_latency_ms"), std::vector<std::string>{"perf.latency_p99_ms"});
  EXPECT_EQ(ev.clauses[0].logged_as, "");
  Json j = EvaluationToJson(ev);
  EXPECT_EQ(j["close"]["f1"][0], "test_f1");
  EXPECT_TRUE(j["clauses"][0]["actual"].is_null());
  EXPECT_TRUE(j["clauses"][0]["logged_as"].is_null());
  EXPECT_EQ(j["clauses"][1]["metric"], "p99_latency_ms");
}

}  // namespace
}  // namespace moebius::eval
