#include "tuning/parzen_estimator.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cmath>
#include <numeric>

namespace moebius::tuning {
namespace {

constexpr double kEps = 1e-12;
constexpr double kSigma0Magnitude = 0.2;
constexpr double kLogSqrt2Pi = 0.91893853320467274178;  // log(sqrt(2 pi))
constexpr double kSqrt1_2 = 0.70710678118654752440;
constexpr double kSqrt2Pi = 2.50662827463100050242;
// Beyond this many sigmas a kernel's contribution is below e^-40 of its peak.
constexpr double kFar = 9.0;

// Gaussian mass in [a, b] for a bin within kFar of the centre: one subtraction of erfc values
// on the side where neither cancels badly.
inline double MassNear(double a, double b) {
  double m;
  if (a >= 0) {
    m = 0.5 * (std::erfc(a * kSqrt1_2) - std::erfc(b * kSqrt1_2));
  } else if (b <= 0) {
    m = 0.5 * (std::erfc(-b * kSqrt1_2) - std::erfc(-a * kSqrt1_2));
  } else {
    m = 1 - 0.5 * std::erfc(-a * kSqrt1_2) - 0.5 * std::erfc(b * kSqrt1_2);
  }
  return m > 0 ? m : 0.0;
}

inline double LogMassNear(double a, double b) {
  const double m = MassNear(a, b);
  return m > 0 ? std::log(m) : -INFINITY;
}

// Upper bound of log(Phi(-m)) for m > kFar (Mills' ratio), within 1.3% of the exact value
// there; such kernels are dropped by the log-sum-exp cut unless nothing is closer.
inline double LogTail(double m) { return -0.5 * m * m - 2.1972245773362196 /* log kFar */ - 0.91893853320467274178; }

// exp(x) for x <= 0 without a call or a branch, so the log-sum-exp loop vectorizes: Cody-Waite
// reduction by ln 2 and a degree-12 Taylor polynomial; relative error 4.7e-16 against
// std::exp over 7 million points of [-700, 0] (a one-off check, not a unit test). x below -708 gives exp(-708) instead of a subnormal.
inline double ExpNonPositive(double x) {
  x = x < -708.0 ? -708.0 : x;
  const double shifter = 0x1.8p52;
  double t = x * 1.4426950408889634 + shifter;
  double k = t - shifter;
  double r = x - k * 0.6931471803691238 - k * 1.9082149292705877e-10;
  double p = 1.0 / 479001600;
  p = p * r + 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  int64_t ki = std::bit_cast<int64_t>(t) - std::bit_cast<int64_t>(shifter);
  return p * std::bit_cast<double>(static_cast<uint64_t>(ki + 1023) << 52);
}

// log Phi(x).
double LogNdtr(double x) {
  if (x > 6) return std::log1p(-0.5 * std::erfc(x * kSqrt1_2));
  if (x > -20) return std::log(0.5 * std::erfc(-x * kSqrt1_2));
  // Asymptotic series of the Mills ratio; exact to double precision below -20.
  double x2 = x * x;
  double s = 1 - 1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2);
  return -0.5 * x2 - std::log(-x) - kLogSqrt2Pi + std::log(s);
}

}  // namespace

std::vector<double> DefaultWeights(size_t n) {
  std::vector<double> w(n, 1.0);
  if (n < 25) return w;
  size_t ramp = n - 25;
  double lo = 1.0 / static_cast<double>(n);
  for (size_t i = 0; i < ramp; ++i) {
    w[i] = ramp == 1 ? lo : lo + (1.0 - lo) * static_cast<double>(i) / static_cast<double>(ramp - 1);
  }
  return w;
}

double LogGaussMass(double a, double b) {
  if (a >= 0) return LogGaussMass(-b, -a);  // mirror the right tail onto the left
  if (b <= 0) {
    double lb = LogNdtr(b), la = LogNdtr(a);
    double d = la - lb;
    if (d >= 0) return -INFINITY;
    return lb + std::log1p(-std::exp(d));
  }
  // a < 0 < b: the mass is 1 - Phi(a) - Phi(-b), both small terms exact in erfc.
  return std::log1p(-0.5 * std::erfc(-a * kSqrt1_2) - 0.5 * std::erfc(b * kSqrt1_2));
}

