// Approval requests over a real SQLite database: the only way into production, with the refusals
// that keep a requester from approving themselves.
#include "registry/approvals.h"

#include <gtest/gtest.h>

#include "registry/registry_schema.h"
#include "store/meta/sqlite_database.h"
#include "testing/test_support.h"

namespace moebius::registry {
namespace {

using ::moebius::testing::StatusIs;
using ::testing::HasSubstr;

class ApprovalsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(store::OpenSqlite(dir_ / "meta.db")).value();
    ASSERT_OK(store::Migrate(*db_, RegistryMigrations()));
    store_ = std::make_unique<RegistryStore>(*db_, clock_);
    approvals_ = std::make_unique<Approvals>(*db_, *store_, clock_);
    auto m = store_->CreateModel(1, "churn", "", {}, "ann").value();
    for (int i = 0; i < 2; ++i) {
      ModelVersion v;
      v.model_id = m.id;
      v.source = "runs:/r/model";
      v.format = "xgboost";
      v.signature = Json::object();
      v.lineage = Json::object();
      ASSERT_OK(store_->CreateVersion(v));
    }
  }
  Stage StageOf(int64_t version) { return store_->GetVersion("churn", version).value().stage; }

  moebius::testing::TempDir dir_;
  ManualClock clock_{1700000000000};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<RegistryStore> store_;
  std::unique_ptr<Approvals> approvals_;
};

TEST_F(ApprovalsTest, AnApprovalByAnotherUserMovesTheVersionIntoProduction) {
  ASSERT_OK_AND_ASSIGN(ApprovalRequest q, approvals_->Request("churn", 1, Stage::kProduction, false, "beats v0 on f1", "ann"));
  EXPECT_EQ(q.state, RequestState::kPending);
  EXPECT_EQ(StageOf(1), Stage::kDevelopment);
  EXPECT_THAT(approvals_->Approve(q.id, "ann", ""), StatusIs(StatusCode::kConflict, HasSubstr("cannot be approved by the user who made it")));
  EXPECT_EQ(StageOf(1), Stage::kDevelopment);
  ASSERT_OK_AND_ASSIGN(ApprovalRequest done, approvals_->Approve(q.id, "bob", "checked the evaluation"));
  EXPECT_EQ(done.state, RequestState::kApproved);
  EXPECT_EQ(StageOf(1), Stage::kProduction);
  ASSERT_OK_AND_ASSIGN(auto history, store_->StageHistory(store_->GetVersion("churn", 1).value().id));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].by, "bob");
  EXPECT_THAT(history[0].reason, HasSubstr("approved request " + std::to_string(q.id) + " by ann"));
  std::vector<std::string> actions;
  for (const auto& e : done.events) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"request", "approve", "applied"}));
  EXPECT_THAT(approvals_->Reject(q.id, "cy", "too late"), StatusIs(StatusCode::kConflict, HasSubstr("no longer pending")));
}

TEST_F(ApprovalsTest, RequiredApprovalsAreCountedAndArchiveExistingApplies) {
  ASSERT_OK(approvals_->SetRequiredApprovals(1, 2));
  EXPECT_THAT(approvals_->SetRequiredApprovals(1, 6), StatusIs(StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(ApprovalRequest first, approvals_->Request("churn", 1, Stage::kProduction, false, "first", "ann"));
  ASSERT_OK(approvals_->Approve(first.id, "bob", ""));
  ASSERT_OK(approvals_->Approve(first.id, "cy", ""));
  EXPECT_EQ(StageOf(1), Stage::kProduction);
  ASSERT_OK_AND_ASSIGN(ApprovalRequest second, approvals_->Request("churn", 2, Stage::kProduction, true, "replaces v1", "ann"));
  EXPECT_EQ(second.required_approvals, 2);
  ASSERT_OK_AND_ASSIGN(ApprovalRequest half, approvals_->Approve(second.id, "bob", ""));
  EXPECT_EQ(half.state, RequestState::kPending);
  EXPECT_EQ(half.approvals, 1);
  EXPECT_THAT(approvals_->Approve(second.id, "bob", ""), StatusIs(StatusCode::kConflict, HasSubstr("already reviewed")));
  EXPECT_EQ(StageOf(2), Stage::kDevelopment);
  ASSERT_OK(approvals_->Approve(second.id, "cy", ""));
  EXPECT_EQ(StageOf(2), Stage::kProduction);
  EXPECT_EQ(StageOf(1), Stage::kArchived);
}

TEST_F(ApprovalsTest, RefusalsChangeNothing) {
  EXPECT_THAT(approvals_->Request("churn", 1, Stage::kStaging, false, "x", "ann"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("only production")));
  EXPECT_THAT(approvals_->Request("churn", 1, Stage::kProduction, false, "  ", "ann"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("reason")));
  EXPECT_THAT(approvals_->Request("churn", 9, Stage::kProduction, false, "x", "ann"), StatusIs(StatusCode::kNotFound));
  ASSERT_OK_AND_ASSIGN(ApprovalRequest q, approvals_->Request("churn", 1, Stage::kProduction, false, "x", "ann"));
  EXPECT_THAT(approvals_->Request("churn", 1, Stage::kProduction, false, "again", "bob"), StatusIs(StatusCode::kConflict, HasSubstr("already pending")));
  EXPECT_THAT(approvals_->Reject(q.id, "bob", ""), StatusIs(StatusCode::kInvalidArgument, HasSubstr("why")));
  EXPECT_THAT(approvals_->Cancel(q.id, "bob"), StatusIs(StatusCode::kConflict, HasSubstr("only the requester")));
  ASSERT_OK(approvals_->Comment(q.id, "bob", "is the slice metric for Seoul checked?"));
  ASSERT_OK_AND_ASSIGN(ApprovalRequest cancelled, approvals_->Cancel(q.id, "ann"));
  EXPECT_EQ(cancelled.state, RequestState::kCancelled);
  EXPECT_THAT(approvals_->Approve(q.id, "bob", ""), StatusIs(StatusCode::kConflict, HasSubstr("cancelled")));
  EXPECT_EQ(StageOf(1), Stage::kDevelopment);
  ASSERT_OK_AND_ASSIGN(auto pending, approvals_->List({1}, RequestState::kPending, 10));
  EXPECT_TRUE(pending.empty());
  ASSERT_OK_AND_ASSIGN(auto all, approvals_->List({1}, std::nullopt, 10));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].events.size(), 3u);  // request, comment, cancel
  ASSERT_OK_AND_ASSIGN(auto other, approvals_->List({2}, std::nullopt, 10));
  EXPECT_TRUE(other.empty());
}

}  // namespace
}  // namespace moebius::registry
