// Sampler: proposes the next point of a search space from the trials so far.
//
// A study calls Sample under its own lock with every trial it holds, running ones included,
// so a sampler can avoid what is already being evaluated. Samplers keep state between calls
// (random streams, CMA-ES generations) and are therefore not thread-safe; one sampler serves
// one study. The same seed and the same sequence of calls give the same suggestions.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "base/json.h"
#include "base/status.h"
#include "tuning/space.h"
#include "tuning/trial.h"

namespace moebius::tuning {

class Sampler {
 public:
  virtual ~Sampler() = default;

  // Returns a point of `space` (inactive parameters NaN) for the trial numbered `number`.
  // `trials` are all earlier trials of the study in number order, warm-start trials included.
  // kFailedPrecondition when the sampler has nothing left to propose (an exhausted grid).
  virtual Result<Params> Sample(const SearchSpace& space, Direction direction,
                                std::span<const Trial> trials, int64_t number) = 0;

  virtual std::string name() const = 0;
};

struct RandomOptions {
  uint64_t seed = 0;
};

struct GridOptions {
  // Points for a continuous float: evenly spaced (log-spaced for a log float), ends included.
  int float_points = 5;
  // Refuse grids larger than this.
  uint64_t max_points = 1'000'000;
};

struct TpeOptions {
  uint64_t seed = 0;
  int n_startup_trials = 10;
  int n_ei_candidates = 24;
  double prior_weight = 1.0;
  bool consider_prior = true;
  bool consider_magic_clip = true;
  bool consider_endpoints = false;
  bool multivariate = false;
  bool group = false;          // with multivariate: decompose conditional spaces into groups
  bool constant_liar = true;   // running trials count as the worst observations
  // Multivariate only (ours, not Optuna's): bandwidth of dimension d by Scott's rule on the
  // observations themselves, sd_d * n^(-1/(d+4)) with sd_d their sample standard deviation (as
  // in BOHB's kernel density estimator), instead of Optuna's 0.2 * n^(-1/(d+4)) * range. As the
  // good trials concentrate, l(x) narrows with them; the prior kernel and the magic clip keep
  // the exploration. Better than Optuna's TPE on every benchmark cell (bench/RESULTS.md).
  bool scott_bandwidth = false;
  // Optuna 3.1's continuous kernel exp(-z^2/2) / (sqrt(2 pi) Z) without its 1 / sigma
  // (optuna/optuna#5109, fixed in 3.5): for comparisons with 3.1 only. In multivariate mode it
  // makes the prior kernel (sigma = range) a near-uniform floor under l(x) and g(x), which is
  // most of why 3.1's multivariate TPE differs from ours (docs/design/tuning.md).
  bool optuna31_kernels = false;
  // gamma(n) = min(ceil(gamma_ratio * n), gamma_max): Optuna's default_gamma.
  double gamma_ratio = 0.1;
  int gamma_max = 25;
};

struct CmaEsOptions {
  uint64_t seed = 0;
  int n_startup_trials = 1;    // random trials before the first CMA-ES generation, as Optuna
  bool separable = false;      // sep-CMA-ES: diagonal covariance
  bool ipop = false;           // restart with a doubled population when a run stagnates
  int inc_popsize = 2;
  int popsize = 0;             // 0: 4 + floor(3 ln n)
  double sigma0 = 0;           // 0: min over dimensions of range / 6 (transformed space)
  // tpe_cmaes (ours; 0 is plain CMA-ES): multivariate TPE with scott_bandwidth proposes until
  // n_tpe_trials trials are complete, then CMA-ES starts from N(m, sigma^2 C) fitted to the best
  // top_fraction of the complete trials (at least 2; m their mean, C diagonal from their spread)
  // and runs on the unconditional numeric parameters, TPE keeping the others. n_startup_trials
  // and sigma0 do not apply. Ahead of plain TPE and CMA-ES on the benchmark (bench/RESULTS.md).
  int n_tpe_trials = 0;
  double top_fraction = 0.15;
};

// The tpe_cmaes defaults: n_tpe_trials 45, chosen on seeds 10-39 of the benchmark.
struct TpeCmaEsOptions {
  uint64_t seed = 0;
  int n_tpe_trials = 45;
  double top_fraction = 0.15;
  int popsize = 0;
};

std::unique_ptr<Sampler> NewRandomSampler(const RandomOptions& options);
std::unique_ptr<Sampler> NewGridSampler(const GridOptions& options);
std::unique_ptr<Sampler> NewTpeSampler(const TpeOptions& options);
std::unique_ptr<Sampler> NewCmaEsSampler(const CmaEsOptions& options);
std::unique_ptr<Sampler> NewTpeCmaEsSampler(const TpeCmaEsOptions& options);

// {"type": "tpe", "seed": 1, "multivariate": true, ...}; type random | grid | tpe | cmaes | tpe_cmaes and
// the fields of the options above. Unknown types and fields are kInvalidArgument.
Result<std::unique_ptr<Sampler>> SamplerFromJson(const Json& json);

// Draws parameter i uniformly (log-uniformly for a log parameter) from its domain; shared by
// the samplers for their startup and fallback draws.
class Rng;
double SampleUniform(const SearchSpace& space, size_t i, Rng& rng);

}  // namespace moebius::tuning
