#include "tuning/study.h"

#include <cmath>

namespace moebius::tuning {
namespace {

bool SameParams(const Params& a, const Params& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (IsSet(a[i]) != IsSet(b[i])) return false;
    if (IsSet(a[i]) && a[i] != b[i]) return false;
  }
  return true;
}

// Whether a dominates b: no worse in every objective, better in one.
bool Dominates(const std::vector<Direction>& dirs, const Trial& a, const Trial& b) {
  bool better = false;
  for (size_t k = 0; k < dirs.size(); ++k) {
    double la = AsLoss(dirs[k], a.values[k]), lb = AsLoss(dirs[k], b.values[k]);
    if (la > lb) return false;
    if (la < lb) better = true;
  }
  return better;
}

}  // namespace

Result<std::unique_ptr<Study>> Study::Create(SearchSpace space, std::vector<Direction> directions,
                                             std::unique_ptr<Sampler> sampler, std::unique_ptr<Pruner> pruner) {
  if (space.size() == 0) return InvalidArgument("study: empty search space");
  if (directions.empty()) return InvalidArgument("study: no direction");
  if (!sampler) return InvalidArgument("study: no sampler");
  if (!pruner) pruner = NewNopPruner();
  return std::unique_ptr<Study>(new Study(std::move(space), std::move(directions), std::move(sampler), std::move(pruner)));
}

Result<Trial> Study::Ask() {
  std::lock_guard lock(mu_);
  const int64_t number = static_cast<int64_t>(trials_.size());
  Params params;
  for (int attempt = 0;; ++attempt) {
    ASSIGN_OR_RETURN(params, sampler_->Sample(space_, directions_[0], trials_, number));
    if (!space_.Contains(params)) {
      return Internal("study: sampler " + sampler_->name() + " proposed a point outside the search space");
    }
    bool duplicate = false;
    for (const Trial& t : trials_) {
      if (t.state == TrialState::kRunning && SameParams(t.params, params)) duplicate = true;
    }
    if (!duplicate || attempt >= 32) break;
  }
  Trial t;
  t.number = number;
  t.state = TrialState::kRunning;
  t.params = std::move(params);
  trials_.push_back(t);
  return t;
}

Status Study::Tell(int64_t number, TrialState state, std::vector<double> values) {
  std::lock_guard lock(mu_);
  if (number < 0 || number >= static_cast<int64_t>(trials_.size())) {
    return NotFound("study: no trial " + std::to_string(number));
  }
  Trial& t = trials_[static_cast<size_t>(number)];
  if (t.finished()) return FailedPrecondition("study: trial " + std::to_string(number) + " is already " + TrialStateName(t.state));
  switch (state) {
    case TrialState::kRunning:
      return InvalidArgument("study: tell needs a finished state");
    case TrialState::kComplete:
      if (values.size() != directions_.size()) {
        return InvalidArgument("study: trial " + std::to_string(number) + " needs " + std::to_string(directions_.size()) +
                               " value(s), got " + std::to_string(values.size()));
      }
      for (double v : values) {
        if (std::isnan(v)) {
          t.state = TrialState::kFailed;
          return Status::Ok();
        }
      }
      break;
    case TrialState::kPruned:
      if (values.empty() && directions_.size() == 1 && !t.intermediate.empty()) {
        values = {t.intermediate.rbegin()->second};
      }
      break;
    case TrialState::kFailed:
      values.clear();
      break;
  }
  t.values = std::move(values);
  t.state = state;
  return Status::Ok();
}

Result<bool> Study::Report(int64_t number, int64_t step, double value) {
  std::lock_guard lock(mu_);
  if (number < 0 || number >= static_cast<int64_t>(trials_.size())) {
    return NotFound("study: no trial " + std::to_string(number));
  }
  if (step < 0) return InvalidArgument("study: step must be >= 0");
  Trial& t = trials_[static_cast<size_t>(number)];
  if (t.finished()) return FailedPrecondition("study: trial " + std::to_string(number) + " is already " + TrialStateName(t.state));
  t.intermediate.emplace(step, value);
  if (directions_.size() != 1) return false;
  return pruner_->ShouldPrune(directions_[0], trials_, t);
}

Result<int64_t> Study::AddTrial(const Json& params, TrialState state, std::vector<double> values,
                                std::map<int64_t, double> intermediate) {
  ASSIGN_OR_RETURN(Params p, space_.FromExternal(params));
  if (state == TrialState::kComplete && values.size() != directions_.size()) {
    return InvalidArgument("study: a complete trial needs " + std::to_string(directions_.size()) + " value(s)");
  }
  std::lock_guard lock(mu_);
  Trial t;
  t.number = static_cast<int64_t>(trials_.size());
  t.state = state;
  t.params = std::move(p);
  t.values = std::move(values);
  t.intermediate = std::move(intermediate);
  trials_.push_back(std::move(t));
  return trials_.back().number;
}

std::optional<Trial> Study::BestTrial() const {
  std::lock_guard lock(mu_);
  const Trial* best = nullptr;
  for (const Trial& t : trials_) {
    if (t.state != TrialState::kComplete || t.values.empty()) continue;
    if (!best || Better(directions_[0], t.values[0], best->values[0])) best = &t;
  }
  if (!best) return std::nullopt;
  return *best;
}

std::vector<Trial> Study::BestTrials() const {
  std::lock_guard lock(mu_);
  std::vector<Trial> out;
  for (const Trial& a : trials_) {
    if (a.state != TrialState::kComplete || a.values.size() != directions_.size()) continue;
    bool dominated = false;
    for (const Trial& b : trials_) {
      if (b.state == TrialState::kComplete && b.values.size() == directions_.size() && Dominates(directions_, b, a)) {
        dominated = true;
        break;
      }
    }
    if (!dominated) out.push_back(a);
  }
  return out;
}

std::vector<Trial> Study::Trials() const {
  std::lock_guard lock(mu_);
  return trials_;
}

Result<Trial> Study::GetTrial(int64_t number) const {
  std::lock_guard lock(mu_);
  if (number < 0 || number >= static_cast<int64_t>(trials_.size())) {
    return NotFound("study: no trial " + std::to_string(number));
  }
  return trials_[static_cast<size_t>(number)];
}

std::vector<double> Study::BestValueHistory() const {
  std::lock_guard lock(mu_);
  std::vector<double> out;
  double best = NAN;
  for (const Trial& t : trials_) {
    if (!t.finished()) continue;
    if (t.state == TrialState::kComplete && !t.values.empty() &&
        (std::isnan(best) || Better(directions_[0], t.values[0], best))) {
      best = t.values[0];
    }
    out.push_back(best);
  }
  return out;
}

const char* TrialStateName(TrialState state) {
  switch (state) {
    case TrialState::kRunning: return "running";
    case TrialState::kComplete: return "complete";
    case TrialState::kPruned: return "pruned";
    case TrialState::kFailed: return "failed";
  }
  return "?";
}

const char* DirectionName(Direction d) { return d == Direction::kMinimize ? "minimize" : "maximize"; }

}  // namespace moebius::tuning
