#include "tuning/pruner.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

namespace moebius::tuning {
namespace {

// numpy's nanpercentile with linear interpolation over the non-NaN values; NaN when none.
double Percentile(std::vector<double> v, double q) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  double pos = q / 100.0 * static_cast<double>(v.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, v.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return v[lo] + (v[hi] - v[lo]) * frac;
}

class MedianPruner final : public Pruner {
 public:
  explicit MedianPruner(const MedianPrunerOptions& o) : o_(o) {}

  bool ShouldPrune(Direction direction, std::span<const Trial> trials, const Trial& trial) override {
    std::optional<int64_t> last = trial.last_step();
    if (!last) return false;
    const int64_t step = *last;
    if (step < o_.n_warmup_steps) return false;
    // Only the first report at or after an interval boundary is judged.
    int64_t boundary = (step - o_.n_warmup_steps) / o_.interval_steps * o_.interval_steps + o_.n_warmup_steps;
    int64_t previous = -1;
    for (const auto& [s, v] : trial.intermediate) {
      if (s < step) previous = s;
    }
    if (!(previous < boundary)) return false;
    size_t completed = 0;
    std::vector<double> at_step;
    for (const Trial& t : trials) {
      if (t.state != TrialState::kComplete) continue;
      ++completed;
      auto it = t.intermediate.find(step);
      if (it != t.intermediate.end()) at_step.push_back(it->second);
    }
    if (completed == 0 || completed < static_cast<size_t>(o_.n_startup_trials)) return false;
    double best = NAN;
    for (const auto& [s, v] : trial.intermediate) {
      if (std::isnan(v)) continue;
      if (std::isnan(best) || Better(direction, v, best)) best = v;
    }
    if (std::isnan(best)) return true;
    if (at_step.size() < static_cast<size_t>(o_.n_min_trials)) return false;
    double q = direction == Direction::kMinimize ? o_.percentile : 100 - o_.percentile;
    double p = Percentile(at_step, q);
    if (std::isnan(p)) return false;
    return direction == Direction::kMinimize ? best > p : best < p;
  }

 private:
  MedianPrunerOptions o_;
};

class SuccessiveHalvingPruner final : public Pruner {
 public:
  explicit SuccessiveHalvingPruner(const SuccessiveHalvingOptions& o) : o_(o) {}

  bool ShouldPrune(Direction direction, std::span<const Trial> trials, const Trial& trial) override {
    std::optional<int64_t> last = trial.last_step();
    if (!last) return false;
    const int64_t step = *last;
    const double value = trial.intermediate.at(step);
    std::map<int, double>& mine = recorded_[trial.number];
    int rung = static_cast<int>(mine.size());
    for (;;) {
      int64_t min_resource = o_.min_resource;
      if (min_resource <= 0) {
        int64_t max_last = -1;
        for (const Trial& t : trials) {
          if (t.state == TrialState::kComplete && t.last_step()) max_last = std::max(max_last, *t.last_step());
        }
        if (max_last < 0) return false;
        min_resource = std::max<int64_t>(max_last / 100, 1);
      }
      double promotion = static_cast<double>(min_resource) *
                         std::pow(static_cast<double>(o_.reduction_factor), o_.min_early_stopping_rate + rung);
      if (static_cast<double>(step) < promotion) return false;
      if (std::isnan(value)) return true;
      // Values recorded at this rung by other trials, then this one.
      std::vector<double> competing;
      for (const auto& [number, rungs] : recorded_) {
        if (number == trial.number) continue;
        auto it = rungs.find(rung);
        if (it != rungs.end()) competing.push_back(it->second);
      }
      competing.push_back(value);
      mine[rung] = value;
      if (competing.size() <= static_cast<size_t>(o_.bootstrap_count)) return true;
      int idx = static_cast<int>(competing.size()) / o_.reduction_factor - 1;
      if (idx < 0) idx = 0;
      std::sort(competing.begin(), competing.end());
      bool promotable = direction == Direction::kMaximize
                            ? value >= competing[competing.size() - 1 - static_cast<size_t>(idx)]
                            : value <= competing[static_cast<size_t>(idx)];
      if (!promotable) return true;
      ++rung;
    }
  }

