#include "tuning/pruner.h"

#include <gtest/gtest.h>

#include <cmath>

namespace moebius::tuning {
namespace {

Trial Curve(int64_t number, TrialState state, double offset, int steps) {
  Trial t;
  t.number = number;
  t.state = state;
  for (int s = 0; s < steps; ++s) t.intermediate[s] = 1.0 / (s + 1) + offset;
  if (state == TrialState::kComplete) t.values = {t.intermediate.rbegin()->second};
  return t;
}

std::vector<Trial> FiveCompleted() {
  std::vector<Trial> trials;
  for (int k = 0; k < 5; ++k) trials.push_back(Curve(k, TrialState::kComplete, 0.1 * k, 10));
  return trials;
}

TEST(MedianPrunerTest, PrunesTrialsWorseThanTheMedianCurve) {
  auto pruner = NewMedianPruner({});
  std::vector<Trial> trials = FiveCompleted();
  for (int s = 1; s <= 10; ++s) {
    Trial bad = Curve(5, TrialState::kRunning, 1.0, s);
    Trial good = Curve(6, TrialState::kRunning, 0.05, s);
    EXPECT_TRUE(pruner->ShouldPrune(Direction::kMinimize, trials, bad)) << s;
    EXPECT_FALSE(pruner->ShouldPrune(Direction::kMinimize, trials, good)) << s;
  }
  // Maximizing, the same "bad" curve is the best one.
  Trial high = Curve(5, TrialState::kRunning, 1.0, 3);
  EXPECT_FALSE(pruner->ShouldPrune(Direction::kMaximize, trials, high));
  Trial low = Curve(6, TrialState::kRunning, -1.0, 3);
  EXPECT_TRUE(pruner->ShouldPrune(Direction::kMaximize, trials, low));
}

TEST(MedianPrunerTest, StartupWarmupAndInterval) {
  std::vector<Trial> trials = FiveCompleted();
  MedianPrunerOptions startup;
  startup.n_startup_trials = 6;
  EXPECT_FALSE(NewMedianPruner(startup)->ShouldPrune(Direction::kMinimize, trials, Curve(5, TrialState::kRunning, 1.0, 4)));

  MedianPrunerOptions warmup;
  warmup.n_warmup_steps = 5;
  auto w = NewMedianPruner(warmup);
  for (int s = 1; s <= 10; ++s) {
    EXPECT_EQ(w->ShouldPrune(Direction::kMinimize, trials, Curve(5, TrialState::kRunning, 1.0, s)), s - 1 >= 5) << s;
  }

  MedianPrunerOptions interval;
  interval.interval_steps = 3;
  auto iv = NewMedianPruner(interval);
  for (int s = 1; s <= 10; ++s) {  // judged at steps 0, 3, 6, 9 only
    bool judged = (s - 1) % 3 == 0;
    EXPECT_EQ(iv->ShouldPrune(Direction::kMinimize, trials, Curve(5, TrialState::kRunning, 1.0, s)), judged) << s;
  }
  // A trial whose first report comes after a boundary is judged at that report.
  Trial late;
  late.number = 5;
  late.intermediate[4] = 5.0;
  EXPECT_TRUE(iv->ShouldPrune(Direction::kMinimize, trials, late));

  // NaN is pruned; no completed trial prunes nothing.
  Trial nan = Curve(5, TrialState::kRunning, 0, 1);
  nan.intermediate[0] = NAN;
  EXPECT_TRUE(NewMedianPruner({})->ShouldPrune(Direction::kMinimize, trials, nan));
  EXPECT_FALSE(NewMedianPruner({})->ShouldPrune(Direction::kMinimize, {}, Curve(0, TrialState::kRunning, 9, 3)));
}

TEST(SuccessiveHalvingPrunerTest, KeepsTheTopFractionAtEachRung) {
  SuccessiveHalvingOptions o;
  o.min_resource = 1;
  o.reduction_factor = 2;
  auto pruner = NewSuccessiveHalvingPruner(o);
  // Trials with flat curves, run one after another to step 9 unless pruned. Rungs at steps 1, 2, 4, 8.
  const double level[] = {5, 3, 4, 1, 6, 2};
  std::vector<Trial> trials;
  std::vector<int64_t> pruned_at;
  for (int k = 0; k < 6; ++k) {
    Trial t;
    t.number = k;
    int64_t stop = -1;
    for (int s = 0; s < 10; ++s) {
      t.intermediate[s] = level[k];
      if (pruner->ShouldPrune(Direction::kMinimize, trials, t)) {
        stop = s;
        break;
      }
    }
    t.state = stop < 0 ? TrialState::kComplete : TrialState::kPruned;
    pruned_at.push_back(stop);
    trials.push_back(t);
  }
  // Trial 2 (4) is not in the best half of {5, 3, 4} at rung 0; trial 4 (6) neither; trial 5 (2)
  // is at rung 0 ({5,3,4,1,6,2}: top 3 = 1,2,3) and rung 1 ({5,3,1,2}: top 2), and at rung 2 ({5,3,1,2}: top 2).
  EXPECT_EQ(pruned_at, (std::vector<int64_t>{-1, -1, 1, -1, 1, -1}));
}

TEST(SuccessiveHalvingPrunerTest, AutoMinResourceWaitsForACompletedTrial) {
  auto pruner = NewSuccessiveHalvingPruner({});
  Trial t = Curve(0, TrialState::kRunning, 100, 50);
  EXPECT_FALSE(pruner->ShouldPrune(Direction::kMinimize, {}, t));
}

TEST(PrunerFromJsonTest, TypesAndErrors) {
  EXPECT_TRUE(PrunerFromJson(Json::parse(R"({"type": "median", "n_startup_trials": 2, "n_warmup_steps": 3})")).ok());
  EXPECT_TRUE(PrunerFromJson(Json::parse(R"({"type": "successive_halving", "min_resource": "auto"})")).ok());
  EXPECT_TRUE(PrunerFromJson(Json::parse(R"({"type": "none"})")).ok());
  for (const char* bad : {R"({"type": "hyperband"})", R"({"type": "median", "interval_steps": 0})",
                          R"({"type": "successive_halving", "reduction_factor": 1})", R"({"type": "median", "x": 1})"}) {
    EXPECT_EQ(PrunerFromJson(Json::parse(bad)).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace moebius::tuning
