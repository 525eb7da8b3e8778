#include "jobs/job_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "store/meta/sqlite_database.h"

namespace moebius::jobs {
namespace {

class JobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("moebius-jobs-" + std::to_string(::getpid()) + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    db_ = std::move(store::OpenSqlite(path_.string())).value();
    ASSERT_TRUE(store::Migrate(*db_, JobMigrations()).ok());
    store_ = std::make_unique<JobStore>(*db_, clock_);
  }
  Job Add(int priority = 0, Resources r = {}, int max_attempts = 3, int64_t timeout_s = 0) {
    JobSpec s;
    s.project_id = 1;
    s.name = "job";
    s.priority = priority;
    s.resources = r;
    s.max_attempts = max_attempts;
    s.timeout_s = timeout_s;
    return *store_->Enqueue(s, "alice");
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  std::optional<Job> Claim(const std::string& w, Resources free = {8, 16384, 1}) { return *store_->Claim(w, free, 10000); }

  std::filesystem::path path_;
  ManualClock clock_{1'000'000};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<JobStore> store_;
};

TEST_F(JobStoreTest, ClaimsByPriorityThenAgeAndOnlyWhatFits) {
  Job low = Add(0);
  Job high = Add(5);
  Job gpu = Add(9, Resources{1, 512, 1});
  Job big = Add(9, Resources{4, 64000, 0});
  EXPECT_EQ(Claim("w1", Resources{2, 8192, 0})->id, high.id);  // the GPU and the big job do not fit
  EXPECT_EQ(Claim("w2", Resources{2, 8192, 1})->id, gpu.id);
  EXPECT_EQ(Claim("w3", Resources{2, 8192, 0})->id, low.id);
  EXPECT_FALSE(Claim("w4", Resources{2, 8192, 0}).has_value());
  auto j = *store_->Get(big.id);
  EXPECT_EQ(j.state, JobState::kQueued);
  auto h = *store_->Get(high.id);
  EXPECT_EQ(h.state, JobState::kRunning);
  EXPECT_EQ(h.worker, "w1");
  EXPECT_EQ(h.attempts, 1);
  EXPECT_EQ(h.lease_expires_at, clock_.NowMillis() + 10000);
}

TEST_F(JobStoreTest, ADedupKeyQueuesOneJobHoweverOftenItIsSubmitted) {
  JobSpec s;
  s.project_id = 1;
  s.name = "nightly";
  s.dedup_key = "schedule:3:1700000000000";
  Job first = *store_->Enqueue(s, "alice");
  s.name = "nightly again";  // a redone submission returns the first job as it was
  Job again = *store_->Enqueue(s, "bob");
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.spec.name, "nightly");
  EXPECT_EQ(again.created_by, "alice");
  EXPECT_EQ(store_->List({})->size(), 1u);
  ASSERT_TRUE(store_->FindByDedupKey(s.dedup_key)->has_value());
  EXPECT_EQ((*store_->FindByDedupKey(s.dedup_key))->id, first.id);
  EXPECT_FALSE(store_->FindByDedupKey("schedule:3:1700000060000")->has_value());
  EXPECT_FALSE(store_->FindByDedupKey("")->has_value());
  // Another key, or none, queues a new job; a job that ended still holds its key.
  s.dedup_key = "schedule:3:1700000060000";
  EXPECT_NE(store_->Enqueue(s, "alice")->id, first.id);
  EXPECT_NE(Add().id, Add().id);  // no key: every submission is a job
  ASSERT_TRUE(store_->Cancel(first.id, "alice").ok());
  s.dedup_key = "schedule:3:1700000000000";
  EXPECT_EQ(store_->Enqueue(s, "alice")->id, first.id);
  EXPECT_EQ(store_->List({})->size(), 4u);
  s.dedup_key = std::string(513, 'k');
  EXPECT_EQ(store_->Enqueue(s, "alice").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(JobStoreTest, ConcurrentClaimsNeverShareAJob) {
  for (int i = 0; i < 200; ++i) Add(i % 7);
  std::vector<std::thread> workers;
  std::vector<std::vector<int64_t>> got(4);
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      while (auto j = *store_->Claim("w" + std::to_string(w), Resources{8, 16384, 0}, 10000)) got[w].push_back(j->id);
    });
  for (auto& t : workers) t.join();
  std::set<int64_t> all;
  size_t total = 0;
  for (const auto& g : got) {
    total += g.size();
    all.insert(g.begin(), g.end());
  }
  EXPECT_EQ(total, 200u);
  EXPECT_EQ(all.size(), 200u);
}

TEST_F(JobStoreTest, ADeadWorkersJobIsRetriedUntilAttemptsRunOut) {
  Job j = Add(0, {}, /*max_attempts=*/2);
  ASSERT_EQ(Claim("dies")->id, j.id);
  EXPECT_TRUE(*store_->Heartbeat(j.id, "dies", 10000) == false);
  clock_.Advance(9000);
  EXPECT_EQ(*store_->ReapExpired(), 0);  // the lease still holds
  clock_.Advance(2000);
  EXPECT_EQ(*store_->ReapExpired(), 1);
  Job again = *store_->Get(j.id);
  EXPECT_EQ(again.state, JobState::kQueued);
  EXPECT_NE(again.error.find("stopped answering"), std::string::npos);
  // The dead worker comes back: its lease is gone, it must stop.
  EXPECT_EQ(store_->Heartbeat(j.id, "dies", 10000).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Finish(j.id, "dies", 0, false, "").status().code(), StatusCode::kFailedPrecondition);
  ASSERT_EQ(Claim("other")->id, j.id);
  clock_.Advance(20000);
  EXPECT_EQ(*store_->ReapExpired(), 1);
  Job failed = *store_->Get(j.id);
  EXPECT_EQ(failed.state, JobState::kFailed);
  EXPECT_EQ(failed.attempts, 2);
  EXPECT_NE(failed.error.find("no attempts are left"), std::string::npos);
}

TEST_F(JobStoreTest, FinishRecordsTheOutcome) {
  Job ok = Add();
  Job bad = Add();
  ASSERT_TRUE(Claim("w").has_value());
  ASSERT_TRUE(Claim("w").has_value());
  EXPECT_EQ(store_->Finish(ok.id, "w", 0, false, "")->state, JobState::kSucceeded);
  Job f = *store_->Finish(bad.id, "w", 3, false, "");
  EXPECT_EQ(f.state, JobState::kFailed);
  EXPECT_EQ(f.exit_code, 3);
  EXPECT_EQ(f.error, "exited with status 3");
  EXPECT_EQ(f.finished_at, clock_.NowMillis());
  EXPECT_EQ(store_->Cancel(ok.id, "bob").status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(JobStoreTest, CancelStopsQueuedJobsAtOnceAndRunningOnesThroughTheirWorker) {
  Job queued = Add();
  Job running = Add(1);
  ASSERT_EQ(Claim("w")->id, running.id);
  EXPECT_EQ(store_->Cancel(queued.id, "bob")->state, JobState::kCancelled);
  EXPECT_FALSE(Claim("w2").has_value());  // a cancelled job is never claimed
  EXPECT_EQ(store_->Cancel(running.id, "bob")->state, JobState::kRunning);
  EXPECT_TRUE(*store_->Heartbeat(running.id, "w", 10000));  // the worker learns of it
  EXPECT_EQ(store_->Finish(running.id, "w", -15, false, "")->state, JobState::kCancelled);
}

TEST_F(JobStoreTest, TimeoutsEndJobsWhoseWorkerCannot) {
  Job j = Add(0, {}, 3, /*timeout_s=*/60);
  ASSERT_TRUE(Claim("w").has_value());
  for (int i = 0; i < 9; ++i) {  // the worker keeps heartbeating but never stops the job
    clock_.Advance(9000);
    ASSERT_TRUE(store_->Heartbeat(j.id, "w", 10000).ok());
  }
  EXPECT_EQ(*store_->ReapExpired(/*grace_ms=*/10000), 1);
  EXPECT_EQ(store_->Get(j.id)->state, JobState::kTimedOut);
  Job k = Add(0, {}, 3, 60);
  ASSERT_TRUE(Claim("w").has_value());
  EXPECT_EQ(store_->Finish(k.id, "w", -9, /*timed_out=*/true, "killed after 60 s")->state, JobState::kTimedOut);
}

TEST_F(JobStoreTest, LogsAreAppendedByTheLeaseHolderAndReadInPages) {
  Job j = Add();
  ASSERT_TRUE(Claim("w").has_value());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->AppendLog(j.id, "w", "line " + std::to_string(i) + "\n").ok());
  EXPECT_EQ(store_->AppendLog(j.id, "intruder", "x").code(), StatusCode::kFailedPrecondition);
  auto first = *store_->ReadLog(j.id, 0, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[1].text, "line 1\n");
  auto rest = *store_->ReadLog(j.id, first.back().seq);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest.back().seq, 5);
  EXPECT_EQ(store_->ReadLog(999, 0).status().code(), StatusCode::kNotFound);
}

// The hooks the server plugs in: a token per attempt, revoked however the attempt ends, and the
// end of every job reported once, after the commit.
TEST_F(JobStoreTest, HooksIssueATokenPerAttemptAndRevokeItWhenTheAttemptEnds) {
  std::vector<std::string> issued, revoked;
  std::vector<std::pair<int64_t, JobState>> ended;
  std::vector<int64_t> expiries;
  int next = 0;
  store_->SetHooks(JobStoreHooks{
      .issue_token = [&](const Job& j, int64_t expires_at) -> Result<JobToken> {
        expiries.push_back(expires_at);
        std::string id = "cred-" + std::to_string(j.id) + "-" + std::to_string(j.attempts) + "-" + std::to_string(next++);
        issued.push_back(id);
        return JobToken{"secret-" + id, id};
      },
      .revoke_token = [&](const Job&, const std::string& id) -> Status {
        revoked.push_back(id);
        return Status::Ok();
      },
      .job_ended = [&](const Job& j) { ended.emplace_back(j.id, j.state); },
  });
  Job a = Add(0, {}, /*max_attempts=*/2, /*timeout_s=*/100);
  auto c1 = Claim("dies");
  ASSERT_TRUE(c1.has_value());
  EXPECT_EQ(c1->token.id, "cred-" + std::to_string(a.id) + "-1-0");
  EXPECT_EQ(c1->token.secret, "secret-" + c1->token.id);
  EXPECT_EQ(expiries.back(), 1'000'000 + 100'000 + JobStore::kTokenMarginMs);
  EXPECT_TRUE(store_->Get(a.id)->token.secret.empty());  // never read back from the store
  // The lease runs out: the reaper queues it again and revokes the first attempt's token only.
  clock_.Advance(11000);
  EXPECT_EQ(*store_->ReapExpired(), 1);
  EXPECT_EQ(revoked, std::vector<std::string>{c1->token.id});
  EXPECT_TRUE(ended.empty());
  auto c2 = Claim("other");
  ASSERT_TRUE(c2.has_value());
  EXPECT_NE(c2->token.id, c1->token.id);
  ASSERT_TRUE(store_->Finish(a.id, "other", 0, false, "").ok());
  EXPECT_EQ(revoked, (std::vector<std::string>{c1->token.id, c2->token.id}));
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0], std::make_pair(a.id, JobState::kSucceeded));

