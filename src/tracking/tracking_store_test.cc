#include "tracking/tracking_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "store/meta/sqlite_database.h"
#include "tracking/tracking_schema.h"

namespace moebius::tracking {
namespace {

namespace fs = std::filesystem;

class TrackingStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moebius-tracking-" + std::to_string(::getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::move(store::OpenSqlite((dir_ / "meta.db").string())).value();
    ASSERT_TRUE(store::Migrate(*db_, TrackingMigrations()).ok());
    blobs_ = std::move(store::OpenBlobStore((dir_ / "blobs").string())).value();
    store_ = std::make_unique<TrackingStore>(*db_, *blobs_, clock_);
    exp_ = store_->CreateExperiment(1, "exp", "", {}).value().experiment_id;
    run_ = store_->CreateRun(exp_, "alice", "r1", std::nullopt, {}).value().info.run_id;
  }
  void TearDown() override { fs::remove_all(dir_); }

  double Latest(const std::string& key) {
    tracking::Run run = *store_->GetRun(run_);
    for (const auto& m : run.metrics)
      if (m.key == key) return m.value;
    return -12345;
  }

  ManualClock clock_{1700000000000};
  fs::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<TrackingStore> store_;
  int64_t exp_ = 0;
  std::string run_;
};

TEST_F(TrackingStoreTest, ParamsAreWriteOnce) {
  ASSERT_TRUE(store_->LogBatch(run_, {}, {{"lr", "0.1"}}, {}).ok());
  EXPECT_TRUE(store_->LogBatch(run_, {}, {{"lr", "0.1"}}, {}).ok());  // same value: fine
  Status st = store_->LogBatch(run_, {}, {{"lr", "0.2"}}, {});
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("Changing param values is not allowed"), std::string::npos);
}

TEST_F(TrackingStoreTest, BatchIsAllOrNothing) {
  ASSERT_TRUE(store_->LogBatch(run_, {}, {{"a", "1"}}, {}).ok());
  // The second param conflicts, so the metric and the tag of the same batch must not land.
  Status st = store_->LogBatch(run_, {{"m", 1.0, 1, 0}}, {{"b", "2"}, {"a", "9"}}, {{"t", "x"}});
  ASSERT_FALSE(st.ok());
  tracking::Run r = *store_->GetRun(run_);
  EXPECT_TRUE(r.metrics.empty());
  EXPECT_EQ(r.params.size(), 1u);
  for (const auto& t : r.tags) EXPECT_NE(t.key, "t");
}

