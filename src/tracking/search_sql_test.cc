// End-to-end checks of compiled searches against a real SQLite database through TrackingStore.
#include "tracking/search_sql.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "store/meta/sqlite_database.h"
#include "tracking/tracking_schema.h"
#include "tracking/tracking_store.h"

namespace moebius::tracking {
namespace {

namespace fs = std::filesystem;

class SearchSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moebius-search-" + std::to_string(::getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::move(store::OpenSqlite((dir_ / "meta.db").string())).value();
    ASSERT_TRUE(store::Migrate(*db_, TrackingMigrations()).ok());
    blobs_ = std::move(store::OpenBlobStore((dir_ / "blobs").string())).value();
    store_ = std::make_unique<TrackingStore>(*db_, *blobs_, clock_);
    exp_ = store_->CreateExperiment(1, "e", "", {}).value().experiment_id;
    // name, start, acc (or none), lr, tag team
    Add("a", 1, 0.9, "0.1", "Red");
    Add("b", 2, 0.7, "0.01", "red");
    Add("c", 3, std::nullopt, "0.1", "blue");
    Add("d", 4, 0.95, "0.001", "blue");
    Add("e", 5, std::nan(""), "0.1", "green");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Add(const std::string& name, int64_t start, std::optional<double> acc, const std::string& lr, const std::string& team) {
    auto run = store_->CreateRun(exp_, "u", name, start, {{"team", team}});
    ASSERT_TRUE(run.ok());
    std::vector<MetricPoint> m;
    if (acc) m.push_back({"acc", *acc, 1, 0});
    ASSERT_TRUE(store_->LogBatch(run->info.run_id, m, {{"lr", lr}}, {}).ok());
  }

  std::string Names(const std::string& filter, std::vector<std::string> order_by = {}) {
    RunSearchRequest q;
    q.experiment_ids = {exp_};
    q.filter = filter;
    q.order_by = std::move(order_by);
    auto r = store_->SearchRuns(q);
    if (!r.ok()) return "error: " + r.status().message();
    std::string out;
    for (const auto& run : r->first) out += run.info.run_name;
    return out;
  }

  ManualClock clock_{1700000000000};
  fs::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<TrackingStore> store_;
  int64_t exp_ = 0;
};

TEST_F(SearchSqlTest, Filters) {
  EXPECT_EQ(Names(""), "edcba");  // default: newest first
  EXPECT_EQ(Names("metrics.acc > 0.8"), "da");
  EXPECT_EQ(Names("metrics.acc != 0.9"), "db");  // runs without the metric and NaN never match
  EXPECT_EQ(Names("params.lr = '0.1'"), "eca");
  EXPECT_EQ(Names("params.lr != '0.1'"), "db");
  EXPECT_EQ(Names("tags.team LIKE 'r%'"), "b");
  EXPECT_EQ(Names("tags.team ILIKE 'r%'"), "ba");
  EXPECT_EQ(Names("tags.team IN ('blue', 'green')"), "edc");
  EXPECT_EQ(Names("tags.team NOT IN ('blue', 'green')"), "ba");
  EXPECT_EQ(Names("attributes.run_name = 'c'"), "c");
  EXPECT_EQ(Names("attributes.start_time >= 3 and params.lr = '0.1'"), "ec");
  EXPECT_EQ(Names("attributes.status = 'RUNNING' and metrics.acc < 0.8"), "b");
}

TEST_F(SearchSqlTest, OrderByPutsMissingLast) {
  EXPECT_EQ(Names("", {"metrics.acc DESC"}), "dabec");
  EXPECT_EQ(Names("", {"metrics.acc ASC"}), "badec");
  EXPECT_EQ(Names("", {"params.lr ASC", "attributes.run_name DESC"}), "dbeca");
  EXPECT_EQ(Names("", {"attributes.start_time ASC"}), "abcde");
  // Tags sort by byte order: "Red" < "blue" < "green" < "red".
  EXPECT_EQ(Names("", {"tags.team"}), "adceb");
}

TEST_F(SearchSqlTest, PagingIsStable) {
  RunSearchRequest q;
  q.experiment_ids = {exp_};
  q.max_results = 2;
  std::string names;
  int pages = 0;
  do {
    auto r = store_->SearchRuns(q);
    ASSERT_TRUE(r.ok());
    for (const auto& run : r->first) names += run.info.run_name;
    q.page_token = r->second;
    ++pages;
  } while (!q.page_token.empty());
  EXPECT_EQ(names, "edcba");
  EXPECT_EQ(pages, 3);
}

TEST_F(SearchSqlTest, RejectsBadRequestsAndInjection) {
  EXPECT_NE(Names("metrics.a > 1; DROP TABLE runs").find("error"), std::string::npos);
  EXPECT_NE(Names("params.lr = '' OR 1=1 --").find("error"), std::string::npos);
  EXPECT_EQ(Names("params.lr = ''' OR 1=1 --'"), "");  // a quote inside a value stays a value
  EXPECT_EQ(Names(""), "edcba");                          // and the table is intact
  RunSearchRequest q;
  q.experiment_ids = {exp_};
  q.max_results = 50001;
  EXPECT_EQ(store_->SearchRuns(q).status().code(), StatusCode::kInvalidArgument);
  q.max_results = 10;
  q.page_token = "not-a-token";
  EXPECT_EQ(store_->SearchRuns(q).status().code(), StatusCode::kInvalidArgument);
  q.page_token = "";
  q.view_type = "SOME";
  EXPECT_EQ(store_->SearchRuns(q).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SearchSqlTest, DeletedRunsByViewType) {
  RunSearchRequest q;
  q.experiment_ids = {exp_};
  auto all = store_->SearchRuns(q)->first;
  ASSERT_TRUE(store_->SetRunLifecycle(all[0].info.run_id, true).ok());
  EXPECT_EQ(Names(""), "dcba");
  q.view_type = "DELETED_ONLY";
  EXPECT_EQ(store_->SearchRuns(q)->first.size(), 1u);
  q.view_type = "ALL";
  EXPECT_EQ(store_->SearchRuns(q)->first.size(), 5u);
}

TEST_F(SearchSqlTest, ExperimentSearch) {
  ASSERT_TRUE(store_->CreateExperiment(2, "other", "", {{"team", "x"}}).ok());
  ASSERT_TRUE(store_->CreateExperiment(1, "exp-two", "", {{"team", "y"}}).ok());
  ExperimentSearchRequest q;
  q.project_ids = {1};
  auto r = store_->SearchExperiments(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first.size(), 2u);  // project 2's experiment is not visible
  q.filter = "tags.team = 'y'";
  EXPECT_EQ(store_->SearchExperiments(q)->first.at(0).name, "exp-two");
  q.filter = "name LIKE 'e%'";
  q.order_by = {"name ASC"};
  auto named = store_->SearchExperiments(q)->first;
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].name, "e");
  q.project_ids = {};
  EXPECT_TRUE(store_->SearchExperiments(q)->first.empty());
}

}  // namespace
}  // namespace moebius::tracking