  // Cancelled while queued: no token, ended once. Without a timeout the token lasts 7 days.
  Job b = Add();
  ASSERT_EQ(store_->Cancel(b.id, "alice")->state, JobState::kCancelled);
  EXPECT_EQ(ended.back(), std::make_pair(b.id, JobState::kCancelled));
  Job c = Add();
  auto c3 = Claim("w");
  ASSERT_EQ(c3->id, c.id);
  EXPECT_EQ(expiries.back(), clock_.NowMillis() + JobStore::kTokenWithoutTimeoutMs);
  ASSERT_TRUE(store_->Cancel(c.id, "alice").ok());  // running: only marked
  EXPECT_EQ(revoked.size(), 2u);
  ASSERT_TRUE(store_->Finish(c.id, "w", 143, false, "").ok());
  EXPECT_EQ(revoked.back(), c3->token.id);
  EXPECT_EQ(ended.back(), std::make_pair(c.id, JobState::kCancelled));
  EXPECT_EQ(ended.size(), 3u);
}

TEST_F(JobStoreTest, AClaimWhoseTokenCannotBeIssuedFailsTheJob) {
  std::vector<JobState> ended;
  store_->SetHooks(JobStoreHooks{
      .issue_token = [](const Job&, int64_t) -> Result<JobToken> { return PermissionDenied("the submitter is disabled"); },
      .revoke_token = nullptr,
      .job_ended = [&](const Job& j) { ended.push_back(j.state); },
  });
  Job j = Add();
  EXPECT_FALSE(Claim("w").has_value());
  Job failed = *store_->Get(j.id);
  EXPECT_EQ(failed.state, JobState::kFailed);
  EXPECT_EQ(failed.error, "cannot issue a token for the job: the submitter is disabled");
  EXPECT_EQ(ended, std::vector<JobState>{JobState::kFailed});
}

