// The driver over real stores (SQLite in a temp dir) with a manual clock; the test plays the
// worker: it claims the trials' jobs, logs metrics to their runs and finishes them.
#include "hpo/study_driver.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "auth/auth_schema.h"
#include "auth/auth_service.h"
#include "data/data_schema.h"
#include "data/data_store.h"
#include "envcode/code_store.h"
#include "envcode/environment_store.h"
#include "project/project_service.h"
#include "store/meta/sqlite_database.h"
#include "tracking/tracking_schema.h"

namespace moebius::hpo {
namespace {

namespace fs = std::filesystem;

class StudyDriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("moebius-hpo-" + std::to_string(::getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = std::move(store::OpenSqlite((dir_ / "meta.db").string())).value();
    std::vector<store::Migration> all;
    for (auto* part : {auth::AuthMigrations, project::ProjectMigrations, tracking::TrackingMigrations, data::DataMigrations,
                       jobs::JobMigrations, envcode::EnvironmentMigrations, envcode::CodeMigrations, HpoMigrations}) {
      auto m = part();
      all.insert(all.end(), m.begin(), m.end());
    }
    ASSERT_TRUE(store::Migrate(*db_, all).ok());
    blobs_ = std::move(store::OpenBlobStore((dir_ / "blobs").string())).value();
    tracking_ = std::make_unique<tracking::TrackingStore>(*db_, *blobs_, clock_);
    jobs_ = std::make_unique<jobs::JobStore>(*db_, clock_);
    studies_ = std::make_unique<StudyStore>(*db_);
    auth_ = std::make_unique<auth::AuthService>(*db_, clock_);
    projects_ = std::make_unique<project::ProjectService>(*db_, clock_);
    data_ = std::make_unique<data::DataStore>(*db_, *blobs_, clock_);
    environments_ = std::make_unique<envcode::EnvironmentStore>(*db_, clock_);
    code_ = std::make_unique<envcode::CodeStore>(*db_, *blobs_, clock_);
    launcher_ = std::make_unique<orchestration::JobService>(
        orchestration::JobServiceDeps{*jobs_, *tracking_, *data_, *environments_, *code_, *auth_, *projects_, clock_});
    driver_ = std::make_unique<StudyDriver>(*studies_, *launcher_, *jobs_, *tracking_, clock_);
    exp_ = tracking_->CreateExperiment(1, "exp", "", {}).value().experiment_id;
  }
  void TearDown() override { fs::remove_all(dir_); }

  Json Spec(const std::string& name, int n_trials, int parallelism) {
    return Json{{"name", name},
                {"experiment", "exp"},
                {"objective", {{"metric", "loss"}, {"goal", "minimize"}}},
                {"space", {{"params", {{{"name", "x"}, {"type", "float"}, {"low", -5}, {"high", 5}}}}}},
                {"sampler", {{"type", "random"}, {"seed", 3}}},
                {"n_trials", n_trials},
                {"parallelism", parallelism},
                {"trial", {{"command", {"train", "--x={x}"}}, {"max_attempts", 1}}}};
  }

  // Claims one queued job; nullopt when none.
  std::optional<jobs::Job> Claim() { return *jobs_->Claim("w", {64, 1 << 20, 8}, 60000); }
  double X(const jobs::Job& j) { return std::stod(j.spec.payload["env"]["MOEBIUS_PARAM_X"].get<std::string>()); }
  void Log(const jobs::Job& j, const std::string& key, double v, int64_t step) {
    ASSERT_TRUE(tracking_->LogBatch(j.spec.payload["run_id"].get<std::string>(), {{key, v, clock_.NowMillis(), step}}, {}, {}).ok());
  }
  void Succeed(const jobs::Job& j) { ASSERT_TRUE(jobs_->Finish(j.id, "w", 0, false, "").ok()); }
  std::vector<TrialRecord> Trials(int64_t id) { return *studies_->Trials(id); }
  void Tick() { ASSERT_TRUE(driver_->Tick().ok()); }

  ManualClock clock_{1700000000000};
  fs::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<tracking::TrackingStore> tracking_;
  std::unique_ptr<jobs::JobStore> jobs_;
  std::unique_ptr<StudyStore> studies_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<project::ProjectService> projects_;
  std::unique_ptr<data::DataStore> data_;
  std::unique_ptr<envcode::EnvironmentStore> environments_;
  std::unique_ptr<envcode::CodeStore> code_;
  std::unique_ptr<orchestration::JobService> launcher_;
  std::unique_ptr<StudyDriver> driver_;
  int64_t exp_ = 0;
};

TEST_F(StudyDriverTest, RunsTrialsInParallelThroughJobsAndFindsTheBest) {
  StudyRecord s = driver_->Create(1, Spec("quad", 5, 2), "alice").value();
  Tick();
  ASSERT_EQ(Trials(s.id).size(), 2u);
  std::map<std::string, double> value_of_run;
  for (int guard = 0; guard < 20; ++guard) {
    auto j = Claim();
    if (!j) {
      Tick();
      j = Claim();
      if (!j) break;
    }
    // Each job carries its run, params and the substituted command.
    std::string run_id = j->spec.payload["run_id"];
    double x = X(*j);
    EXPECT_EQ(j->spec.payload["command"][1], "--x=" + j->spec.payload["env"]["MOEBIUS_PARAM_X"].get<std::string>());
    tracking::Run run = *tracking_->GetRun(run_id);
    EXPECT_EQ(j->spec.payload["experiment_id"], std::to_string(run.info.experiment_id));  // the worker sets MLFLOW_*
    EXPECT_FALSE(j->spec.payload["env"].contains("MLFLOW_RUN_ID"));
    ASSERT_EQ(run.params.size(), 1u);
    EXPECT_EQ(run.params[0].key, "x");
    bool child = false;
    for (const auto& t : run.tags) child |= t.key == "mlflow.parentRunId" && t.value == s.parent_run_id;
    EXPECT_TRUE(child);
    double loss = (x - 1) * (x - 1);
    Log(*j, "loss", loss + 1, 0);
    Log(*j, "loss", loss, 1);
    Succeed(*j);
    value_of_run[run_id] = loss;
    Tick();
  }
  Tick();
  StudyRecord done = *studies_->Get(s.id);
  EXPECT_EQ(done.state, StudyState::kCompleted);
  auto trials = Trials(s.id);
  ASSERT_EQ(trials.size(), 5u);
  std::set<double> xs;
  double best = 1e9;
  for (const auto& t : trials) {
    EXPECT_EQ(t.state, "complete");
    ASSERT_TRUE(t.value.has_value());
    EXPECT_DOUBLE_EQ(*t.value, value_of_run[t.run_id]);  // the last value of the metric
    EXPECT_EQ(t.intermediate.size(), 2u);
    EXPECT_EQ(tracking_->GetRun(t.run_id)->info.status, "FINISHED");
    xs.insert(t.params["x"].get<double>());
    best = std::min(best, *t.value);
  }
  EXPECT_EQ(xs.size(), 5u);  // no duplicate suggestions
  tracking::Run parent = *tracking_->GetRun(s.parent_run_id);
  EXPECT_EQ(parent.info.status, "FINISHED");
  ASSERT_EQ(parent.metrics.size(), 1u);
  EXPECT_DOUBLE_EQ(parent.metrics[0].value, best);
}

TEST_F(StudyDriverTest, AFailedJobOrAMissingMetricFailsTheTrial) {
  StudyRecord s = driver_->Create(1, Spec("f", 2, 2), "alice").value();
  Tick();
  auto a = Claim(), b = Claim();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(jobs_->Finish(a->id, "w", 3, false, "").ok());
  Succeed(*b);  // logged nothing
  Tick();
  auto trials = Trials(s.id);
  ASSERT_EQ(trials.size(), 2u);
  for (const auto& t : trials) {
    EXPECT_EQ(t.state, "failed");
    EXPECT_EQ(tracking_->GetRun(t.run_id)->info.status, "FAILED");
  }
  EXPECT_NE(trials[0].error.find("failed"), std::string::npos);
  EXPECT_NE(trials[1].error.find("no metric 'loss'"), std::string::npos);
  EXPECT_EQ(studies_->Get(s.id)->state, StudyState::kCompleted);
}

TEST_F(StudyDriverTest, ThePrunerStopsABadTrialAndCancelsItsJob) {
  Json spec = Spec("p", 2, 1);
  spec["pruner"] = {{"type", "median"}, {"n_startup_trials", 1}};
  StudyRecord s = driver_->Create(1, spec, "alice").value();
  Tick();
  auto a = Claim();
  ASSERT_TRUE(a);
  for (int step = 0; step < 3; ++step) Log(*a, "loss", 1.0 - step * 0.1, step);
  Succeed(*a);
  Tick();
  auto b = Claim();
  ASSERT_TRUE(b);
  Log(*b, "loss", 50, 0);
  Tick();
  auto trials = Trials(s.id);
  ASSERT_EQ(trials.size(), 2u);
  EXPECT_EQ(trials[1].state, "pruned");
  EXPECT_DOUBLE_EQ(*trials[1].value, 50);
  EXPECT_TRUE(jobs_->Get(b->id)->cancel_requested);
  EXPECT_EQ(tracking_->GetRun(trials[1].run_id)->info.status, "KILLED");
  EXPECT_EQ(studies_->Get(s.id)->state, StudyState::kCompleted);
}

TEST_F(StudyDriverTest, ARestartedDriverGoesOnWithTheRunningTrials) {
  StudyRecord s = driver_->Create(1, Spec("r", 3, 2), "alice").value();
  Tick();
  auto a = Claim();
  ASSERT_TRUE(a);
  Log(*a, "loss", 0.5, 0);
  Tick();
  driver_ = std::make_unique<StudyDriver>(*studies_, *launcher_, *jobs_, *tracking_, clock_);  // the server restarts
  Log(*a, "loss", 0.25, 1);
  Succeed(*a);
  Tick();
  auto trials = Trials(s.id);
  ASSERT_EQ(trials.size(), 3u);
  EXPECT_EQ(trials[0].state, "complete");
  EXPECT_DOUBLE_EQ(*trials[0].value, 0.25);
  EXPECT_EQ(trials[0].intermediate.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    auto j = Claim();
    ASSERT_TRUE(j);
    Log(*j, "loss", 1 + i, 0);
    Succeed(*j);
  }
  Tick();
  EXPECT_EQ(studies_->Get(s.id)->state, StudyState::kCompleted);
}

TEST_F(StudyDriverTest, WarmStartSkipsWhatTheEarlierStudyTriedOnAGrid) {
  Json spec = Spec("g1", 2, 1);
  spec["space"] = {{"params", {{{"name", "x"}, {"type", "int"}, {"low", 0}, {"high", 3}}}}};
  spec["sampler"] = {{"type", "grid"}};
  StudyRecord first = driver_->Create(1, spec, "alice").value();
  std::set<double> seen;
  for (int i = 0; i < 2; ++i) {
    Tick();
    auto j = Claim();
    ASSERT_TRUE(j);
    seen.insert(X(*j));
    Log(*j, "loss", X(*j), 0);
    Succeed(*j);
  }
  Tick();
  ASSERT_EQ(studies_->Get(first.id)->state, StudyState::kCompleted);
  spec["name"] = "g2";
  spec["n_trials"] = 10;
  spec["warm_start_from"] = first.id;
  StudyRecord second = driver_->Create(1, spec, "alice").value();
  for (int i = 0; i < 4; ++i) {
    Tick();
    auto j = Claim();
    if (!j) break;
    EXPECT_FALSE(seen.count(X(*j))) << X(*j);
    seen.insert(X(*j));
    Log(*j, "loss", X(*j), 0);
    Succeed(*j);
  }
  Tick();
  EXPECT_EQ(Trials(second.id).size(), 2u);  // the grid's other two points, then it is exhausted
  EXPECT_EQ(studies_->Get(second.id)->state, StudyState::kCompleted);
  EXPECT_EQ(seen.size(), 4u);
}

TEST_F(StudyDriverTest, StopCancelsTheRunningTrials) {
  StudyRecord s = driver_->Create(1, Spec("st", 5, 2), "alice").value();
  Tick();
  auto a = Claim();
  ASSERT_TRUE(a);
  StudyRecord stopped = driver_->Stop(s.id, "bob").value();
  EXPECT_EQ(stopped.state, StudyState::kStopped);
  EXPECT_TRUE(jobs_->Get(a->id)->cancel_requested);
  for (const auto& t : Trials(s.id)) EXPECT_EQ(t.state, "failed");
  EXPECT_FALSE(Claim().has_value());  // the queued one was cancelled
  Tick();
  EXPECT_EQ(Trials(s.id).size(), 2u);
}

TEST_F(StudyDriverTest, CreateRefusesAnotherProjectsExperimentAndDuplicateNames) {
  Json spec;
  EXPECT_EQ(driver_->Create(2, Spec("u", 2, 1), "alice").status().code(), StatusCode::kInvalidArgument);  // another project's
  spec = Spec("u", 2, 1);
  spec["warm_start_from"] = 99;
  EXPECT_EQ(driver_->Create(1, spec, "alice").status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(driver_->Create(1, Spec("u", 2, 1), "alice").ok());
  EXPECT_EQ(driver_->Create(1, Spec("u", 2, 1), "alice").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(studies_->List(1)->size(), 1u);
  EXPECT_FALSE(Claim().has_value());  // nothing queued before a tick
}

// As a job submitted with `experiment` does (issue 17): a study naming an experiment the project
// does not have creates it, once every other check passed.
TEST_F(StudyDriverTest, CreateMakesAMissingExperiment) {
  Json spec = Spec("fresh", 2, 1);
  spec["experiment"] = "brand-new";
  spec["warm_start_from"] = 99;  // refused: nothing is created
  EXPECT_EQ(driver_->Create(1, spec, "alice").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(tracking_->GetExperimentByName("brand-new").status().code(), StatusCode::kNotFound);
  spec.erase("warm_start_from");
  auto s = driver_->Create(1, spec, "alice");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto e = tracking_->GetExperimentByName("brand-new");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->project_id, 1);
  EXPECT_EQ(s->experiment_id, e->experiment_id);
}

}  // namespace
}  // namespace moebius::hpo
