#include "tuning/importance.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "tuning/rng.h"

namespace moebius::tuning {
namespace {

struct Forest {
  size_t n_features;
  const std::vector<double>* x;  // rows x features
  const std::vector<double>* y;
  std::vector<double> importance;
  int max_depth;

  double X(size_t row, size_t f) const { return (*x)[row * n_features + f]; }

  void Grow(std::vector<size_t>& rows, size_t begin, size_t end, int depth) {
    const size_t n = end - begin;
    if (n < 2 || depth >= max_depth) return;
    double sum = 0, sum2 = 0;
    for (size_t i = begin; i < end; ++i) {
      double v = (*y)[rows[i]];
      sum += v;
      sum2 += v * v;
    }
    const double sse = sum2 - sum * sum / static_cast<double>(n);
    if (!(sse > 1e-12 * (1 + std::fabs(sum2)))) return;
    double best_gain = 0, best_threshold = 0;
    size_t best_f = n_features;
    std::vector<size_t> order(rows.begin() + static_cast<std::ptrdiff_t>(begin), rows.begin() + static_cast<std::ptrdiff_t>(end));
    for (size_t f = 0; f < n_features; ++f) {
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return X(a, f) < X(b, f); });
      double ls = 0, ls2 = 0;
      for (size_t i = 0; i + 1 < n; ++i) {
        double v = (*y)[order[i]];
        ls += v;
        ls2 += v * v;
        double xa = X(order[i], f), xb = X(order[i + 1], f);
        if (xa == xb) continue;
        double nl = static_cast<double>(i + 1), nr = static_cast<double>(n - i - 1);
        double rs = sum - ls, rs2 = sum2 - ls2;
        double child = (ls2 - ls * ls / nl) + (rs2 - rs * rs / nr);
        double gain = sse - child;
        if (gain > best_gain) {
          best_gain = gain;
          best_f = f;
          best_threshold = 0.5 * (xa + xb);
        }
      }
    }
    if (best_f == n_features) return;
    importance[best_f] += best_gain;
    auto mid = std::partition(rows.begin() + static_cast<std::ptrdiff_t>(begin), rows.begin() + static_cast<std::ptrdiff_t>(end),
                              [&](size_t r) { return X(r, best_f) < best_threshold; });
    size_t m = static_cast<size_t>(mid - rows.begin());
    Grow(rows, begin, m, depth + 1);
    Grow(rows, m, end, depth + 1);
  }
};

}  // namespace

Result<std::vector<std::pair<std::string, double>>> ParamImportance(const SearchSpace& space,
                                                                    std::span<const Trial> trials,
                                                                    const ImportanceOptions& o) {
  const size_t nf = space.size();
  std::vector<double> x, y;
  for (const Trial& t : trials) {
    if (t.state != TrialState::kComplete || t.values.empty() || !std::isfinite(t.values[0]) || t.params.size() != nf) continue;
    for (size_t f = 0; f < nf; ++f) {
      const ParamSpec& p = space.param(f);
      double v = t.params[f];
      double lo = p.kind == ParamKind::kCategorical ? 0 : (p.log ? std::log(p.low) : p.low);
      if (!IsSet(v)) v = lo - 1;
      else if (p.log) v = std::log(v);
      x.push_back(v);
    }
    y.push_back(t.values[0]);
  }
  if (y.size() < 2) return FailedPrecondition("parameter importance needs at least two complete trials");
  Forest forest{nf, &x, &y, std::vector<double>(nf, 0), o.max_depth};
  Rng rng(o.seed);
  const size_t n = y.size();
  std::vector<size_t> rows(n);
  for (int tree = 0; tree < o.n_trees; ++tree) {
    for (size_t i = 0; i < n; ++i) rows[i] = rng.Below(n);  // bootstrap
    forest.Grow(rows, 0, n, 0);
  }
  double total = std::accumulate(forest.importance.begin(), forest.importance.end(), 0.0);
  std::vector<std::pair<std::string, double>> out;
  for (size_t f = 0; f < nf; ++f) {
    out.emplace_back(space.param(f).name, total > 0 ? forest.importance[f] / total : 1.0 / static_cast<double>(nf));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

}  // namespace moebius::tuning