TEST_F(JobStoreTest, BadSpecsAreRefused) {
  JobSpec s;
  s.resources.cpus = 0;
  EXPECT_EQ(store_->Enqueue(s, "a").status().code(), StatusCode::kInvalidArgument);
  s = JobSpec{};
  s.max_attempts = 0;
  EXPECT_EQ(store_->Enqueue(s, "a").status().code(), StatusCode::kInvalidArgument);
  s = JobSpec{};
  s.payload = Json::array();
  EXPECT_EQ(store_->Enqueue(s, "a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Claim("", {}, 10000).status().code(), StatusCode::kInvalidArgument);
  auto listed = *store_->List(JobFilter{.project_ids = {1}, .state = JobState::kQueued});
  EXPECT_TRUE(listed.empty());
}

// ---- gang jobs (EXP-8)

class JobGroupTest : public JobStoreTest {
 protected:
  std::vector<Job> AddGroup(int n, int64_t timeout_s = 60) {
    JobSpec s;
    s.project_id = 1;
    s.name = "gang";
    s.payload = Json{{"command", {"true"}}, {"run_id", "r1"}, {"experiment_id", "7"}};
    auto ranks = store_->EnqueueGroup(s, GroupSpec{n, timeout_s}, "alice");
    EXPECT_TRUE(ranks.ok()) << ranks.status().ToString();
    return ranks.ok() ? *ranks : std::vector<Job>{};
  }
  void Hook() {
    JobStoreHooks h;
    h.job_ended = [this](const Job& j) { ended_.push_back(j); };
    store_->SetHooks(h);
  }
  std::vector<Job> ended_;
};

TEST_F(JobGroupTest, EnqueuesRanksOfOneGroupAndOnlyTheLeaderOwnsTheRun) {
  auto ranks = AddGroup(3);
  ASSERT_EQ(ranks.size(), 3u);
  for (int r = 0; r < 3; ++r) {
    Job j = *store_->Get(ranks[r].id);
    EXPECT_EQ(j.group, ranks[0].id);
    EXPECT_EQ(j.rank, r);
    EXPECT_EQ(j.world_size, 3);
    EXPECT_EQ(j.rendezvous_timeout_s, 60);
    EXPECT_EQ(j.spec.max_attempts, 1);
    EXPECT_EQ(j.spec.payload.contains("run_id"), r == 0);
    EXPECT_EQ(j.spec.payload.contains("experiment_id"), r == 0);
  }
  JobFilter f;
  f.group = ranks[0].id;
  Add();  // an ordinary job is not in the group
  EXPECT_EQ(store_->List(f)->size(), 3u);
  // A keyed group is queued once: resubmitting returns the same ranks.
  JobSpec keyed;
  keyed.project_id = 1;
  keyed.payload = Json{{"command", {"true"}}};
  keyed.dedup_key = "pipeline:9:train";
  auto g1 = *store_->EnqueueGroup(keyed, GroupSpec{2, 60}, "alice");
  auto g2 = *store_->EnqueueGroup(keyed, GroupSpec{2, 60}, "alice");
  ASSERT_EQ(g2.size(), 2u);
  EXPECT_EQ(g2[0].id, g1[0].id);
  EXPECT_EQ(g2[1].id, g1[1].id);
  EXPECT_EQ(g1[1].spec.dedup_key, "");  // the leader holds the key
  JobSpec s;
  s.project_id = 1;
  EXPECT_EQ(store_->EnqueueGroup(s, GroupSpec{1, 60}, "a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->EnqueueGroup(s, GroupSpec{65, 60}, "a").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->EnqueueGroup(s, GroupSpec{2, 0}, "a").status().code(), StatusCode::kInvalidArgument);
}

TEST_F(JobGroupTest, CancellingAnyRankCancelsTheGroupAndTheRunEndsOnce) {
  Hook();
  auto ranks = AddGroup(3);
  ASSERT_TRUE(Claim("w1").has_value());  // rank 0 runs
  ASSERT_TRUE(Claim("w2").has_value());  // rank 1 runs, rank 2 waits
  ASSERT_TRUE(store_->Cancel(ranks[1].id, "bob").ok());
  EXPECT_TRUE(store_->Get(ranks[0].id)->cancel_requested);
  EXPECT_TRUE(store_->Get(ranks[1].id)->cancel_requested);
  Job queued = *store_->Get(ranks[2].id);
  EXPECT_EQ(queued.state, JobState::kCancelled);
  EXPECT_NE(queued.error.find("with job " + std::to_string(ranks[1].id)), std::string::npos) << queued.error;
  EXPECT_TRUE(ended_.empty());  // two ranks still run
  ASSERT_TRUE(store_->Finish(ranks[0].id, "w1", 143, false, "").ok());
  EXPECT_TRUE(ended_.empty());
  ASSERT_TRUE(store_->Finish(ranks[1].id, "w2", 143, false, "").ok());
  ASSERT_EQ(ended_.size(), 1u);
  EXPECT_EQ(ended_[0].id, ranks[0].id);
  EXPECT_EQ(ended_[0].state, JobState::kCancelled);
}

TEST_F(JobGroupTest, ARankThatFailsEndsTheOthersAndFailsTheGroup) {
  Hook();
  auto ranks = AddGroup(2);
  ASSERT_TRUE(Claim("w1").has_value());
  ASSERT_TRUE(Claim("w2").has_value());
  ASSERT_TRUE(store_->Finish(ranks[0].id, "w1", 0, false, "").ok());  // the leader succeeded
  EXPECT_TRUE(ended_.empty());
  ASSERT_TRUE(store_->Finish(ranks[1].id, "w2", 0, false, "").ok());
  ASSERT_EQ(ended_.size(), 1u);
  EXPECT_EQ(ended_[0].state, JobState::kSucceeded);

  ended_.clear();
  auto g2 = AddGroup(2);
  ASSERT_TRUE(Claim("w3").has_value());
  ASSERT_TRUE(Claim("w4").has_value());
  ASSERT_TRUE(store_->Finish(g2[1].id, "w4", 3, false, "").ok());
  Job leader = *store_->Get(g2[0].id);
  EXPECT_EQ(leader.state, JobState::kCancelled);
  EXPECT_NE(leader.error.find("rank 1 (job " + std::to_string(g2[1].id) + ") of the group failed: exited with status 3"), std::string::npos)
      << leader.error;
  // Its worker learns it on the next heartbeat: it no longer holds the job.
  EXPECT_EQ(store_->Heartbeat(g2[0].id, "w3", 10000).status().code(), StatusCode::kFailedPrecondition);
  ASSERT_EQ(ended_.size(), 1u);
  EXPECT_EQ(ended_[0].id, g2[0].id);
  EXPECT_EQ(ended_[0].state, JobState::kFailed);
}

TEST_F(JobGroupTest, AGroupThatCannotAllStartFailsEveryRankAtTheRendezvousTimeout) {
  Hook();
  auto ranks = AddGroup(3, 10);
  ASSERT_TRUE(Claim("w1").has_value());
  ASSERT_TRUE(Claim("w2").has_value());
  clock_.Advance(5000);
  ASSERT_TRUE(store_->Heartbeat(ranks[0].id, "w1", 10000).ok());
  ASSERT_TRUE(store_->Heartbeat(ranks[1].id, "w2", 10000).ok());
  EXPECT_EQ(*store_->ReapExpired(), 0);
  clock_.Advance(5001);
  ASSERT_TRUE(store_->Heartbeat(ranks[0].id, "w1", 10000).ok());
  ASSERT_TRUE(store_->Heartbeat(ranks[1].id, "w2", 10000).ok());
  EXPECT_EQ(*store_->ReapExpired(), 3);
  for (const Job& r : ranks) {
    Job j = *store_->Get(r.id);
    EXPECT_EQ(j.state, JobState::kFailed);
    EXPECT_NE(j.error.find("only 2 of 3 workers started within 10 s"), std::string::npos) << j.error;
  }
  EXPECT_FALSE(Claim("w3").has_value());  // nothing left in the queue
  ASSERT_EQ(ended_.size(), 1u);
  EXPECT_EQ(ended_[0].state, JobState::kFailed);
}

TEST_F(JobGroupTest, ALostRankFailsTheGroupInsteadOfRejoining) {
  auto ranks = AddGroup(2);
  ASSERT_TRUE(Claim("w1").has_value());
  ASSERT_TRUE(Claim("w2").has_value());
  ASSERT_TRUE(store_->Heartbeat(ranks[0].id, "w1", 60000).ok());
  clock_.Advance(20000);  // w2's lease (10 s) ran out; w1 still holds rank 0
  EXPECT_EQ(*store_->ReapExpired(), 2);
  EXPECT_EQ(store_->Get(ranks[1].id)->state, JobState::kFailed);
  Job leader = *store_->Get(ranks[0].id);
  EXPECT_EQ(leader.state, JobState::kCancelled);
  EXPECT_NE(leader.error.find("stopped answering"), std::string::npos) << leader.error;
}

TEST_F(JobGroupTest, RanksPublishAndReadTheRendezvous) {
  auto ranks = AddGroup(2);
  Job plain = Add();
  EXPECT_EQ(store_->PutRendezvous(ranks[0].id, "xgboost.tracker", "10.0.0.1:9091").code(), StatusCode::kFailedPrecondition);  // queued
  ASSERT_TRUE(Claim("w1").has_value());
  ASSERT_TRUE(store_->PutRendezvous(ranks[0].id, "xgboost.tracker", "10.0.0.1:9091").ok());
  ASSERT_TRUE(store_->PutRendezvous(ranks[0].id, "xgboost.tracker", "10.0.0.1:9092").ok());  // replaces
  EXPECT_EQ(store_->PutRendezvous(ranks[0].id, "bad key", "x").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->PutRendezvous(ranks[0].id, "k", std::string(5000, 'x')).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->GetRendezvous(plain.id).status().code(), StatusCode::kFailedPrecondition);
  Rendezvous rv = *store_->GetRendezvous(ranks[1].id);  // any rank names the group
  EXPECT_EQ(rv.group, ranks[0].id);
  EXPECT_EQ(rv.world_size, 2);
  ASSERT_EQ(rv.members.size(), 2u);
  EXPECT_EQ(rv.members[0].worker, "w1");
  ASSERT_EQ(rv.values.size(), 1u);
  EXPECT_EQ(rv.values[0].second, "10.0.0.1:9092");
}

}  // namespace
}  // namespace moebius::jobs