TEST_F(TrackingStoreTest, BatchLimits) {
  std::vector<MetricPoint> many(1001, MetricPoint{"m", 1, 1, 0});
  EXPECT_EQ(store_->LogBatch(run_, many, {}, {}).code(), StatusCode::kInvalidArgument);
  std::vector<KeyValue> params;
  for (int i = 0; i < 101; ++i) params.push_back({"p" + std::to_string(i), "v"});
  EXPECT_EQ(store_->LogBatch(run_, {}, params, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->LogBatch(run_, {}, {{"../x", "v"}}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->LogBatch(run_, {}, {{"p", std::string(6001, 'x')}}, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->LogBatch(std::string(32, 'a'), {}, {{"p", "v"}}, {}).code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->LogBatch("not-a-run", {}, {}, {}).code(), StatusCode::kNotFound);
}

TEST_F(TrackingStoreTest, LatestMetricIsGreatestStepThenTimestamp) {
  ASSERT_TRUE(store_->LogBatch(run_, {{"loss", 0.5, 100, 2}, {"loss", 0.9, 200, 1}}, {}, {}).ok());
  EXPECT_DOUBLE_EQ(Latest("loss"), 0.5);
  ASSERT_TRUE(store_->LogBatch(run_, {{"loss", 0.4, 50, 2}}, {}, {}).ok());  // same step, older timestamp
  EXPECT_DOUBLE_EQ(Latest("loss"), 0.5);
  ASSERT_TRUE(store_->LogBatch(run_, {{"loss", 0.3, 300, 3}}, {}, {}).ok());
  EXPECT_DOUBLE_EQ(Latest("loss"), 0.3);
  ASSERT_TRUE(store_->LogBatch(run_, {{"loss", std::nan(""), 400, 4}}, {}, {}).ok());
  EXPECT_TRUE(std::isnan(Latest("loss")));
  auto hist = store_->GetMetricHistory(run_, "loss", 100, "");
  ASSERT_TRUE(hist.ok());
  EXPECT_EQ(hist->first.size(), 5u);
  EXPECT_EQ(hist->first.front().step, 1);
}

TEST_F(TrackingStoreTest, IdenticalPointIsStoredOnce) {
  ASSERT_TRUE(store_->LogBatch(run_, {{"m", 1.0, 10, 0}}, {}, {}).ok());
  ASSERT_TRUE(store_->LogBatch(run_, {{"m", 1.0, 10, 0}}, {}, {}).ok());  // a client retry
  EXPECT_EQ(store_->GetMetricHistory(run_, "m", 100, "")->first.size(), 1u);
}

TEST_F(TrackingStoreTest, HistoryPaging) {
  std::vector<MetricPoint> pts;
  for (int i = 0; i < 250; ++i) pts.push_back({"m", double(i), 1000 + i, i});
  ASSERT_TRUE(store_->LogBatch(run_, pts, {}, {}).ok());
  std::string token;
  std::vector<int64_t> steps;
  do {
    auto page = store_->GetMetricHistory(run_, "m", 100, token);
    ASSERT_TRUE(page.ok());
    for (const auto& p : page->first) steps.push_back(p.step);
    token = page->second;
  } while (!token.empty());
  ASSERT_EQ(steps.size(), 250u);
  for (int i = 0; i < 250; ++i) EXPECT_EQ(steps[i], i);
  EXPECT_EQ(store_->GetMetricHistory(run_, "m", 100, "garbage").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TrackingStoreTest, DeletedRunRejectsLoggingUntilRestored) {
  ASSERT_TRUE(store_->SetRunLifecycle(run_, true).ok());
  EXPECT_EQ(store_->LogBatch(run_, {{"m", 1, 1, 0}}, {}, {}).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->SetRunLifecycle(run_, false).ok());
  EXPECT_TRUE(store_->LogBatch(run_, {{"m", 1, 1, 0}}, {}, {}).ok());
}

TEST_F(TrackingStoreTest, RunNameAndTags) {
  tracking::Run r = *store_->GetRun(run_);
  EXPECT_EQ(r.info.run_name, "r1");
  bool has = false;
  for (const auto& t : r.tags) has |= t.key == "mlflow.runName" && t.value == "r1";
  EXPECT_TRUE(has);
  auto generated = store_->CreateRun(exp_, "alice", "", std::nullopt, {});
  ASSERT_TRUE(generated.ok());
  EXPECT_FALSE(generated->info.run_name.empty());
}

TEST_F(TrackingStoreTest, DownsampleKeepsEndsAndExtremes) {
  std::vector<MetricPoint> pts;
  for (int i = 0; i < 100000; ++i) pts.push_back({"m", std::sin(i / 100.0), i, i});
  pts[54321].value = 50;  // a spike must survive
  auto out = DownsampleMinMax(pts, 1000);
  EXPECT_LE(out.size(), 1000u);
  EXPECT_EQ(out.front().step, 0);
  EXPECT_EQ(out.back().step, 99999);
  bool spike = false;
  for (size_t i = 1; i < out.size(); ++i) {
    EXPECT_LT(out[i - 1].step, out[i].step);
    spike |= out[i].value == 50;
  }
  EXPECT_TRUE(spike);
  EXPECT_EQ(DownsampleMinMax(pts, 200000).size(), pts.size());
}

TEST_F(TrackingStoreTest, ArtifactPaths) {
  for (const char* bad : {"/etc/passwd", "../x", "a/../b", "a//b", "./a", "a\\b", ""})
    EXPECT_EQ(TrackingStore::ValidateArtifactPath(bad, false).code(), StatusCode::kInvalidArgument) << bad;
  EXPECT_TRUE(TrackingStore::ValidateArtifactPath("model/model.json", false).ok());
  auto blob = *blobs_->Put("{}");
  ASSERT_TRUE(store_->PutArtifact(run_, "model/model.json", blob).ok());
  ASSERT_TRUE(store_->PutArtifact(run_, "README.txt", blob).ok());
  EXPECT_EQ(store_->PutArtifact(run_, "model", blob).code(), StatusCode::kInvalidArgument);  // is a directory
  auto top = *store_->ListArtifacts(run_, "");
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].path, "README.txt");
  EXPECT_TRUE(top[1].is_dir);
  auto sub = *store_->ListArtifacts(run_, "model");
  ASSERT_EQ(sub.size(), 1u);
  EXPECT_EQ(sub[0].path, "model/model.json");
  EXPECT_EQ(sub[0].file_size, 2);
}

TEST_F(TrackingStoreTest, ExperimentNamesUniqueAndDeleteCascadesToRuns) {
  EXPECT_EQ(store_->CreateExperiment(1, "exp", "", {}).status().code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->SetExperimentLifecycle(exp_, true).ok());
  EXPECT_EQ(store_->GetRun(run_)->info.lifecycle_stage, "deleted");
  ASSERT_TRUE(store_->SetExperimentLifecycle(exp_, false).ok());
  EXPECT_EQ(store_->GetRun(run_)->info.lifecycle_stage, "active");
}

}  // namespace
}  // namespace moebius::tracking