ParzenEstimator::ParzenEstimator(const SearchSpace& space, std::vector<size_t> params,
                                 const std::vector<double>& obs, const ParzenOptions& o,
                                 const std::vector<size_t>* sorted)
    : space_(&space), params_(std::move(params)), unit_sigma_(o.optuna31_kernels) {
  const size_t nd = params_.size();
  const size_t n = nd == 0 ? 0 : obs.size() / nd;
  const bool prior = o.consider_prior || n == 0;
  const size_t nk = n + (prior ? 1 : 0);
  // One dimension, univariate bandwidths, prior and magic clip: LogPdf sums only the kernels
  // near each sample in the linear domain (LogPdfWindowed) or, for a categorical, reads the
  // mixture's probabilities; no per-kernel logarithm is needed.
  fast_ = nd == 1 && prior && o.consider_magic_clip && !o.multivariate;

  // Mixture weights.
  std::vector<double> w = DefaultWeights(n);
  weights_.assign(w.begin(), w.end());
  if (prior) weights_.push_back(o.prior_weight);
  double sum = std::accumulate(weights_.begin(), weights_.end(), 0.0);
  cum_weights_.resize(nk);
  if (!fast_) log_weights_.resize(nk);
  double c = 0;
  const double log_sum = std::log(sum);
  for (size_t k = 0; k < nk; ++k) {
    // Most raw weights are exactly 1 (the 25 newest, the prior at its default): skip their log.
    if (!fast_) log_weights_[k] = weights_[k] == 1.0 ? -log_sum : std::log(weights_[k]) - log_sum;
    weights_[k] /= sum;
    c += weights_[k];
    cum_weights_[k] = c;
  }

  // Scott's rule for the multivariate bandwidth, as a fraction of the range.
  const double scott_factor = std::pow(static_cast<double>(std::max<size_t>(n, 1)), -1.0 / (static_cast<double>(nd) + 4));
  const double sigma0 = kSigma0Magnitude * scott_factor;

  d_.resize(nd);
  std::vector<size_t> fast_order;  // kernels by centre (one dimension)
  for (size_t d = 0; d < nd; ++d) {
    const ParamSpec& p = space.param(params_[d]);
    Dim& dim = d_[d];
    if (p.kind == ParamKind::kCategorical) {
      dim.categorical = true;
      dim.n_choices = p.choices.size();
      const size_t nc = dim.n_choices;
      double fill = o.prior_weight / static_cast<double>(prior ? n + 1 : n);
      dim.cat_weights.assign(nk * nc, fill);
      for (size_t k = 0; k < n; ++k) dim.cat_weights[k * nc + static_cast<size_t>(obs[k * nd + d])] += 1;
      if (!fast_) dim.cat_log_weights.resize(nk * nc);
      if (fast_) dim.cat_mixture.assign(nc, 0.0);
      double last_cat = -1, last_cat_log = 0;
      for (size_t k = 0; k < nk; ++k) {
        double s = 0;
        for (size_t j = 0; j < nc; ++j) s += dim.cat_weights[k * nc + j];
        for (size_t j = 0; j < nc; ++j) {
          dim.cat_weights[k * nc + j] /= s;
          if (fast_) {
            dim.cat_mixture[j] += weights_[k] * dim.cat_weights[k * nc + j];
          } else {
            // A row holds at most two distinct values (prior fill, fill + 1, normalized): reuse
            // the last logarithm while the value repeats.
            const double v = dim.cat_weights[k * nc + j];
            if (v != last_cat) {
              last_cat = v;
              last_cat_log = std::log(v);
            }
            dim.cat_log_weights[k * nc + j] = last_cat_log;
          }
        }
      }
      // Optuna's own shortcut for one categorical: log of the mixture's probability per choice.
      if (fast_) {
        for (double& m : dim.cat_mixture) m = std::log(m);
      }
      continue;
    }
    dim.log = p.log;
    if (p.log) {
      dim.low = std::log(p.kind == ParamKind::kInt ? p.low - 0.5 : p.low);
      dim.high = std::log(p.kind == ParamKind::kInt ? p.high + 0.5 : p.high);
    } else if (p.step > 0) {
      dim.q = p.step;
      dim.low = p.low - 0.5 * p.step;
      dim.high = p.high + 0.5 * p.step;
    } else {
      dim.low = p.low;
      dim.high = p.high;
    }
    const double range = dim.high - dim.low;
    dim.mus.resize(nk);
    for (size_t k = 0; k < n; ++k) dim.mus[k] = obs[k * nd + d];
    if (prior) dim.mus[n] = 0.5 * (dim.low + dim.high);
    dim.sigmas.resize(nk);
    if (o.multivariate && o.scott_bandwidth) {
      // Scott's rule on the observations' own spread, sd_d * n^(-1/(d+4)) (the sample standard
      // deviation; the range for a single observation); the magic clip below bounds it.
      double mean = 0, ss = 0;
      for (size_t k = 0; k < n; ++k) mean += dim.mus[k];
      mean /= static_cast<double>(std::max<size_t>(n, 1));
      for (size_t k = 0; k < n; ++k) ss += (dim.mus[k] - mean) * (dim.mus[k] - mean);
      const double sd = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : range;
      std::fill(dim.sigmas.begin(), dim.sigmas.end(), sd * scott_factor);
    } else if (o.multivariate) {
      std::fill(dim.sigmas.begin(), dim.sigmas.end(), sigma0 * range);
    } else {
      // Distance to the farther neighbour among the sorted centres and the two bounds.
      std::vector<size_t> order;
      order.reserve(nk);
      if (sorted && sorted->size() == n) {
        // The caller's order of the observations; the prior's centre merged in after its ties.
        bool placed = !prior;
        for (size_t k : *sorted) {
          if (!placed && dim.mus[k] > dim.mus[n]) {
            order.push_back(n);
            placed = true;
          }
          order.push_back(k);
        }
        if (!placed) order.push_back(n);
      } else {
        std::vector<std::pair<double, size_t>> by_mu(nk);
        for (size_t k = 0; k < nk; ++k) by_mu[k] = {dim.mus[k], k};
        std::sort(by_mu.begin(), by_mu.end());  // ties by index: numpy's stable argsort order
        for (size_t k = 0; k < nk; ++k) order.push_back(by_mu[k].second);
      }
      std::vector<double> e(nk + 2);
      e[0] = dim.low;
      for (size_t k = 0; k < nk; ++k) e[k + 1] = dim.mus[order[k]];
      e[nk + 1] = dim.high;
      std::vector<double> s(nk);
      for (size_t k = 0; k < nk; ++k) s[k] = std::max(e[k + 1] - e[k], e[k + 2] - e[k + 1]);
      if (!o.consider_endpoints && e.size() >= 4) {
        s[0] = e[2] - e[1];
        s[nk - 1] = e[nk] - e[nk - 1];
      }
      for (size_t k = 0; k < nk; ++k) dim.sigmas[order[k]] = s[k];
      if (fast_) fast_order = std::move(order);
    }
    const double maxsigma = range;
    const double minsigma = o.consider_magic_clip ? range / std::min(100.0, 1.0 + static_cast<double>(nk)) : kEps;
    for (double& s : dim.sigmas) s = std::clamp(s, minsigma, maxsigma);
    if (prior) dim.sigmas[n] = range;
    if (fast_) {
      BuildWindowed(dim, fast_order, n);
      continue;
    }
    // A discrete dimension whose observation kernels share one bandwidth (multivariate): the
    // kernels sit on the value grid, so per-kernel quantities are computed once per grid value.
    if (dim.q > 0 && o.multivariate && n > 0) BuildGrid(dim, n);
    dim.log_norm.resize(nk);
    for (size_t k = 0; k < nk; ++k) {
      if (!dim.grid_of.empty() && k < n && k != dim.grid_first[dim.grid_of[k]]) {
        dim.log_norm[k] = dim.log_norm[dim.grid_first[dim.grid_of[k]]];
        continue;
      }
      double a = (dim.low - dim.mus[k]) / dim.sigmas[k], b = (dim.high - dim.mus[k]) / dim.sigmas[k];
      // Both bounds beyond 9 sigma: the mass is 1 - O(1e-19), log 0 to double precision.
      dim.log_norm[k] = (a < -kFar && b > kFar) ? 0.0 : LogGaussMass(a, b);
    }
    dim.inv_sigmas.resize(nk);
    dim.log_const.resize(nk);
    double last_sigma = -1, last_log = 0;  // clipped sigmas repeat: reuse their log
    for (size_t k = 0; k < nk; ++k) {
      dim.inv_sigmas[k] = 1.0 / dim.sigmas[k];
      double log_sigma = 0;
      if (dim.q == 0) {
        if (dim.sigmas[k] != last_sigma) {
          last_sigma = dim.sigmas[k];
          last_log = std::log(last_sigma);
        }
        log_sigma = (o.optuna31_kernels ? 0.0 : last_log) + kLogSqrt2Pi;
      }
      dim.log_const[k] = log_weights_[k] - dim.log_norm[k] - log_sigma;
    }
  }
}

