// JobService and ScheduleRunner over real stores (SQLite in a temp dir): what every submission
// path gets — environment and code pinned, data versions checked and recorded as the run's
// inputs, runs created and discarded, schedules fired once.
#include "orchestration/job_service.h"

#include <gtest/gtest.h>

#include "auth/auth_schema.h"
#include "auth/auth_service.h"
#include "data/data_schema.h"
#include "data/data_store.h"
#include "envcode/code_store.h"
#include "envcode/environment_store.h"
#include "jobs/job_store.h"
#include "jobs/schedule_store.h"
#include "orchestration/schedule_runner.h"
#include "project/project_service.h"
#include "store/meta/sqlite_database.h"
#include "testing/test_support.h"
#include "tracking/tracking_schema.h"
#include "tracking/tracking_store.h"

namespace moebius::orchestration {
namespace {

using ::moebius::testing::StatusIs;
using ::testing::HasSubstr;

class JobServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::OpenSqlite(dir_ / "meta.db")).value();
    std::vector<store::Migration> all;
    for (auto* part : {auth::AuthMigrations, project::ProjectMigrations, tracking::TrackingMigrations, data::DataMigrations,
                       jobs::JobMigrations, envcode::EnvironmentMigrations, envcode::CodeMigrations}) {
      auto m = part();
      all.insert(all.end(), m.begin(), m.end());
    }
    ASSERT_OK(store::Migrate(*db_, all));
    blobs_ = std::move(store::OpenBlobStore(dir_ / "blobs")).value();
    auth_ = std::make_unique<auth::AuthService>(*db_, clock_);
    projects_ = std::make_unique<project::ProjectService>(*db_, clock_);
    tracking_ = std::make_unique<tracking::TrackingStore>(*db_, *blobs_, clock_);
    data_ = std::make_unique<data::DataStore>(*db_, *blobs_, clock_);
    jobs_ = std::make_unique<jobs::JobStore>(*db_, clock_);
    environments_ = std::make_unique<envcode::EnvironmentStore>(*db_, clock_);
    code_ = std::make_unique<envcode::CodeStore>(*db_, *blobs_, clock_);
    service_ = std::make_unique<JobService>(JobServiceDeps{*jobs_, *tracking_, *data_, *environments_, *code_, *auth_, *projects_, clock_});

    project_ = projects_->CreateProject("p", "P", "", std::nullopt, "admin", nullptr).value().id;
    admin_ = auth_->CreateUser("root", "password-123", "", auth::Role::kAdmin).value();
    viewer_ = auth_->CreateUser("vic", "password-123", "", auth::Role::kViewer).value();
    ASSERT_OK(auth_->SetMember(project_, "vic", auth::Role::kViewer));
    experiment_ = tracking_->CreateExperiment(project_, "exp", "", {}).value().experiment_id;

    data::Dataset ds = data_->CreateDataset(project_, "customers", "tabular", "", false, {}, "root").value();
    data::Round r = data_->IngestItemRound(ds, "t.csv", "a,b\n1,2\n", "sql", "test", Json::object(), "", "root").value();
    data::VersionSpec vs;
    vs.rounds = {r.number};
    ASSERT_OK(data_->CreateVersion(ds, vs, "root"));

    envcode::EnvironmentSpec env;
    env.cpus = 2;
    ASSERT_OK(environments_->Create(project_, "dev", env, "root", "first"));
    env.cpus = 3;
    ASSERT_OK(environments_->Update(project_, "dev", env, "root", "second"));
  }

  Json Command() { return Json{{"command", {"python3", "train.py"}}}; }
  size_t JobCount() { return jobs_->List(jobs::JobFilter{.project_ids = {project_}}).value().size(); }
  size_t RunCount() {
    tracking::RunSearchRequest q;
    q.experiment_ids = {experiment_};
    q.view_type = "ALL";
    return tracking_->SearchRuns(q).value().first.size();
  }

  ManualClock clock_{1700000000000};
  moebius::testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<project::ProjectService> projects_;
  std::unique_ptr<tracking::TrackingStore> tracking_;
  std::unique_ptr<data::DataStore> data_;
  std::unique_ptr<jobs::JobStore> jobs_;
  std::unique_ptr<envcode::EnvironmentStore> environments_;
  std::unique_ptr<envcode::CodeStore> code_;
  std::unique_ptr<JobService> service_;
  int64_t project_ = 0, experiment_ = 0;
  auth::User admin_, viewer_;
};

