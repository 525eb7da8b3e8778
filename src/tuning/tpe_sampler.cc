// TPE sampler after Optuna 3.1's TPESampler (optuna/samplers/_tpe/sampler.py): observations
// are ranked (complete trials by value, pruned trials by their last step and value, running
// trials last under the constant liar), the best gamma(n) form l(x) and the rest g(x), and of
// n_ei_candidates draws from l(x) the one with the largest log l(x) - log g(x) is taken.
// Univariate by default (one pair of estimators per parameter); multivariate fits one joint
// estimator over the parameters every finished trial has, or, with `group`, over each group of
// the group-decomposed space (conditional parameters).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <cstdint>
#include <set>

#include "tuning/parzen_estimator.h"
#include "tuning/rng.h"
#include "tuning/sampler.h"

namespace moebius::tuning {
namespace {

struct Observation {
  size_t trial;      // index into the trials span
  double step_key;   // -inf complete, -last_step pruned, +inf running
  double loss;
};

class TpeSampler final : public Sampler {
 public:
  explicit TpeSampler(const TpeOptions& o) : o_(o), rng_(o.seed), random_rng_(o.seed ^ 0x5bd1e995u) {
    parzen_.consider_prior = o.consider_prior;
    parzen_.prior_weight = o.prior_weight;
    parzen_.consider_magic_clip = o.consider_magic_clip;
    parzen_.consider_endpoints = o.consider_endpoints;
    parzen_.multivariate = o.multivariate;
    parzen_.scott_bandwidth = o.scott_bandwidth;
    parzen_.optuna31_kernels = o.optuna31_kernels;
  }

  std::string name() const override { return "tpe"; }

  Result<Params> Sample(const SearchSpace& space, Direction direction, std::span<const Trial> trials,
                        int64_t) override {
    Collect(direction, trials);
    UpdateSorted(space, trials);
    Params out(space.size(), kInactive);
    if (n_finished_ < static_cast<size_t>(o_.n_startup_trials)) {
      for (size_t i = 0; i < space.size(); ++i) {
        if (space.IsActive(i, out)) out[i] = SampleUniform(space, i, random_rng_);
      }
      return out;
    }
    Split();
    Params relative(space.size(), kInactive);
    if (o_.multivariate) {
      for (const std::vector<size_t>& group : Groups(space, trials)) {
        std::vector<size_t> dims;
        for (size_t i : group) {
          if (space.Cardinality(i) != 1) dims.push_back(i);
        }
        if (dims.empty()) continue;
        std::vector<double> best = SampleDims(space, trials, dims);
        for (size_t d = 0; d < dims.size(); ++d) relative[dims[d]] = best[d];
      }
    }
    for (size_t i = 0; i < space.size(); ++i) {
      if (!space.IsActive(i, out)) continue;
      if (IsSet(relative[i])) {
        out[i] = relative[i];
      } else if (space.Cardinality(i) == 1) {
        out[i] = space.InternalLow(i);
      } else {
        out[i] = SampleDims(space, trials, {i})[0];
      }
    }
    return out;
  }

 private:
  void Collect(Direction direction, std::span<const Trial> trials) {
    obs_.clear();
    obs_of_trial_.assign(trials.size(), -1);
    n_finished_ = 0;
    for (size_t t = 0; t < trials.size(); ++t) {
      const Trial& tr = trials[t];
      Observation o{t, 0, 0};
      switch (tr.state) {
        case TrialState::kComplete:
          if (tr.values.empty() || std::isnan(tr.values[0])) continue;
          o.step_key = -INFINITY;
          o.loss = AsLoss(direction, tr.values[0]);
          break;
        case TrialState::kPruned:
          if (tr.intermediate.empty()) {
            o.step_key = 1;
            o.loss = 0;
          } else {
            auto last = *tr.intermediate.rbegin();
            o.step_key = -static_cast<double>(last.first);
            o.loss = std::isnan(last.second) ? INFINITY : AsLoss(direction, last.second);
          }
          break;
        case TrialState::kRunning:
          if (!o_.constant_liar) continue;
          o.step_key = INFINITY;
          o.loss = INFINITY;
          break;
        case TrialState::kFailed:
          continue;
      }
      if (tr.state != TrialState::kRunning) ++n_finished_;
      obs_of_trial_[t] = static_cast<int32_t>(obs_.size());
      obs_.push_back(o);
    }
  }