void ParzenEstimator::BuildGrid(Dim& dim, size_t n) {
  const double sigma = dim.sigmas[0];
  const double first = dim.low + 0.5 * dim.q;
  const double cells = std::round((dim.high - dim.low) / dim.q);
  std::vector<int32_t> slot(static_cast<size_t>(std::min(cells, 1e6)), -1);
  if (cells > 1e6) return;
  std::vector<uint32_t> grid_of(n);
  for (size_t k = 0; k < n; ++k) {
    const double j = std::round((dim.mus[k] - first) / dim.q);
    // Off the grid (or another bandwidth): no sharing, the general path handles it.
    if (dim.sigmas[k] != sigma || j < 0 || j >= cells || std::fabs(first + j * dim.q - dim.mus[k]) > 1e-9 * dim.q) return;
    int32_t& g = slot[static_cast<size_t>(j)];
    if (g < 0) {
      g = static_cast<int32_t>(dim.grid_first.size());
      dim.grid_first.push_back(k);
    }
    grid_of[k] = static_cast<uint32_t>(g);
  }
  if (dim.grid_first.size() * 2 > n) {  // too few repeats to be worth it
    dim.grid_first.clear();
    return;
  }
  dim.grid_of = std::move(grid_of);
}

double ParzenEstimator::ToTransformed(size_t d, double v) const {
  return d_[d].log ? std::log(v) : v;
}