// A platform-built job (a pipeline step, a study trial) that names an environment gets its
// revision pinned, and its run records the job and the data versions it reads.
TEST_F(JobServiceTest, SubmitSpecPinsTheEnvironmentRevisionAndRecordsLineage) {
  tracking::Run run = tracking_->CreateRun(experiment_, "root", "step", std::nullopt, {}).value();
  jobs::JobSpec spec;
  spec.project_id = project_;
  spec.payload = Command();
  spec.payload["environment"] = "dev";
  spec.payload["run_id"] = run.info.run_id;
  spec.payload["data"] = Json::array({{{"dataset", "customers"}, {"version", 1}, {"path", "inputs/table"}}});
  spec.resources = {1, 256, 0};
  jobs::Job job = service_->SubmitSpec(spec, "root").value();
  EXPECT_EQ(job.spec.payload["environment_revision"], 2);
  EXPECT_EQ(job.spec.payload["experiment_id"], std::to_string(experiment_));
  EXPECT_EQ(job.spec.resources.cpus, 1);  // the caller's resources are kept
  EXPECT_EQ(service_->PinnedEnvironment(job).value().spec.cpus, 3);

  tracking::Run after = tracking_->GetRun(run.info.run_id).value();
  bool tagged = false;
  for (const auto& t : after.tags) tagged = tagged || (t.key == "moebius.job_id" && t.value == std::to_string(job.id));
  EXPECT_TRUE(tagged);
  ASSERT_EQ(after.inputs.size(), 1u);
  EXPECT_EQ(after.inputs[0].kind, "dataset_version");
  EXPECT_EQ(after.inputs[0].ref, "p/customers@v1");
  EXPECT_NE(after.inputs[0].detail.find("inputs/table"), std::string::npos);
}

// A run the job's own process creates (an MLflow script, `moebius train` without MLFLOW_RUN_ID)
// with the job's per-attempt token records the job and its data versions too; a run created
// with any other credential does not.
TEST_F(JobServiceTest, ARunCreatedWithTheJobsTokenReadsTheJobsDataVersions) {
  jobs::JobSpec spec;
  spec.project_id = project_;
  spec.payload = Command();
  spec.payload["data"] = Json::array({{{"dataset", "customers"}, {"version", 1}}});
  spec.resources = {1, 256, 0};
  jobs::Job job = service_->SubmitSpec(spec, "root").value();
  auth::IssuedCredential token =
      auth_->CreateTokenUntil(admin_.id, "job-" + std::to_string(job.id) + "-1", clock_.NowMillis() + 60000).value();
  auth::IssuedCredential other = auth_->CreateTokenUntil(admin_.id, "laptop", clock_.NowMillis() + 60000).value();

  auto inputs_of = [&](const std::string& credential_id) {
    tracking::Run run = tracking_->CreateRun(experiment_, "root", "own", std::nullopt, {}).value();
    auth::Principal caller{admin_, credential_id, "token", ""};
    EXPECT_OK(service_->LinkRunOfCaller(caller, run.info.run_id));
    return tracking_->GetRun(run.info.run_id).value();
  };
  tracking::Run linked = inputs_of(token.id);
  ASSERT_EQ(linked.inputs.size(), 1u);
  EXPECT_EQ(linked.inputs[0].ref, "p/customers@v1");
  bool tagged = false;
  for (const auto& t : linked.tags) tagged = tagged || (t.key == "moebius.job_id" && t.value == std::to_string(job.id));
  EXPECT_TRUE(tagged);
  EXPECT_TRUE(inputs_of(other.id).inputs.empty());
  tracking::Run by_session = tracking_->CreateRun(experiment_, "root", "ui", std::nullopt, {}).value();
  EXPECT_OK(service_->LinkRunOfCaller(auth::Principal{admin_, "s1", "session", ""}, by_session.info.run_id));
  EXPECT_TRUE(tracking_->GetRun(by_session.info.run_id).value().inputs.empty());
}

