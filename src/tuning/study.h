// Study: a search space, a sampler, an optional pruner and the trials so far, in memory.
//
//   auto study = Study::Create(space, {Direction::kMinimize}, NewTpeSampler({.seed = 1}), nullptr);
//   Trial t = (*study)->Ask().value();          // t.params, t.number
//   ... if ((*study)->Report(t.number, step, loss).value()) { Tell(t.number, kPruned); ... }
//   (*study)->Tell(t.number, TrialState::kComplete, {loss});
//
// Ask never hands out the parameters of a trial that is still running: a sampler's suggestion
// that equals a running trial's is redrawn (up to 32 times), which matters for discrete spaces;
// TPE additionally treats running trials as the worst observations (constant liar) and grid
// skips points any trial has. Persistence belongs to the hpo layer; this object is the
// algorithmic core.
//
// Thread-safe: every public method takes the study's mutex, so jobs may ask and tell
// concurrently. Sampling runs under the lock (a few milliseconds at thousands of trials).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "tuning/pruner.h"
#include "tuning/sampler.h"
#include "tuning/space.h"
#include "tuning/trial.h"

namespace moebius::tuning {

class Study {
 public:
  // kInvalidArgument without directions or without a sampler. A null pruner never prunes.
  static Result<std::unique_ptr<Study>> Create(SearchSpace space, std::vector<Direction> directions,
                                               std::unique_ptr<Sampler> sampler, std::unique_ptr<Pruner> pruner);

  // Starts a trial with the sampler's suggestion. Errors: the sampler's (kFailedPrecondition
  // when a grid is exhausted); kInternal if a sampler proposed a point outside the space.
  Result<Trial> Ask();

  // Finishes a running trial. kComplete needs one value per direction; a NaN value records the
  // trial as failed (as Optuna does) and returns OK. kPruned may carry no value. kNotFound for
  // an unknown number, kFailedPrecondition for a finished trial, kInvalidArgument for a wrong
  // number of values or state kRunning.
  Status Tell(int64_t number, TrialState state, std::vector<double> values = {});

  // Records an intermediate value of a running trial at `step` (>= 0; a repeated step keeps the
  // first value, as Optuna) and returns whether the pruner says to stop it. The trial stays
  // running: the caller tells kPruned. Multi-objective studies never prune.
  Result<bool> Report(int64_t number, int64_t step, double value);

  // Warm start: adds a finished trial of an earlier study (params in external form, as
  // SearchSpace::FromExternal). Samplers treat it like their own trials. Numbered next.
  // A kRunning trial may be added too (the hpo layer rebuilds a study after a restart while
  // some trials' jobs still run); it is then told or reported like an asked one.
  Result<int64_t> AddTrial(const Json& params, TrialState state, std::vector<double> values,
                           std::map<int64_t, double> intermediate = {});

  // Best complete trial of a single-objective study (first of the ties); nullopt when none.
  std::optional<Trial> BestTrial() const;
  // Complete trials no other complete trial dominates (all objectives); for one objective the
  // trials sharing the best value.
  std::vector<Trial> BestTrials() const;
  std::vector<Trial> Trials() const;
  Result<Trial> GetTrial(int64_t number) const;
  // Best value after each finished trial, in trial order: the optimization history plot.
  std::vector<double> BestValueHistory() const;

  const SearchSpace& space() const { return space_; }
  const std::vector<Direction>& directions() const { return directions_; }

 private:
  Study(SearchSpace space, std::vector<Direction> directions, std::unique_ptr<Sampler> sampler,
        std::unique_ptr<Pruner> pruner)
      : space_(std::move(space)), directions_(std::move(directions)), sampler_(std::move(sampler)),
        pruner_(std::move(pruner)) {}

  const SearchSpace space_;
  const std::vector<Direction> directions_;
  mutable std::mutex mu_;
  std::unique_ptr<Sampler> sampler_ GUARDED_BY(mu_);
  std::unique_ptr<Pruner> pruner_ GUARDED_BY(mu_);
  std::vector<Trial> trials_ GUARDED_BY(mu_);
};

}  // namespace moebius::tuning
