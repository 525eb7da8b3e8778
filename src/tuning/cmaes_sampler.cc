// CMA-ES sampler after Optuna 3.1's CmaEsSampler with the `cmaes` package's CMA and SepCMA
// (Hansen's "The CMA Evolution Strategy: A Tutorial", with active covariance update): numeric,
// unconditional parameters are optimized in a transformed box (log for log parameters,
// widened by half a step for ints and stepped floats, rounded back); categorical and conditional
// parameters are drawn at random, as Optuna does. The first n_startup_trials are random, then
// the search starts at the centre of the box with sigma0 = min(range) / 6. Each ask draws a
// fresh candidate of the current generation (so parallel asks differ); once `popsize` trials of
// a generation are complete, the distribution is updated; late trials of an old generation are
// ignored. With `ipop`, a stagnating run restarts at a random point with a doubled population.
//
// tpe_cmaes (n_tpe_trials > 0, ours): multivariate TPE with Scott's bandwidths proposes the first
// n_tpe_trials trials; then CMA-ES starts from a Gaussian fitted to the best of them
// (StartFromTrials, after WS-CMA-ES, Nomura et al., AAAI 2021) and TPE keeps proposing the
// categorical and conditional parameters. TPE finds the basin early, CMA-ES converges in it.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "tuning/rng.h"
#include "tuning/sampler.h"

