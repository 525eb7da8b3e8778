// Pruner: decides from intermediate values whether a running trial should stop early.
//
// A study calls ShouldPrune under its lock after a trial reports a value, with all its trials.
// Pruners follow Optuna 3.1's semantics (optuna/pruners/_percentile.py, _successive_halving.py).
// Not thread-safe; one pruner serves one study.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>

#include "base/json.h"
#include "base/status.h"
#include "tuning/trial.h"

namespace moebius::tuning {

class Pruner {
 public:
  virtual ~Pruner() = default;
  // Whether `trial` (running, with at least one intermediate value) should be pruned at its
  // last reported step.
  virtual bool ShouldPrune(Direction direction, std::span<const Trial> trials, const Trial& trial) = 0;
};

// Prunes a trial whose best intermediate value so far is worse than the median (percentile)
// of the completed trials' values at the same step. Nothing is pruned before
// n_startup_trials trials have completed, before step n_warmup_steps, or at steps other than
// the first report at or after each interval boundary (n_warmup_steps + k * interval_steps).
// A trial is only compared when at least n_min_trials completed trials reported that step.
struct MedianPrunerOptions {
  int n_startup_trials = 5;
  int64_t n_warmup_steps = 0;
  int64_t interval_steps = 1;
  int n_min_trials = 1;
  double percentile = 50;  // 50 is the median pruner
};

// Asynchronous successive halving. Rung r is reached at step
// min_resource * reduction_factor^(min_early_stopping_rate + r); a trial reaching it records its
// value there and continues only if it is in the top 1/reduction_factor of all values recorded
// at that rung so far (at least the best one). min_resource 0 means Optuna's "auto": the
// largest last step of the completed trials / 100 (at least 1), nothing pruned before a trial
// completes.
struct SuccessiveHalvingOptions {
  int64_t min_resource = 0;
  int reduction_factor = 4;
  int min_early_stopping_rate = 0;
  int bootstrap_count = 0;
};

std::unique_ptr<Pruner> NewMedianPruner(const MedianPrunerOptions& options);
std::unique_ptr<Pruner> NewSuccessiveHalvingPruner(const SuccessiveHalvingOptions& options);
// Never prunes.
std::unique_ptr<Pruner> NewNopPruner();

// {"type": "median", "n_startup_trials": 5, ...} | {"type": "successive_halving", ...} |
// {"type": "none"}; kInvalidArgument for unknown types and fields or out-of-range values.
Result<std::unique_ptr<Pruner>> PrunerFromJson(const Json& json);

}  // namespace moebius::tuning