  static double Transformed(const SearchSpace& space, size_t i, double internal) {
    return space.param(i).log ? std::log(internal) : internal;
  }

  // sorted_[i]: (transformed value, trial index) of every trial that has numeric parameter i,
  // ascending (ties by trial index). Trials only ever get appended to a study and keep their
  // parameters, so the lists are kept between asks and only the new trials are merged in; a
  // span that does not extend the cached one (another study) rebuilds them.
  void UpdateSorted(const SearchSpace& space, std::span<const Trial> trials) {
    const bool extends = sorted_.size() == space.size() && sorted_n_ <= trials.size() &&
                         (sorted_n_ == 0 || trials[sorted_n_ - 1].number == sorted_last_number_);
    if (!extends) {
      sorted_.assign(space.size(), {});
      sorted_n_ = 0;
    }
    for (size_t i = 0; i < space.size(); ++i) {
      if (space.param(i).kind == ParamKind::kCategorical) continue;
      auto& v = sorted_[i];
      const size_t old = v.size();
      for (size_t t = sorted_n_; t < trials.size(); ++t) {
        const Params& p = trials[t].params;
        if (p.size() == space.size() && IsSet(p[i])) v.emplace_back(Transformed(space, i, p[i]), static_cast<uint32_t>(t));
      }
      std::sort(v.begin() + static_cast<std::ptrdiff_t>(old), v.end());
      std::inplace_merge(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(old), v.end());
    }
    sorted_n_ = trials.size();
    if (!trials.empty()) sorted_last_number_ = trials.back().number;
  }

  // below_[j]: whether obs_[j] is among the gamma(n) best.
  void Split() {
    size_t n_below = std::min<size_t>(static_cast<size_t>(std::ceil(o_.gamma_ratio * static_cast<double>(n_finished_))),
                                      static_cast<size_t>(o_.gamma_max));
    // Only the n_below best are needed: a partial sort, ties by position (Optuna's stable sort).
    std::vector<size_t> order(obs_.size());
    std::iota(order.begin(), order.end(), 0);
    n_below = std::min(n_below, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_below), order.end(), [&](size_t a, size_t b) {
      if (obs_[a].step_key != obs_[b].step_key) return obs_[a].step_key < obs_[b].step_key;
      if (obs_[a].loss != obs_[b].loss) return obs_[a].loss < obs_[b].loss;
      return a < b;
    });
    below_.assign(obs_.size(), false);
    for (size_t r = 0; r < n_below; ++r) below_[order[r]] = true;
  }

  // Draws dims jointly from l(x) and returns the candidate maximizing l/g, in internal form.
  std::vector<double> SampleDims(const SearchSpace& space, std::span<const Trial> trials, const std::vector<size_t>& dims) {
    const size_t nd = dims.size();
    std::vector<double> below, above;
    const bool presorted = nd == 1 && !o_.multivariate && !sorted_[dims[0]].empty();
    if (presorted) row_of_trial_.assign(trials.size(), -1);
    for (size_t j = 0; j < obs_.size(); ++j) {
      const Params& p = trials[obs_[j].trial].params;
      if (p.size() != space.size() || !IsSet(p[dims[0]])) continue;
      std::vector<double>& dst = below_[j] ? below : above;
      if (presorted) row_of_trial_[obs_[j].trial] = static_cast<int32_t>(dst.size());
      for (size_t d = 0; d < nd; ++d) dst.push_back(Transformed(space, dims[d], p[dims[d]]));
    }
    // One numeric dimension: the kept sorted list gives both estimators their sorted order.
    std::vector<size_t> below_order, above_order;
    if (presorted) {
      below_order.reserve(below.size());
      above_order.reserve(above.size());
      for (const auto& [v, t] : sorted_[dims[0]]) {
        if (t >= row_of_trial_.size() || row_of_trial_[t] < 0) continue;
        const size_t r = static_cast<size_t>(row_of_trial_[t]);
        (below_[static_cast<size_t>(obs_of_trial_[t])] ? below_order : above_order).push_back(r);
      }
    }
    ParzenEstimator l(space, dims, below, parzen_, presorted ? &below_order : nullptr);
    ParzenEstimator g(space, dims, above, parzen_, presorted ? &above_order : nullptr);
    std::vector<double> cand = l.Sample(rng_, static_cast<size_t>(o_.n_ei_candidates));
    std::vector<double> ll = l.LogPdf(cand), lg = g.LogPdf(cand);
    size_t best = 0;
    double best_score = -INFINITY;
    for (size_t s = 0; s < ll.size(); ++s) {
      double score = ll[s] - lg[s];
      if (s == 0 || score > best_score) {
        best = s;
        best_score = score;
      }
    }
    std::vector<double> out(nd);
    for (size_t d = 0; d < nd; ++d) out[d] = l.ToInternal(d, cand[best * nd + d]);
    return out;
  }