double ParzenEstimator::ToInternal(size_t d, double t) const {
  if (d_[d].categorical) return t;
  return space_->Snap(params_[d], d_[d].log ? std::exp(t) : t);
}

std::vector<double> ParzenEstimator::Sample(Rng& rng, size_t count) const {
  const size_t nd = params_.size();
  std::vector<double> out(count * nd);
  for (size_t s = 0; s < count; ++s) {
    double u = rng.Uniform();
    size_t k = static_cast<size_t>(std::upper_bound(cum_weights_.begin(), cum_weights_.end(), u) - cum_weights_.begin());
    k = std::min(k, cum_weights_.size() - 1);
    for (size_t d = 0; d < nd; ++d) {
      const Dim& dim = d_[d];
      double v;
      if (dim.categorical) {
        double r = rng.Uniform(), acc = 0;
        const double* row = &dim.cat_weights[k * dim.n_choices];
        size_t j = 0;
        for (; j + 1 < dim.n_choices; ++j) {
          acc += row[j];
          if (r < acc) break;
        }
        v = static_cast<double>(j);
      } else {
        // Rejection from the untruncated Gaussian: a centre lies inside [low, high] and its
        // sigma is at most the range, so at least ~19% of draws are accepted.
        v = NAN;
        for (int attempt = 0; attempt < 1000; ++attempt) {
          double x = dim.mus[k] + dim.sigmas[k] * rng.Normal();
          if (x >= dim.low && x <= dim.high) {
            v = x;
            break;
          }
        }
        if (std::isnan(v)) v = std::clamp(dim.mus[k], dim.low, dim.high);
        v = ToTransformed(d, ToInternal(d, v));
      }
      out[s * nd + d] = v;
    }
  }
  return out;
}

