// ParzenEstimator: the mixture of truncated Gaussians (numeric) and smoothed one-hot
// (categorical) kernels that TPE fits to its "good" and "bad" observations. It follows
// optuna/samplers/_tpe/parzen_estimator.py (Optuna 3.1) term by term: one kernel per
// observation plus a prior kernel, bandwidths from neighbour distances (univariate) or Scott's
// rule (multivariate), the magic clip, and the weights that ramp down old observations.
// One deliberate addition: `scott_bandwidth` (see TpeOptions).
//
// Values are in the transformed space: log of the value for log parameters, the value itself
// for the rest, the choice index for categoricals. Immutable after construction.
#pragma once

#include <cstddef>
#include <vector>

#include "tuning/rng.h"
#include "tuning/space.h"

namespace moebius::tuning {

struct ParzenOptions {
  bool consider_prior = true;
  double prior_weight = 1.0;
  bool consider_magic_clip = true;
  bool consider_endpoints = false;
  bool multivariate = false;
  // Multivariate bandwidths by Scott's rule on each dimension's sample standard deviation
  // instead of Optuna's 0.2 * n^(-1/(d+4)) * range.
  bool scott_bandwidth = false;
  // Optuna 3.1's continuous kernels: exp(-z^2/2) / (sqrt(2 pi) Z) without the 1 / sigma
  // (optuna/optuna#5109). See TpeOptions::optuna31_kernels.
  bool optuna31_kernels = false;
};

// Optuna's default_weights: 1 for the 25 newest observations, a linear ramp from 1/n up to 1
// for the older ones, in chronological order.
std::vector<double> DefaultWeights(size_t n);

// log(Phi(b) - Phi(a)) for a < b, accurate in both tails.
double LogGaussMass(double a, double b);

class ParzenEstimator {
 public:
  // `params`: indices into `space` of the dimensions; `observations`: n rows of params.size()
  // transformed values each, oldest first (row-major).
  // `sorted` (optional, one dimension only): the observation rows in ascending order of value,
  // ties by row, saving the estimator its own sort.
  ParzenEstimator(const SearchSpace& space, std::vector<size_t> params, const std::vector<double>& observations,
                  const ParzenOptions& options, const std::vector<size_t>* sorted = nullptr);

  size_t dims() const { return params_.size(); }

  // `count` rows of dims() values, drawn from the mixture and snapped to the domain
  // (rounded for ints and steps), in the transformed space.
  std::vector<double> Sample(Rng& rng, size_t count) const;

  // Log density (log probability mass for discrete dimensions) of each row of `samples`.
  std::vector<double> LogPdf(const std::vector<double>& samples) const;

  // Transformed <-> internal values of dimension d.
  double ToTransformed(size_t d, double internal) const;
  double ToInternal(size_t d, double transformed) const;

 private:
  struct Dim {
    bool categorical = false;
    bool log = false;
    double low = 0, high = 0, q = 0;   // transformed bounds (widened by q/2 when discrete)
    size_t n_choices = 0;
    std::vector<double> mus, sigmas, log_norm;   // per component; log_norm = log Z_k
    std::vector<double> inv_sigmas;
    // log w_k - log Z_k, and for a continuous dimension also - log sigma_k - log sqrt(2 pi).
    std::vector<double> log_const;
    std::vector<double> cat_weights;             // components x choices, rows sum to 1
    std::vector<double> cat_log_weights;         // (not filled on the fast path)
    std::vector<double> cat_mixture;             // fast path: log of the mixture per choice
    // Fast path (one numeric dimension): observation kernels sorted by centre, those with equal
    // centre and bandwidth merged, linear coefficients w / Z (/ (sigma sqrt(2 pi)) when
    // continuous); the prior kernel apart; the largest bandwidth.
    std::vector<double> g_mu, g_sigma, g_inv_sigma, g_coef;
    double prior_mu = 0, prior_inv_sigma = 0, prior_coef = 0;
    double max_sigma = 0;
    // Discrete dimension with one bandwidth for all observation kernels: grid_of[k] numbers
    // the distinct value of kernel k, grid_first[g] is the first kernel with value g.
    std::vector<uint32_t> grid_of;
    std::vector<size_t> grid_first;
  };

  void BuildGrid(Dim& dim, size_t n);

  void BuildWindowed(Dim& dim, const std::vector<size_t>& order, size_t prior);
  // LogPdf of a single numeric dimension summing only the kernels within kFar * max_sigma of
  // each sample (and the prior); see the .cc for why the dropped terms are negligible.
  std::vector<double> LogPdfWindowed(const std::vector<double>& samples) const;
  std::vector<double> LogPdfAll(const std::vector<double>& samples) const;
  bool fast_ = false;

  const SearchSpace* space_;
  std::vector<size_t> params_;
  std::vector<Dim> d_;
  std::vector<double> weights_, log_weights_, cum_weights_;
  bool unit_sigma_ = false;   // optuna31_kernels
};

}  // namespace moebius::tuning