  // Parameter groups for multivariate sampling. Without `group`: one group, the parameters
  // every finished trial has (Optuna's IntersectionSearchSpace with pruned trials). With it:
  // Optuna's group decomposition, the coarsest partition such that each finished trial has
  // either all or none of each group.
  std::vector<std::vector<size_t>> Groups(const SearchSpace& space, std::span<const Trial> trials) {
    std::vector<std::vector<bool>> patterns;
    std::set<std::vector<bool>> seen;
    for (const Observation& o : obs_) {
      const Trial& t = trials[o.trial];
      if (t.state == TrialState::kRunning || t.params.size() != space.size()) continue;
      std::vector<bool> pat(space.size());
      for (size_t i = 0; i < space.size(); ++i) pat[i] = IsSet(t.params[i]);
      if (!patterns.empty() && pat == patterns.back()) continue;  // the common case, no set lookup
      if (seen.insert(pat).second) patterns.push_back(std::move(pat));
    }
    if (!o_.group) {
      std::vector<size_t> common;
      for (size_t i = 0; i < space.size(); ++i) {
        bool all = !patterns.empty();
        for (const auto& pat : patterns) all = all && pat[i];
        if (all) common.push_back(i);
      }
      if (common.empty()) return {};
      return {common};
    }
    std::vector<std::vector<size_t>> groups;
    for (const auto& pat : patterns) {
      std::vector<bool> rest = pat;
      std::vector<std::vector<size_t>> next;
      for (const auto& g : groups) {
        std::vector<size_t> in, out;
        for (size_t i : g) (pat[i] ? in : out).push_back(i);
        for (size_t i : g) rest[i] = false;
        if (!in.empty()) next.push_back(std::move(in));
        if (!out.empty()) next.push_back(std::move(out));
      }
      std::vector<size_t> fresh;
      for (size_t i = 0; i < space.size(); ++i) {
        if (rest[i]) fresh.push_back(i);
      }
      if (!fresh.empty()) next.push_back(std::move(fresh));
      groups = std::move(next);
    }
    return groups;
  }

  TpeOptions o_;
  ParzenOptions parzen_;
  Rng rng_;
  Rng random_rng_;
  std::vector<Observation> obs_;
  std::vector<int32_t> obs_of_trial_;   // trial index -> index into obs_, -1 if not observed
  std::vector<int32_t> row_of_trial_;   // scratch of SampleDims: trial -> row in l or g
  std::vector<std::vector<std::pair<double, uint32_t>>> sorted_;
  size_t sorted_n_ = 0;
  int64_t sorted_last_number_ = -1;
  std::vector<bool> below_;
  size_t n_finished_ = 0;
};

}  // namespace

std::unique_ptr<Sampler> NewTpeSampler(const TpeOptions& options) {
  return std::make_unique<TpeSampler>(options);
}

}  // namespace moebius::tuning