// Kernel of one group at x: the Gaussian's exp(-z^2 / 2) for a continuous dimension, the mass
// of the bin [lb, ub] for a discrete one (0 for a bin beyond kFar sigmas, see below).
void ParzenEstimator::BuildWindowed(Dim& dim, const std::vector<size_t>& order, size_t prior) {
  // Observation kernels in ascending order of centre; neighbours with the same centre and
  // bandwidth (repeated values of a discrete parameter) are one kernel with their summed weight.
  // Coefficients are linear: w / Z (times 1 / (sigma sqrt(2 pi)) when continuous).
  auto coef = [&](double mu, double sigma, double w) {
    const double a = (dim.low - mu) / sigma, b = (dim.high - mu) / sigma;
    // Both bounds beyond kFar sigmas: Z = 1 - O(1e-19), 1 to double precision.
    const double z = (a < -kFar && b > kFar) ? 1.0 : std::exp(LogGaussMass(a, b));
    return dim.q == 0 ? w / (z * (unit_sigma_ ? 1.0 : sigma) * kSqrt2Pi) : w / z;
  };
  dim.g_mu.clear();
  dim.g_sigma.clear();
  dim.g_coef.clear();
  for (size_t k : order) {
    if (k == prior) continue;  // the prior kernel is always summed
    const double mu = dim.mus[k], sigma = dim.sigmas[k];
    if (!dim.g_mu.empty() && dim.g_mu.back() == mu && dim.g_sigma.back() == sigma) {
      dim.g_coef.back() += weights_[k];
    } else {
      dim.g_mu.push_back(mu);
      dim.g_sigma.push_back(sigma);
      dim.g_coef.push_back(weights_[k]);
    }
  }
  dim.max_sigma = 0;
  dim.g_inv_sigma.resize(dim.g_mu.size());
  for (size_t g = 0; g < dim.g_mu.size(); ++g) {
    dim.max_sigma = std::max(dim.max_sigma, dim.g_sigma[g]);
    dim.g_inv_sigma[g] = 1.0 / dim.g_sigma[g];
    dim.g_coef[g] = coef(dim.g_mu[g], dim.g_sigma[g], dim.g_coef[g]);
  }
  dim.prior_mu = dim.mus[prior];
  dim.prior_inv_sigma = 1.0 / dim.sigmas[prior];
  dim.prior_coef = coef(dim.prior_mu, dim.sigmas[prior], weights_[prior]);
}

// Why dropping far kernels is exact enough: with the magic clip every observation kernel has
// sigma >= range / 100 and weight <= the prior's, so its peak density w_k / sigma_k is at most
// 100x the prior kernel's, whose centre is the middle of the box and sigma the range (its term
// is within e^-0.5 of its peak everywhere in the box, and the prior is always summed). A kernel
// more than 9 sigma_max >= 9 sigma_k away contributes below e^-40.5 of its peak, so each dropped
// term is below e^-35 of the sum, and all of them together change the log density by < 1e-12.
// The same holds for the mass of a discrete bin more than 9 sigma_k from a kernel's centre.
// All terms are positive and the prior's is never negligible, so the sum is formed in the
// linear domain and its logarithm taken once per sample.
std::vector<double> ParzenEstimator::LogPdfWindowed(const std::vector<double>& samples) const {
  const Dim& dim = d_[0];
  const double* mu = dim.g_mu.data();
  const double* is = dim.g_inv_sigma.data();
  const double* cf = dim.g_coef.data();
  const size_t n_groups = dim.g_mu.size();
  std::vector<double> out(samples.size());
  const double reach = kFar * dim.max_sigma;
  for (size_t s = 0; s < samples.size(); ++s) {
    const double x = samples[s];
    const double ub = dim.q > 0 ? std::min(x + 0.5 * dim.q, dim.high) : x;
    const double lb = dim.q > 0 ? std::max(x - 0.5 * dim.q, dim.low) : x;
    const size_t first = static_cast<size_t>(std::lower_bound(mu, mu + n_groups, lb - reach) - mu);
    const size_t last = static_cast<size_t>(std::upper_bound(mu, mu + n_groups, ub + reach) - mu);
    double sum = 0;
    if (dim.q == 0) {
      const double zp = (x - dim.prior_mu) * dim.prior_inv_sigma;
      sum = dim.prior_coef * ExpNonPositive(-0.5 * zp * zp);
      // Four independent accumulators: the loop is bound by the polynomial of ExpNonPositive.
      double acc[4] = {0, 0, 0, 0};
      size_t j = first;
      for (; j + 4 <= last; j += 4) {
        for (size_t u = 0; u < 4; ++u) {
          const double z = (x - mu[j + u]) * is[j + u];
          acc[u] += cf[j + u] * ExpNonPositive(-0.5 * z * z);
        }
      }
      for (; j < last; ++j) {
        const double z = (x - mu[j]) * is[j];
        acc[0] += cf[j] * ExpNonPositive(-0.5 * z * z);
      }
      sum += (acc[0] + acc[1]) + (acc[2] + acc[3]);
    } else {
      sum = dim.prior_coef * MassNear((lb - dim.prior_mu) * dim.prior_inv_sigma, (ub - dim.prior_mu) * dim.prior_inv_sigma);
      for (size_t j = first; j < last; ++j) {
        const double a = (lb - mu[j]) * is[j], b = (ub - mu[j]) * is[j];
        if (a > kFar || b < -kFar) continue;
        sum += cf[j] * MassNear(a, b);
      }
    }
    out[s] = sum > 0 ? std::log(sum) : -INFINITY;
  }
  return out;
}