 private:
  SuccessiveHalvingOptions o_;
  std::map<int64_t, std::map<int, double>> recorded_;  // trial number -> rung -> value
};

class NopPruner final : public Pruner {
 public:
  bool ShouldPrune(Direction, std::span<const Trial>, const Trial&) override { return false; }
};

Status CheckFields(const Json& j, const std::set<std::string>& allowed) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!allowed.count(it.key())) return InvalidArgument("pruner: unknown field '" + it.key() + "'");
  }
  return Status::Ok();
}

template <typename T>
Status GetInt(const Json& j, const char* key, T& out, int64_t min) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_number_integer() || it->get<int64_t>() < min) {
    return InvalidArgument(std::string("pruner: '") + key + "' must be an integer >= " + std::to_string(min));
  }
  out = static_cast<T>(it->get<int64_t>());
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Pruner> NewMedianPruner(const MedianPrunerOptions& o) { return std::make_unique<MedianPruner>(o); }
std::unique_ptr<Pruner> NewSuccessiveHalvingPruner(const SuccessiveHalvingOptions& o) {
  return std::make_unique<SuccessiveHalvingPruner>(o);
}
std::unique_ptr<Pruner> NewNopPruner() { return std::make_unique<NopPruner>(); }

Result<std::unique_ptr<Pruner>> PrunerFromJson(const Json& j) {
  if (!j.is_object()) return InvalidArgument("pruner: not an object");
  auto type = j.find("type");
  if (type == j.end() || !type->is_string()) return InvalidArgument("pruner: missing 'type'");
  const std::string t = type->get<std::string>();
  if (t == "none") {
    RETURN_IF_ERROR(CheckFields(j, {"type"}));
    return NewNopPruner();
  }
  if (t == "median" || t == "percentile") {
    MedianPrunerOptions o;
    RETURN_IF_ERROR(CheckFields(j, {"type", "n_startup_trials", "n_warmup_steps", "interval_steps", "n_min_trials", "percentile"}));
    RETURN_IF_ERROR(GetInt(j, "n_startup_trials", o.n_startup_trials, 0));
    RETURN_IF_ERROR(GetInt(j, "n_warmup_steps", o.n_warmup_steps, 0));
    RETURN_IF_ERROR(GetInt(j, "interval_steps", o.interval_steps, 1));
    RETURN_IF_ERROR(GetInt(j, "n_min_trials", o.n_min_trials, 1));
    if (auto it = j.find("percentile"); it != j.end()) {
      if (t == "median") return InvalidArgument("pruner: 'percentile' is only for type percentile");
      if (!it->is_number() || !(it->get<double>() >= 0 && it->get<double>() <= 100)) {
        return InvalidArgument("pruner: 'percentile' must be in [0, 100]");
      }
      o.percentile = it->get<double>();
    }
    return NewMedianPruner(o);
  }
  if (t == "successive_halving") {
    SuccessiveHalvingOptions o;
    RETURN_IF_ERROR(CheckFields(j, {"type", "min_resource", "reduction_factor", "min_early_stopping_rate", "bootstrap_count"}));
    if (auto it = j.find("min_resource"); it != j.end() && !(it->is_string() && it->get<std::string>() == "auto")) {
      RETURN_IF_ERROR(GetInt(j, "min_resource", o.min_resource, 1));
    }
    RETURN_IF_ERROR(GetInt(j, "reduction_factor", o.reduction_factor, 2));
    RETURN_IF_ERROR(GetInt(j, "min_early_stopping_rate", o.min_early_stopping_rate, 0));
    RETURN_IF_ERROR(GetInt(j, "bootstrap_count", o.bootstrap_count, 0));
    return NewSuccessiveHalvingPruner(o);
  }
  return InvalidArgument("pruner: unknown type '" + t + "' (none, median, percentile or successive_halving)");
}

}  // namespace moebius::tuning
