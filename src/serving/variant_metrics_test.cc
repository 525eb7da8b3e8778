// Per-variant metrics (histogram buckets and percentiles, windows that forget old slots), the
// deployment policy document (settings checked, stored form read back), and the capture log
// (segments written off the request path, read newest first, feedback joined, drops counted).
#include "serving/variant_metrics.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "serving/capture_log.h"
#include "serving/deployment_policy.h"
#include "store/meta/migrations.h"
#include "store/meta/sqlite_database.h"
#include "testing/test_support.h"

namespace moebius::serving {
namespace {

using ::moebius::testing::StatusIs;
using ::testing::HasSubstr;

TEST(HistogramTest, BucketsAreLogLinearAndBoundsHoldTheirValues) {
  EXPECT_EQ(Histogram::BucketOf(0), 0);
  EXPECT_EQ(Histogram::BucketOf(1023), 0);
  EXPECT_EQ(Histogram::BucketOf(int64_t{1} << 40), Histogram::kBuckets - 1);
  for (int64_t ns : {1024LL, 1500LL, 999'999LL, 1'000'000LL, 2'500'000LL, 60'000'000'000LL}) {
    int b = Histogram::BucketOf(ns);
    // A bucket holds [the previous bucket's bound, its own bound).
    EXPECT_LT(static_cast<double>(ns), Histogram::UpperNanos(b)) << ns;
    EXPECT_GE(static_cast<double>(ns), Histogram::UpperNanos(b - 1)) << ns;
    EXPECT_LE(Histogram::UpperNanos(b) / static_cast<double>(ns), 1.0625 + 1e-9) << ns;
  }
}

TEST(HistogramTest, QuantilesOfAKnownDistribution) {
  VariantMetrics m;
  RequestTimes t;
  // 990 requests of 1 ms, 10 of 50 ms: p50 ≈ 1 ms, p99 ≈ 1 ms, p99.5 ≈ 50 ms.
  for (int i = 0; i < 990; ++i) {
    t.infer_ns = 1'000'000;
    m.RecordSuccess(t, 1, 1000);
  }
  for (int i = 0; i < 10; ++i) {
    t.infer_ns = 50'000'000;
    m.RecordSuccess(t, 1, 1000);
  }
  VariantSnapshot s = m.Total();
  EXPECT_EQ(s.requests, 1000u);
  EXPECT_NEAR(s.latency.QuantileMs(0.5), 1.0, 0.0625);
  EXPECT_NEAR(s.latency.QuantileMs(0.99), 1.0, 0.0625);
  EXPECT_NEAR(s.latency.QuantileMs(0.995), 50.0, 50 * 0.0625);
  EXPECT_EQ(Histogram{}.QuantileMs(0.99), 0);
}

TEST(VariantMetricsTest, WindowsForgetOldSlotsAndCountFailures) {
  VariantMetrics m;
  RequestTimes t{.input_ns = 1000, .infer_ns = 2000, .output_ns = 500};
  int64_t start = 1'000'000'000;
  for (int i = 0; i < 10; ++i) m.RecordSuccess(t, 4, start);
  for (int i = 0; i < 5; ++i) m.RecordFailure(t, start + 30'000);
  VariantSnapshot recent = m.Window(10, start + 31'000);
  EXPECT_EQ(recent.requests, 5u);
  EXPECT_EQ(recent.failures, 5u);
  EXPECT_DOUBLE_EQ(recent.ErrorRate(), 1.0);
  VariantSnapshot wide = m.Window(60, start + 31'000);
  EXPECT_EQ(wide.requests, 15u);
  EXPECT_EQ(wide.rows, 40u);
  // Ten minutes later the slots have been reused: nothing in the window, everything in the total.
  m.RecordSuccess(t, 1, start + 600'000);
  EXPECT_EQ(m.Window(300, start + 600'000).requests, 1u);
  VariantSnapshot total = m.Total();
  EXPECT_EQ(total.requests, 16u);
  EXPECT_EQ(total.input_ns, 16u * 1000);
  EXPECT_EQ(total.last_ms, start + 600'000);
}

TEST(DeploymentPolicyTest, SettingsAreCheckedAndTheStoredFormReadsBack) {
  DeploymentPolicy p;
  EXPECT_THAT(ApplyPolicySettings(Json{{"capture_rate", 2}}, p), StatusIs(StatusCode::kInvalidArgument, HasSubstr("capture_rate")));
  EXPECT_THAT(ApplyPolicySettings(Json{{"guardrails", {{"window_s", 30}}}}, p),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("max_error_rate or max_p99_ms")));
  EXPECT_THAT(ApplyPolicySettings(Json{{"shadow", {{"variant", 5}}}}, p), StatusIs(StatusCode::kInvalidArgument, HasSubstr("shadow.variant")));
  ASSERT_OK(ApplyPolicySettings(
      Json{{"capture_rate", 0.5}, {"shadow", {{"variant", "v2"}, {"share", 0.25}}}, {"guardrails", {{"max_error_rate", 0.1}, {"window_s", 20}}}}, p));
  p.canary = CanaryPlan{"v3", {10, 50, 100}, 30, 1, 12345, {{"v1", "m", 1, 100}}};
  ASSERT_OK_AND_ASSIGN(DeploymentPolicy back, PolicyFromStored(Json::parse(PolicyJson(p).dump())));
  EXPECT_EQ(back.capture_rate, 0.5);
  EXPECT_EQ(back.shadow.variant, "v2");
  EXPECT_EQ(back.guardrails.window_s, 20);
  ASSERT_TRUE(back.canary.has_value());
  EXPECT_EQ(back.canary->steps, (std::vector<int>{10, 50, 100}));
  EXPECT_EQ(back.canary->step, 1u);
  EXPECT_EQ(back.canary->baseline.at(0).name, "v1");
  ASSERT_OK(ApplyPolicySettings(Json{{"shadow", nullptr}, {"guardrails", nullptr}}, p));
  EXPECT_TRUE(p.shadow.variant.empty());
  EXPECT_FALSE(p.guardrails.Enabled());
  EXPECT_THAT(CanarySteps(Json{50, 10}), StatusIs(StatusCode::kInvalidArgument, HasSubstr("increase")));
  ASSERT_OK_AND_ASSIGN(auto steps, CanarySteps(Json{10, 25}));
  EXPECT_EQ(steps, (std::vector<int>{10, 25, 100}));
}

class CaptureLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::OpenSqlite(dir_ / "meta.db")).value();
    ASSERT_OK(store::Migrate(*db_, CaptureMigrations()));
  }
  CaptureRecord Record(int64_t deployment, const std::string& id, const std::string& variant) {
    auto req = std::make_shared<InferRequest>();
    req->inputs.push_back(InputTensor{"age", "FP32", {1}, {42}, {}});
    CaptureRecord r;
    r.deployment_id = deployment;
    r.request_id = id;
    r.at_ms = clock_.NowMillis();
    r.variant = variant;
    r.model = "churn";
    r.version = 1;
    r.request = req;
    r.outputs.push_back(OutputTensor{"predict", "FP32", {1}, {0.25f}});
    return r;
  }
  moebius::testing::TempDir dir_;
  ManualClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Database> db_;
};

TEST_F(CaptureLogTest, WritesSegmentsReadsNewestFirstAndJoinsFeedback) {
  CaptureLog log(*db_, dir_ / "capture", clock_, CaptureLog::Options{.capacity = 100, .segment_records = 3, .flush_ms = 50});
  for (int i = 0; i < 7; ++i) {
    EXPECT_TRUE(log.Offer(Record(1, "r" + std::to_string(i), i % 2 ? "b" : "a")));
    if (i % 2) ASSERT_OK(log.Flush());  // several frames per segment, several segments
  }
  EXPECT_TRUE(log.Offer(Record(2, "other", "a")));
  ASSERT_OK(log.PutFeedback(1, "r5", Json{{"label", 1}}, "alice"));
  ASSERT_OK(log.PutFeedback(1, "r5", Json{{"label", 0}}, "bob"));  // replaces
  ASSERT_OK_AND_ASSIGN(auto all, log.Read(1, CaptureQuery{.limit = 100}));
  ASSERT_EQ(all.size(), 7u);
  EXPECT_EQ(all.front()["id"], "r6");
  EXPECT_EQ(all.back()["id"], "r0");
  EXPECT_EQ(all.front()["inputs"]["age"]["data"], Json::array({42.0}));
  EXPECT_FLOAT_EQ(all.front()["outputs"]["predict"]["data"][0].get<float>(), 0.25f);
  ASSERT_OK_AND_ASSIGN(auto b, log.Read(1, CaptureQuery{.limit = 2, .variant = "b"}));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0]["id"], "r5");
  EXPECT_EQ(b[0]["feedback"]["label"], 0);
  EXPECT_EQ(b[1]["id"], "r3");
  ASSERT_OK_AND_ASSIGN(auto fed, log.Read(1, CaptureQuery{.limit = 10, .with_feedback_only = true}));
  ASSERT_EQ(fed.size(), 1u);
  EXPECT_EQ(log.CountsOf(1).written, 7);
  ASSERT_OK(log.Forget(1));
  ASSERT_OK_AND_ASSIGN(auto gone, log.Read(1, CaptureQuery{}));
  EXPECT_TRUE(gone.empty());
  ASSERT_OK_AND_ASSIGN(auto kept, log.Read(2, CaptureQuery{}));
  EXPECT_EQ(kept.size(), 1u);
}

TEST_F(CaptureLogTest, AFullQueueDropsAndCounts) {
  // A writer that never wakes on its own within the test: the queue fills and Offer drops.
  CaptureLog log(*db_, dir_ / "capture", clock_, CaptureLog::Options{.capacity = 5, .segment_records = 100, .flush_ms = 60000});
  int accepted = 0;
  for (int i = 0; i < 20; ++i) accepted += log.Offer(Record(1, "r" + std::to_string(i), "a")) ? 1 : 0;
  EXPECT_EQ(accepted, 5);
  EXPECT_EQ(log.CountsOf(1).dropped, 15);
  ASSERT_OK(log.Flush());
  EXPECT_EQ(log.CountsOf(1).written, 5);
}

}  // namespace
}  // namespace moebius::serving