namespace moebius::tuning {
namespace {

constexpr double kEps = 1e-8;

// Eigen-decomposition of a symmetric n x n matrix (row-major) by cyclic Jacobi rotations.
// On return `a` holds nothing useful, `w` the eigenvalues and `v` the eigenvectors as columns.
void SymmetricEigen(std::vector<double> a, size_t n, std::vector<double>& w, std::vector<double>& v) {
  v.assign(n * n, 0);
  for (size_t i = 0; i < n; ++i) v[i * n + i] = 1;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (size_t p = 0; p < n; ++p)
      for (size_t q = p + 1; q < n; ++q) off += a[p * n + q] * a[p * n + q];
    if (off < 1e-30) break;
    for (size_t p = 0; p < n; ++p) {
      for (size_t q = p + 1; q < n; ++q) {
        double apq = a[p * n + q];
        if (std::fabs(apq) < 1e-300) continue;
        double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        double t = (theta >= 0 ? 1 : -1) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (size_t k = 0; k < n; ++k) {
          double akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (size_t k = 0; k < n; ++k) {
          double apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (size_t k = 0; k < n; ++k) {
          double vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  w.resize(n);
  for (size_t i = 0; i < n; ++i) w[i] = a[i * n + i];
}

// One CMA-ES run: the distribution N(mean, sigma^2 C) and its evolution paths.
class Cma {
 public:
  Cma(std::vector<double> mean, double sigma, std::vector<double> lo, std::vector<double> hi, int popsize, bool sep,
      const std::vector<double>* cov0 = nullptr)
      : n_(mean.size()), sep_(sep), mean_(std::move(mean)), sigma_(sigma), lo_(std::move(lo)), hi_(std::move(hi)) {
    const double n = static_cast<double>(n_);
    lambda_ = popsize > 0 ? popsize : 4 + static_cast<int>(std::floor(3 * std::log(n)));
    mu_ = lambda_ / 2;
    std::vector<double> wp(static_cast<size_t>(lambda_));
    for (int i = 0; i < lambda_; ++i) wp[static_cast<size_t>(i)] = std::log((lambda_ + 1) / 2.0) - std::log(i + 1.0);
    auto sq = [](double x) { return x * x; };
    if (sep_) {
      wp.resize(static_cast<size_t>(mu_));
      double s = std::accumulate(wp.begin(), wp.end(), 0.0);
      for (double& x : wp) x /= s;
      double s2 = 0;
      for (double x : wp) s2 += x * x;
      mu_eff_ = 1 / s2;
      weights_ = wp;
      c1_ = 2 / (sq(n + 1.3) + mu_eff_);
      double cmu_full = 2 / mu_eff_ / sq(n + std::sqrt(2.0)) +
                        (1 - 1 / mu_eff_) * std::min(1.0, (2 * mu_eff_ - 1) / (sq(n + 2) + mu_eff_));
      cmu_ = (n + 2) / 3 * cmu_full;
      c_sigma_ = (mu_eff_ + 2) / (n + mu_eff_ + 3);
      cc_ = 4 / (n + 4);
    } else {
      double sp = 0, sp2 = 0, sm = 0, sm2 = 0;
      for (int i = 0; i < lambda_; ++i) {
        double x = wp[static_cast<size_t>(i)];
        if (i < mu_) { sp += x; sp2 += x * x; } else { sm += x; sm2 += x * x; }
      }
      mu_eff_ = sp * sp / sp2;
      double mu_eff_minus = sm2 > 0 ? sm * sm / sm2 : 0;
      c1_ = 2 / (sq(n + 1.3) + mu_eff_);
      cmu_ = std::min(1 - c1_ - 1e-8, 2 * (mu_eff_ - 2 + 1 / mu_eff_) / (sq(n + 2) + 2 * mu_eff_ / 2));
      double min_alpha = std::min({1 + c1_ / cmu_, 1 + 2 * mu_eff_minus / (mu_eff_ + 2), (1 - c1_ - cmu_) / (n * cmu_)});
      double pos = 0, neg = 0;
      for (double x : wp) (x > 0 ? pos : neg) += std::fabs(x);
      weights_.resize(wp.size());
      for (size_t i = 0; i < wp.size(); ++i) weights_[i] = wp[i] >= 0 ? wp[i] / pos : min_alpha / neg * wp[i];
      c_sigma_ = (mu_eff_ + 2) / (n + mu_eff_ + 5);
      cc_ = (4 + mu_eff_ / n) / (n + 4 + 2 * mu_eff_ / n);
    }
    d_sigma_ = 1 + 2 * std::max(0.0, std::sqrt((mu_eff_ - 1) / (n + 1)) - 1) + c_sigma_;
    chi_n_ = std::sqrt(n) * (1.0 - 1.0 / (4.0 * n) + 1.0 / (21.0 * n * n));
    ps_.assign(n_, 0);
    pc_.assign(n_, 0);
    c_.assign(sep_ ? n_ : n_ * n_, 0);
    for (size_t i = 0; i < n_; ++i) c_[sep_ ? i : i * n_ + i] = 1;
    if (cov0 && cov0->size() == c_.size()) c_ = *cov0;
    tolx_ = 1e-12 * sigma;
    funhist_term_ = 10 + static_cast<int>(std::ceil(30 * n / lambda_));
    funhist_.assign(static_cast<size_t>(funhist_term_) * 2, 0);
  }

  int popsize() const { return lambda_; }
  int generation() const { return g_; }

  std::vector<double> Ask(Rng& rng) {
    Decompose();
    std::vector<double> x(n_);
    for (int attempt = 0; attempt <= 100; ++attempt) {
      std::vector<double> z(n_);
      for (double& v : z) v = rng.Normal() ;
      for (size_t i = 0; i < n_; ++i) {
        double y = 0;
        if (sep_) {
          y = d_[i] * z[i];
        } else {
          for (size_t j = 0; j < n_; ++j) y += b_[i * n_ + j] * d_[j] * z[j];
        }
        x[i] = mean_[i] + sigma_ * y;
      }
      bool inside = true;
      for (size_t i = 0; i < n_; ++i) inside = inside && x[i] >= lo_[i] && x[i] <= hi_[i];
      if (inside) return x;
    }
    for (size_t i = 0; i < n_; ++i) x[i] = std::clamp(x[i], lo_[i], hi_[i]);
    return x;
  }

  // `solutions`: exactly popsize (x, loss) pairs.
  void Tell(std::vector<std::pair<std::vector<double>, double>> sol) {
    ++g_;
    std::stable_sort(sol.begin(), sol.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    size_t fi = 2 * static_cast<size_t>(g_ % funhist_term_);
    funhist_[fi] = sol.front().second;
    funhist_[fi + 1] = sol.back().second;
    Decompose();
    const size_t lam = sol.size();
    std::vector<std::vector<double>> y(lam, std::vector<double>(n_));
    for (size_t k = 0; k < lam; ++k)
      for (size_t i = 0; i < n_; ++i) y[k][i] = (sol[k].first[i] - mean_[i]) / sigma_;
    std::vector<double> yw(n_, 0);
    for (size_t k = 0; k < static_cast<size_t>(mu_); ++k)
      for (size_t i = 0; i < n_; ++i) yw[i] += weights_[k] * y[k][i];
    for (size_t i = 0; i < n_; ++i) mean_[i] += sigma_ * yw[i];
    // C^(-1/2) y
    auto inv_sqrt = [&](const std::vector<double>& v) {
      std::vector<double> out(n_, 0);
      if (sep_) {
        for (size_t i = 0; i < n_; ++i) out[i] = v[i] / d_[i];
        return out;
      }
      std::vector<double> t(n_, 0);
      for (size_t j = 0; j < n_; ++j) {
        for (size_t i = 0; i < n_; ++i) t[j] += b_[i * n_ + j] * v[i];
        t[j] /= d_[j];
      }
      for (size_t i = 0; i < n_; ++i)
        for (size_t j = 0; j < n_; ++j) out[i] += b_[i * n_ + j] * t[j];
      return out;
    };
    std::vector<double> cy = inv_sqrt(yw);
    const double ksig = std::sqrt(c_sigma_ * (2 - c_sigma_) * mu_eff_);
    double norm_ps = 0;
    for (size_t i = 0; i < n_; ++i) {
      ps_[i] = (1 - c_sigma_) * ps_[i] + ksig * cy[i];
      norm_ps += ps_[i] * ps_[i];
    }
    norm_ps = std::sqrt(norm_ps);
    sigma_ *= std::exp((c_sigma_ / d_sigma_) * (norm_ps / chi_n_ - 1));
    sigma_ = std::min(sigma_, 1e32);
    double left = norm_ps / std::sqrt(1 - std::pow(1 - c_sigma_, 2.0 * (g_ + 1)));
    double right = (1.4 + 2.0 / (static_cast<double>(n_) + 1)) * chi_n_;
    double h_sigma = left < right ? 1.0 : 0.0;
    const double kc = std::sqrt(cc_ * (2 - cc_) * mu_eff_);
    for (size_t i = 0; i < n_; ++i) pc_[i] = (1 - cc_) * pc_[i] + h_sigma * kc * yw[i];
    double delta_h = (1 - h_sigma) * cc_ * (2 - cc_);
    double wsum = std::accumulate(weights_.begin(), weights_.end(), 0.0);
    double decay = 1 + c1_ * delta_h - c1_ - cmu_ * wsum;
    if (sep_) {
      for (size_t i = 0; i < n_; ++i) {
        double rank_mu = 0;
        for (size_t k = 0; k < weights_.size(); ++k) rank_mu += weights_[k] * y[k][i] * y[k][i];
        c_[i] = decay * c_[i] + c1_ * pc_[i] * pc_[i] + cmu_ * rank_mu;
      }
    } else {
      std::vector<double> wio(lam);
      for (size_t k = 0; k < lam; ++k) {
        if (weights_[k] >= 0) {
          wio[k] = weights_[k];
        } else {
          std::vector<double> t = inv_sqrt(y[k]);
          double nn = 0;
          for (double v : t) nn += v * v;
          wio[k] = weights_[k] * static_cast<double>(n_) / (nn + kEps);
        }
      }
      for (size_t i = 0; i < n_; ++i) {
        for (size_t j = 0; j < n_; ++j) {
          double rank_mu = 0;
          for (size_t k = 0; k < lam; ++k) rank_mu += wio[k] * y[k][i] * y[k][j];
          c_[i * n_ + j] = decay * c_[i * n_ + j] + c1_ * pc_[i] * pc_[j] + cmu_ * rank_mu;
        }
      }
    }
    decomposed_ = false;
  }

  bool ShouldStop() {
    Decompose();
    if (g_ > funhist_term_) {
      auto [mn, mx] = std::minmax_element(funhist_.begin(), funhist_.end());
      if (*mx - *mn < 1e-12) return true;
    }
    bool small = true;
    double dmax = 0, dmin = INFINITY;
    for (size_t i = 0; i < n_; ++i) {
      double dc = sep_ ? c_[i] : c_[i * n_ + i];
      small = small && sigma_ * dc < tolx_ && sigma_ * pc_[i] < tolx_;
      dmax = std::max(dmax, d_[i]);
      dmin = std::min(dmin, d_[i]);
      if (mean_[i] == mean_[i] + 0.2 * sigma_ * std::sqrt(dc)) return true;
    }
    if (small) return true;
    if (sigma_ * dmax > 1e4) return true;
    if (!sep_) {
      size_t a = static_cast<size_t>(g_) % n_;
      bool no_effect = true;
      for (size_t i = 0; i < n_; ++i) no_effect = no_effect && mean_[i] == mean_[i] + 0.1 * sigma_ * d_[a] * b_[i * n_ + a];
      if (no_effect) return true;
    }
    return dmax / dmin > 1e14;
  }

 private:
  void Decompose() {
    if (decomposed_) return;
    d_.resize(n_);
    if (sep_) {
      for (size_t i = 0; i < n_; ++i) d_[i] = std::sqrt(c_[i] < 0 ? kEps : c_[i]);
    } else {
      for (size_t i = 0; i < n_; ++i)
        for (size_t j = i + 1; j < n_; ++j) c_[i * n_ + j] = c_[j * n_ + i] = 0.5 * (c_[i * n_ + j] + c_[j * n_ + i]);
      std::vector<double> w;
      SymmetricEigen(c_, n_, w, b_);
      for (size_t i = 0; i < n_; ++i) d_[i] = std::sqrt(w[i] < 0 ? kEps : w[i]);
      for (size_t i = 0; i < n_; ++i)
        for (size_t j = 0; j < n_; ++j) {
          double s = 0;
          for (size_t k = 0; k < n_; ++k) s += b_[i * n_ + k] * d_[k] * d_[k] * b_[j * n_ + k];
          c_[i * n_ + j] = s;
        }
    }
    decomposed_ = true;
  }

  size_t n_;
  bool sep_;
  std::vector<double> mean_;
  double sigma_;
  std::vector<double> lo_, hi_;
  int lambda_, mu_;
  double mu_eff_, c1_, cmu_, c_sigma_, d_sigma_, cc_, chi_n_;
  std::vector<double> weights_;
  std::vector<double> ps_, pc_, c_, b_, d_;
  bool decomposed_ = false;
  int g_ = 0;
  double tolx_;
  int funhist_term_;
  std::vector<double> funhist_;
};

class CmaEsSampler final : public Sampler {
 public:
  explicit CmaEsSampler(const CmaEsOptions& o) : o_(o), rng_(o.seed), random_rng_(o.seed ^ 0x2545f4914f6cdd1dULL) {
    if (o_.n_tpe_trials > 0) {
      TpeOptions t;
      t.seed = o.seed;
      t.multivariate = true;
      t.scott_bandwidth = true;
      tpe_ = NewTpeSampler(t);
    }
  }

  std::string name() const override { return tpe_ ? "tpe_cmaes" : "cmaes"; }

  Result<Params> Sample(const SearchSpace& space, Direction direction, std::span<const Trial> trials,
                        int64_t number) override {
    Params out(space.size(), kInactive);
    size_t complete = 0;
    for (const Trial& t : trials) complete += t.state == TrialState::kComplete && !t.values.empty();
    if (!init_done_) {
      for (size_t i = 0; i < space.size(); ++i) {
        const ParamSpec& p = space.param(i);
        if (p.kind != ParamKind::kCategorical && p.parent_index < 0 && space.Cardinality(i) != 1) dims_.push_back(i);
      }
      init_done_ = true;
    }
    // tpe_cmaes: TPE until n_tpe_trials are complete (for good where no dimension is numeric);
    // afterwards TPE still chooses the parameters CMA-ES does not cover.
    if (tpe_ && (!cma_ && (dims_.empty() || complete < static_cast<size_t>(o_.n_tpe_trials)))) {
      return tpe_->Sample(space, direction, trials, number);
    }
    if (tpe_ && dims_.size() < space.size()) {
      ASSIGN_OR_RETURN(out, tpe_->Sample(space, direction, trials, number));
    }
    if (!dims_.empty() && complete >= static_cast<size_t>(o_.n_startup_trials)) {
      if (!cma_ && tpe_) {
        StartFromTrials(space, direction, trials);
      } else if (!cma_) {
        Start(space, direction, trials, false, o_.popsize);
      }
      Update(space, direction, trials);
      std::vector<double> x = cma_->Ask(rng_);
      tags_[number] = {restarts_, cma_->generation()};
      for (size_t d = 0; d < dims_.size(); ++d) out[dims_[d]] = Untransform(space, d, x[d]);
    }
    for (size_t i = 0; i < space.size(); ++i) {
      if (IsSet(out[i])) continue;
      if (space.IsActive(i, out)) out[i] = SampleUniform(space, i, random_rng_);
    }
    return out;
  }

 private:
  void Bounds(const SearchSpace& space, size_t d, double& lo, double& hi) const {
    const ParamSpec& p = space.param(dims_[d]);
    if (p.log) {
      lo = std::log(p.kind == ParamKind::kInt ? p.low - 0.5 : p.low);
      hi = std::log(p.kind == ParamKind::kInt ? p.high + 0.5 : p.high);
    } else if (p.step > 0) {
      lo = p.low - 0.5 * p.step;
      hi = p.high + 0.5 * p.step;
    } else {
      lo = p.low;
      hi = p.high;
    }
  }
  double Transform(const SearchSpace& space, size_t d, double v) const {
    return space.param(dims_[d]).log ? std::log(v) : v;
  }
  double Untransform(const SearchSpace& space, size_t d, double t) const {
    return space.Snap(dims_[d], space.param(dims_[d]).log ? std::exp(t) : t);
  }

  void Start(const SearchSpace& space, Direction direction, std::span<const Trial> trials, bool random_start, int popsize) {
    const size_t n = dims_.size();
    std::vector<double> lo(n), hi(n), mean(n);
    double sigma0 = INFINITY;
    for (size_t d = 0; d < n; ++d) {
      Bounds(space, d, lo[d], hi[d]);
      mean[d] = random_start ? rng_.Uniform(lo[d], hi[d]) : 0.5 * (lo[d] + hi[d]);
      sigma0 = std::min(sigma0, (hi[d] - lo[d]) / 6);
    }
    if (o_.sigma0 > 0) sigma0 = o_.sigma0;
    // Warm start: when the study already holds at least a population of complete trials that
    // this sampler did not propose (an earlier study's), start from the best of them.
    if (!random_start) {
      const Trial* best = nullptr;
      size_t count = 0;
      for (const Trial& t : trials) {
        if (t.state != TrialState::kComplete || t.values.empty() || t.params.size() != space.size()) continue;
        ++count;
        if (!best || Better(direction, t.values[0], best->values[0])) best = &t;
      }
      int lam = popsize > 0 ? popsize : 4 + static_cast<int>(std::floor(3 * std::log(static_cast<double>(n))));
      if (best && count >= static_cast<size_t>(std::max(lam, o_.n_startup_trials + 1))) {
        for (size_t d = 0; d < n; ++d) {
          double v = best->params[dims_[d]];
          if (IsSet(v)) mean[d] = std::clamp(Transform(space, d, v), lo[d], hi[d]);
        }
      }
    }
    cma_ = std::make_unique<Cma>(mean, std::max(sigma0, kEps), lo, hi, popsize, o_.separable);
  }

  // The hand-over from TPE (tpe_cmaes): N(mean, sigma^2 C) fitted to the best top_fraction of
  // the complete trials (at least 2), as WS-CMA-ES fits its start to the top source trials: the
  // mean is theirs, C is diagonal with each dimension's variance around that mean plus
  // (1e-3 range)^2 (so no dimension starts degenerate), scaled so that sigma is the geometric
  // mean of the standard deviations. Diagonal because a handful of points cannot estimate a
  // full covariance in 10 dimensions (the full estimate was worse on the benchmark).
  void StartFromTrials(const SearchSpace& space, Direction direction, std::span<const Trial> trials) {
    const size_t n = dims_.size();
    std::vector<double> lo(n), hi(n);
    for (size_t d = 0; d < n; ++d) Bounds(space, d, lo[d], hi[d]);
    std::vector<std::pair<double, std::vector<double>>> pts;  // (loss, transformed point)
    for (const Trial& t : trials) {
      if (t.state != TrialState::kComplete || t.values.empty() || t.params.size() != space.size()) continue;
      std::vector<double> x(n);
      bool ok = true;
      for (size_t d = 0; d < n && ok; ++d) {
        const double v = t.params[dims_[d]];
        ok = IsSet(v);
        if (ok) x[d] = std::clamp(Transform(space, d, v), lo[d], hi[d]);
      }
      if (ok) pts.emplace_back(AsLoss(direction, t.values[0]), std::move(x));
    }
    if (pts.empty()) {  // nothing to fit (all trials failed): the plain start
      Start(space, direction, trials, false, o_.popsize);
      return;
    }
    std::stable_sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const size_t k = std::min(pts.size(), std::max<size_t>(2, static_cast<size_t>(std::ceil(o_.top_fraction * static_cast<double>(pts.size())))));
    std::vector<double> mean(n, 0), var(n, 0);
    for (size_t i = 0; i < k; ++i)
      for (size_t d = 0; d < n; ++d) mean[d] += pts[i].second[d] / static_cast<double>(k);
    double log_sigma = 0;
    for (size_t d = 0; d < n; ++d) {
      for (size_t i = 0; i < k; ++i) var[d] += (pts[i].second[d] - mean[d]) * (pts[i].second[d] - mean[d]) / static_cast<double>(k);
      var[d] += 1e-6 * (hi[d] - lo[d]) * (hi[d] - lo[d]);
      log_sigma += 0.5 * std::log(var[d]) / static_cast<double>(n);
    }
    const double sigma = std::exp(log_sigma);
    std::vector<double> c(o_.separable ? n : n * n, 0);
    for (size_t d = 0; d < n; ++d) c[o_.separable ? d : d * n + d] = var[d] / (sigma * sigma);
    cma_ = std::make_unique<Cma>(mean, std::max(sigma, kEps), lo, hi, o_.popsize, o_.separable, &c);
  }

  void Update(const SearchSpace& space, Direction direction, std::span<const Trial> trials) {
    std::vector<std::pair<std::vector<double>, double>> sol;
    for (const Trial& t : trials) {
      if (t.state != TrialState::kComplete || t.values.empty()) continue;
      auto it = tags_.find(t.number);
      if (it == tags_.end() || it->second.first != restarts_ || it->second.second != cma_->generation()) continue;
      std::vector<double> x(dims_.size());
      for (size_t d = 0; d < dims_.size(); ++d) x[d] = Transform(space, d, t.params[dims_[d]]);
      sol.emplace_back(std::move(x), AsLoss(direction, t.values[0]));
      if (sol.size() == static_cast<size_t>(cma_->popsize())) break;
    }
    if (sol.size() < static_cast<size_t>(cma_->popsize())) return;
    cma_->Tell(std::move(sol));
    if (o_.ipop && cma_->ShouldStop()) {
      int popsize = cma_->popsize() * o_.inc_popsize;
      ++restarts_;
      Start(space, direction, trials, true, popsize);
    }
  }

  CmaEsOptions o_;
  Rng rng_, random_rng_;
  bool init_done_ = false;
  std::vector<size_t> dims_;
  std::unique_ptr<Cma> cma_;
  std::unique_ptr<Sampler> tpe_;
  int restarts_ = 0;
  std::map<int64_t, std::pair<int, int>> tags_;  // trial number -> (restart, generation)
};

}  // namespace

std::unique_ptr<Sampler> NewCmaEsSampler(const CmaEsOptions& options) {
  return std::make_unique<CmaEsSampler>(options);
}

std::unique_ptr<Sampler> NewTpeCmaEsSampler(const TpeCmaEsOptions& options) {
  CmaEsOptions o;
  o.seed = options.seed;
  o.popsize = options.popsize;
  o.n_tpe_trials = std::max(options.n_tpe_trials, 1);
  o.top_fraction = options.top_fraction;
  return std::make_unique<CmaEsSampler>(o);
}

}  // namespace moebius::tuning