TEST_F(JobServiceTest, SubmitSpecRefusesAMissingDataVersionAndQueuesNothing) {
  jobs::JobSpec spec;
  spec.project_id = project_;
  spec.payload = Command();
  spec.payload["data"] = Json::array({{{"dataset", "customers"}, {"version", 7}}});
  EXPECT_THAT(service_->SubmitSpec(spec, "root"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("payload.data[0].version")));
  EXPECT_EQ(JobCount(), 0u);
}

TEST_F(JobServiceTest, SubmitSpecWithAHeldDedupKeyReturnsThatJob) {
  jobs::JobSpec spec;
  spec.project_id = project_;
  spec.payload = Command();
  spec.dedup_key = "pipeline:1:train";
  jobs::Job first = service_->SubmitSpec(spec, "root").value();
  jobs::Job again = service_->SubmitSpec(spec, "root").value();
  EXPECT_EQ(first.id, again.id);
  EXPECT_EQ(JobCount(), 1u);
}

TEST_F(JobServiceTest, SubmitCreatesTheRunFromExperimentAndPinsTheEnvironment) {
  Json body{{"payload", Command()}, {"experiment", "exp"}, {"run_name", "r1"}};
  body["payload"]["environment"] = "dev";
  body["payload"]["environment_revision"] = 1;
  Submission sub = service_->Submit(admin_, project_, body).value();
  EXPECT_EQ(sub.ranks.size(), 1u);
  EXPECT_EQ(sub.job.spec.payload["environment_revision"], 1);
  EXPECT_EQ(sub.job.spec.resources.cpus, 2);  // revision 1's resources
  tracking::Run run = tracking_->GetRun(sub.job.spec.payload["run_id"].get<std::string>()).value();
  EXPECT_EQ(run.info.run_name, "r1");
}

TEST_F(JobServiceTest, SubmitRefusedCreatesNothing) {
  // A bad data version, and a user who may not create runs: no job, no run.
  Json bad{{"payload", Command()}, {"experiment", "exp"}};
  bad["payload"]["data"] = Json::array({{{"dataset", "nope"}, {"version", 1}}});
  EXPECT_THAT(service_->Submit(admin_, project_, bad), StatusIs(StatusCode::kInvalidArgument, HasSubstr("payload.data[0].dataset")));
  EXPECT_THAT(service_->Submit(viewer_, project_, Json{{"payload", Command()}, {"experiment", "exp"}}),
              StatusIs(StatusCode::kPermissionDenied, HasSubstr("experiment.write")));
  EXPECT_EQ(JobCount(), 0u);
  EXPECT_EQ(RunCount(), 0u);
}

TEST_F(JobServiceTest, EndJobRunGivesTheRunTheJobsOutcome) {
  Submission sub = service_->Submit(admin_, project_, Json{{"payload", Command()}, {"experiment", "exp"}}).value();
  jobs::Job ended = sub.job;
  ended.state = jobs::JobState::kCancelled;
  ended.finished_at = 1700000005000;
  service_->EndJobRun(ended);
  tracking::Run run = tracking_->GetRun(sub.job.spec.payload["run_id"].get<std::string>()).value();
  EXPECT_EQ(run.info.status, "KILLED");
  EXPECT_EQ(run.info.end_time, 1700000005000);
}

TEST_F(JobServiceTest, ScheduleFiresOnceAndRecordsWhyAFireQueuedNothing) {
  jobs::ScheduleStore schedules(*db_, clock_);
  ScheduleRunner runner(schedules, *service_, *auth_);
  ASSERT_OK(schedules.Create(project_, "nightly", "* * * * *", Json{{"payload", Command()}}, "root"));
  ASSERT_OK(schedules.Create(project_, "viewer", "* * * * *", Json{{"payload", Command()}}, "vic"));
  clock_.Advance(61000);
  EXPECT_EQ(runner.FireDue(), 1);
  EXPECT_EQ(runner.FireDue(), 0);  // the fire was claimed; the next is a minute away
  EXPECT_EQ(JobCount(), 1u);
  ASSERT_OK_AND_ASSIGN(auto list, schedules.List(project_));
  for (const auto& x : list) {
    if (x.name == "viewer") EXPECT_THAT(x.last_error, HasSubstr("no longer holds job.run")) << x.last_job_id;
    else EXPECT_GT(x.last_job_id, 0);
  }
}

}  // namespace
}  // namespace moebius::orchestration
