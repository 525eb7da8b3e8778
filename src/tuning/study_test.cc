#include "tuning/study.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tuning/importance.h"

namespace moebius::tuning {
namespace {

SearchSpace XY() {
  return SearchSpace::FromJson(Json::parse(R"([{"name": "x", "type": "float", "low": 0, "high": 1},
                                               {"name": "y", "type": "float", "low": 0, "high": 1},
                                               {"name": "z", "type": "categorical", "choices": ["a", "b"]}])"))
      .value();
}

TEST(StudyTest, AskTellBestAndHistory) {
  auto study = Study::Create(XY(), {Direction::kMaximize}, NewRandomSampler({1}), nullptr).value();
  std::vector<double> values = {0.2, 0.9, 0.5, NAN};
  for (double v : values) {
    auto t = study->Ask();
    ASSERT_TRUE(t.ok());
    ASSERT_TRUE(study->Tell(t->number, TrialState::kComplete, {v}).ok());
  }
  EXPECT_EQ(study->GetTrial(3)->state, TrialState::kFailed);  // NaN fails the trial, as Optuna
  EXPECT_EQ(study->BestTrial()->number, 1);
  EXPECT_EQ(study->BestValueHistory(), (std::vector<double>{0.2, 0.9, 0.9, 0.9}));
  EXPECT_EQ(study->Tell(1, TrialState::kComplete, {1.0}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(study->Tell(9, TrialState::kComplete, {1.0}).code(), StatusCode::kNotFound);
  auto t = study->Ask().value();
  EXPECT_EQ(study->Tell(t.number, TrialState::kComplete, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(study->Tell(t.number, TrialState::kRunning, {}).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(study->Tell(t.number, TrialState::kFailed).ok());
}

TEST(StudyTest, ReportAsksThePruner) {
  auto study = Study::Create(XY(), {Direction::kMinimize}, NewRandomSampler({1}), NewMedianPruner({.n_startup_trials = 2})).value();
  for (int k = 0; k < 2; ++k) {
    auto t = study->Ask().value();
    for (int s = 0; s < 3; ++s) ASSERT_FALSE(study->Report(t.number, s, 1.0 + k).value());
    ASSERT_TRUE(study->Tell(t.number, TrialState::kComplete, {1.0 + k}).ok());
  }
  auto t = study->Ask().value();
  EXPECT_TRUE(study->Report(t.number, 0, 5.0).value());
  ASSERT_TRUE(study->Tell(t.number, TrialState::kPruned).ok());
  EXPECT_EQ(study->GetTrial(t.number)->values, std::vector<double>{5.0});
  EXPECT_EQ(study->Report(t.number, 1, 1.0).status().code(), StatusCode::kFailedPrecondition);
}

TEST(StudyTest, WarmStartValidatesTrials) {
  auto study = Study::Create(XY(), {Direction::kMinimize}, NewRandomSampler({1}), nullptr).value();
  EXPECT_TRUE(study->AddTrial(Json{{"x", 0.5}, {"y", 0.1}, {"z", "b"}}, TrialState::kComplete, {0.3}).ok());
  EXPECT_FALSE(study->AddTrial(Json{{"x", 1.5}, {"y", 0.1}, {"z", "b"}}, TrialState::kComplete, {0.3}).ok());
  EXPECT_FALSE(study->AddTrial(Json{{"x", 0.5}, {"y", 0.1}, {"z", "c"}}, TrialState::kComplete, {0.3}).ok());
  EXPECT_FALSE(study->AddTrial(Json{{"x", 0.5}, {"y", 0.1}, {"z", "a"}}, TrialState::kComplete, {}).ok());
  EXPECT_EQ(study->Trials().size(), 1u);
  EXPECT_EQ(study->BestTrial()->number, 0);
}

TEST(StudyTest, ARunningTrialAddedAfterARestartIsToldLater) {
  auto study = Study::Create(XY(), {Direction::kMinimize}, NewRandomSampler({1}), nullptr).value();
  int64_t n = study->AddTrial(Json{{"x", 0.5}, {"y", 0.1}, {"z", "b"}}, TrialState::kRunning, {}, {{0, 2.0}}).value();
  EXPECT_FALSE(study->GetTrial(n)->finished());
  EXPECT_FALSE(study->BestTrial().has_value());
  EXPECT_FALSE(study->Report(n, 1, 1.5).value());
  ASSERT_TRUE(study->Tell(n, TrialState::kComplete, {1.0}).ok());
  EXPECT_EQ(study->BestTrial()->number, n);
  EXPECT_EQ(study->GetTrial(n)->intermediate.size(), 2u);
}

TEST(StudyTest, MultiObjectiveParetoFront) {
  auto study = Study::Create(XY(), {Direction::kMinimize, Direction::kMaximize}, NewRandomSampler({1}), nullptr).value();
  std::vector<std::vector<double>> v = {{1, 1}, {2, 3}, {2, 2}, {0, 0}, {3, 3}};
  for (auto& vals : v) {
    auto t = study->Ask().value();
    ASSERT_TRUE(study->Tell(t.number, TrialState::kComplete, vals).ok());
  }
  std::vector<int64_t> front;
  for (const Trial& t : study->BestTrials()) front.push_back(t.number);
  EXPECT_EQ(front, (std::vector<int64_t>{0, 1, 3}));
}

TEST(ImportanceTest, RanksTheParameterThatDrivesTheObjective) {
  auto study = Study::Create(XY(), {Direction::kMinimize}, NewRandomSampler({3}), nullptr).value();
  for (int i = 0; i < 200; ++i) {
    auto t = study->Ask().value();
    double v = 10 * t.params[0] + 0.5 * t.params[1] + (t.params[2] == 1 ? 2 : 0);
    ASSERT_TRUE(study->Tell(t.number, TrialState::kComplete, {v}).ok());
  }
  auto imp = ParamImportance(study->space(), study->Trials());
  ASSERT_TRUE(imp.ok());
  ASSERT_EQ(imp->size(), 3u);
  EXPECT_EQ((*imp)[0].first, "x");
  EXPECT_EQ((*imp)[1].first, "z");
  EXPECT_GT((*imp)[0].second, 0.8);
  double sum = 0;
  for (auto& [name, v] : *imp) sum += v;
  EXPECT_NEAR(sum, 1.0, 1e-12);
  EXPECT_EQ(ParamImportance(study->space(), {}).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace moebius::tuning