std::vector<double> ParzenEstimator::LogPdf(const std::vector<double>& samples) const {
  if (fast_ && d_[0].categorical) {
    std::vector<double> out(samples.size());
    for (size_t s = 0; s < samples.size(); ++s) out[s] = d_[0].cat_mixture[static_cast<size_t>(samples[s])];
    return out;
  }
  if (params_.size() == 1) {
    // One dimension: candidates of discrete parameters repeat, so evaluate each value once.
    std::vector<double> distinct(samples);
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (distinct.size() < samples.size()) {
      std::vector<double> d = LogPdfAll(distinct);
      std::vector<double> out(samples.size());
      for (size_t s = 0; s < samples.size(); ++s) {
        out[s] = d[static_cast<size_t>(std::lower_bound(distinct.begin(), distinct.end(), samples[s]) - distinct.begin())];
      }
      return out;
    }
  }
  return LogPdfAll(samples);
}

std::vector<double> ParzenEstimator::LogPdfAll(const std::vector<double>& samples) const {
  if (fast_) return LogPdfWindowed(samples);
  const size_t nd = params_.size();
  const size_t count = nd == 0 ? 0 : samples.size() / nd;
  const size_t nk = weights_.size();
  std::vector<double> out(count);
  std::vector<double> acc(nk);
  std::vector<double> grid_mass;
  // Per-component constants: mixture weight, and for continuous dimensions -log(sigma) - log Z
  // - log sqrt(2 pi); discrete dimensions only normalize by Z.
  std::vector<double> base(log_weights_);
  for (const Dim& dim : d_) {
    if (dim.categorical) continue;
    for (size_t k = 0; k < nk; ++k) base[k] += dim.log_const[k] - log_weights_[k];
  }
  for (size_t s = 0; s < count; ++s) {
    std::copy(base.begin(), base.end(), acc.begin());
    for (size_t d = 0; d < nd; ++d) {
      const Dim& dim = d_[d];
      const double x = samples[s * nd + d];
      if (dim.categorical) {
        const size_t c = static_cast<size_t>(x);
        const size_t nc = dim.n_choices;
        for (size_t k = 0; k < nk; ++k) acc[k] += dim.cat_log_weights[k * nc + c];
      } else if (dim.q == 0) {
        const double* mu = dim.mus.data();
        const double* is = d_[d].inv_sigmas.data();
        for (size_t k = 0; k < nk; ++k) {
          double z = (x - mu[k]) * is[k];
          acc[k] -= 0.5 * z * z;
        }
      } else {
        const double ub = std::min(x + 0.5 * dim.q, dim.high), lb = std::max(x - 0.5 * dim.q, dim.low);
        const double* mu = dim.mus.data();
        const double* is = d_[d].inv_sigmas.data();
        size_t k = 0;
        if (!dim.grid_of.empty()) {
          // One bin mass per grid value of the observation kernels, then the prior's below.
          grid_mass.resize(dim.grid_first.size());
          for (size_t g = 0; g < grid_mass.size(); ++g) {
            const size_t r = dim.grid_first[g];
            const double a = (lb - mu[r]) * is[r], b = (ub - mu[r]) * is[r];
            grid_mass[g] = a > kFar ? LogTail(a) : b < -kFar ? LogTail(-b) : LogMassNear(a, b);
          }
          const size_t n_obs = dim.grid_of.size();
          for (; k < n_obs; ++k) acc[k] += grid_mass[dim.grid_of[k]];
        }
        for (; k < nk; ++k) {
          const double a = (lb - mu[k]) * is[k], b = (ub - mu[k]) * is[k];
          if (a > kFar) {
            acc[k] += LogTail(a);
          } else if (b < -kFar) {
            acc[k] += LogTail(-b);
          } else {
            acc[k] += LogMassNear(a, b);
          }
        }
      }
    }
    double mx = -INFINITY;
    for (size_t k = 0; k < nk; ++k) mx = std::max(mx, acc[k]);
    if (!std::isfinite(mx)) {
      out[s] = mx;
      continue;
    }
    double sum = 0;
    for (size_t k = 0; k < nk; ++k) sum += ExpNonPositive(acc[k] - mx);
    out[s] = std::log(sum) + mx;
  }
  return out;
}

}  // namespace moebius::tuning
