#include "tuning/parzen_estimator.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moebius::tuning {
namespace {

constexpr double kEps = 1e-12;
constexpr double kSigma0Magnitude = 0.2;
constexpr double kLogSqrt2Pi = 0.91893853320467274178;  // log(sqrt(2 pi))
constexpr double kSqrt1_2 = 0.70710678118654752440;

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
                                 const std::vector<double>& obs, const ParzenOptions& o)
    : space_(&space), params_(std::move(params)) {
  const size_t nd = params_.size();
  const size_t n = nd == 0 ? 0 : obs.size() / nd;
  const bool prior = o.consider_prior || n == 0;
  const size_t nk = n + (prior ? 1 : 0);

  // Mixture weights.
  std::vector<double> w = DefaultWeights(n);
  weights_.assign(w.begin(), w.end());
  if (prior) weights_.push_back(o.prior_weight);
  double sum = std::accumulate(weights_.begin(), weights_.end(), 0.0);
  cum_weights_.resize(nk);
  log_weights_.resize(nk);
  double c = 0;
  for (size_t k = 0; k < nk; ++k) {
    weights_[k] /= sum;
    c += weights_[k];
    cum_weights_[k] = c;
    log_weights_[k] = std::log(weights_[k]);
  }

  // Scott's rule for the multivariate bandwidth, as a fraction of the range.
  const double sigma0 = kSigma0Magnitude * std::pow(static_cast<double>(std::max<size_t>(n, 1)), -1.0 / (static_cast<double>(nd) + 4));

  d_.resize(nd);
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
      dim.cat_log_weights.resize(nk * nc);
      for (size_t k = 0; k < nk; ++k) {
        double s = 0;
        for (size_t j = 0; j < nc; ++j) s += dim.cat_weights[k * nc + j];
        for (size_t j = 0; j < nc; ++j) {
          dim.cat_weights[k * nc + j] /= s;
          dim.cat_log_weights[k * nc + j] = std::log(dim.cat_weights[k * nc + j]);
        }
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
    if (o.multivariate) {
      std::fill(dim.sigmas.begin(), dim.sigmas.end(), sigma0 * range);
    } else {
      // Distance to the farther neighbour among the sorted centres and the two bounds.
      std::vector<size_t> order(nk);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return dim.mus[a] < dim.mus[b]; });
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
    }
    const double maxsigma = range;
    const double minsigma = o.consider_magic_clip ? range / std::min(100.0, 1.0 + static_cast<double>(nk)) : kEps;
    for (double& s : dim.sigmas) s = std::clamp(s, minsigma, maxsigma);
    if (prior) dim.sigmas[n] = range;
    dim.log_norm.resize(nk);
    for (size_t k = 0; k < nk; ++k) {
      dim.log_norm[k] = LogGaussMass((dim.low - dim.mus[k]) / dim.sigmas[k], (dim.high - dim.mus[k]) / dim.sigmas[k]);
    }
  }
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

std::vector<double> ParzenEstimator::LogPdf(const std::vector<double>& samples) const {
  const size_t nd = params_.size();
  const size_t count = nd == 0 ? 0 : samples.size() / nd;
  const size_t nk = weights_.size();
  std::vector<double> out(count);
  std::vector<double> acc(nk);
  // Per-component constants: mixture weight, and for continuous dimensions -log(sigma) - log Z
  // - log sqrt(2 pi); discrete dimensions only normalize by Z.
  std::vector<double> base(log_weights_);
  for (const Dim& dim : d_) {
    if (dim.categorical) continue;
    for (size_t k = 0; k < nk; ++k) {
      base[k] -= dim.log_norm[k];
      if (dim.q == 0) base[k] -= std::log(dim.sigmas[k]) + kLogSqrt2Pi;
    }
  }
  std::vector<std::vector<double>> inv_sigma(nd);
  for (size_t d = 0; d < nd; ++d) {
    if (d_[d].categorical) continue;
    inv_sigma[d].resize(nk);
    for (size_t k = 0; k < nk; ++k) inv_sigma[d][k] = 1.0 / d_[d].sigmas[k];
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
        const double* is = inv_sigma[d].data();
        for (size_t k = 0; k < nk; ++k) {
          double z = (x - mu[k]) * is[k];
          acc[k] -= 0.5 * z * z;
        }
      } else {
        const double ub = std::min(x + 0.5 * dim.q, dim.high), lb = std::max(x - 0.5 * dim.q, dim.low);
        for (size_t k = 0; k < nk; ++k) {
          acc[k] += LogGaussMass((lb - dim.mus[k]) * inv_sigma[d][k], (ub - dim.mus[k]) * inv_sigma[d][k]);
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
    for (size_t k = 0; k < nk; ++k) sum += std::exp(acc[k] - mx);
    out[s] = std::log(sum) + mx;
  }
  return out;
}

}  // namespace moebius::tuning
