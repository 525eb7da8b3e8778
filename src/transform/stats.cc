#include "transform/stats.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace moebius::transform::stats {

double Mean(std::span<const double> x) {
  double sum = 0, compensation = 0;
  for (double v : x) {
    double t = sum + v;
    if (std::fabs(sum) >= std::fabs(v)) {
      compensation += (sum - t) + v;
    } else {
      compensation += (v - t) + sum;
    }
    sum = t;
  }
  return (sum + compensation) / static_cast<double>(x.size());
}

double Median(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  size_t n = x.size();
  if (n % 2 == 1) return x[n / 2];
  return (x[n / 2 - 1] + x[n / 2]) / 2;
}

double PopulationStd(std::span<const double> x, double mean) {
  std::vector<double> sq;
  sq.reserve(x.size());
  for (double v : x) sq.push_back((v - mean) * (v - mean));
  return std::sqrt(Mean(sq));
}

double MostFrequent(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  double best = x.front();
  size_t best_count = 0;
  for (size_t i = 0; i < x.size();) {
    size_t j = i;
    while (j < x.size() && x[j] == x[i]) ++j;
    if (j - i > best_count) {  // strictly greater: the first (smallest) value wins ties
      best_count = j - i;
      best = x[i];
    }
    i = j;
  }
  return best;
}

std::vector<double> QuantileCuts(std::vector<double> x, int n) {
  std::sort(x.begin(), x.end());
  std::vector<double> cuts;
  if (x.size() == 1) {
    cuts.assign(n - 1, x[0]);
    return cuts;
  }
  // Integer index arithmetic as in CPython's statistics.quantiles, so the cut points match it.
  const int64_t m = static_cast<int64_t>(x.size()) - 1;
  for (int64_t i = 1; i < n; ++i) {
    int64_t j = i * m / n;
    int64_t delta = i * m - j * n;
    cuts.push_back((x[j] * static_cast<double>(n - delta) + x[j + 1] * static_cast<double>(delta)) / n);
  }
  return cuts;
}

double Pearson(std::span<const double> x, std::span<const double> y) {
  std::vector<double> a, b;
  size_t n = std::min(x.size(), y.size());
  a.reserve(n);
  b.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(x[i]) || std::isnan(y[i])) continue;
    a.push_back(x[i]);
    b.push_back(y[i]);
  }
  if (a.size() < 2) return std::nan("");
  double ma = Mean(a), mb = Mean(b);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    double da = a[i] - ma, db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa == 0 || sbb == 0) return std::nan("");
  return sab / std::sqrt(saa * sbb);
}

double MutualInformation(std::span<const int64_t> x, std::span<const int64_t> y) {
  size_t n = std::min(x.size(), y.size());
  if (n == 0) return 0;
  std::map<std::pair<int64_t, int64_t>, size_t> joint;
  std::map<int64_t, size_t> px, py;
  for (size_t i = 0; i < n; ++i) {
    ++joint[{x[i], y[i]}];
    ++px[x[i]];
    ++py[y[i]];
  }
  // Sum in the map's (sorted) order so the result does not depend on the row order.
  double mi = 0;
  const double dn = static_cast<double>(n);
  for (const auto& [key, count] : joint) {
    double pxy = static_cast<double>(count) / dn;
    double ratio = static_cast<double>(count) * dn / (static_cast<double>(px[key.first]) * static_cast<double>(py[key.second]));
    mi += pxy * std::log(ratio);
  }
  return std::max(0.0, mi);
}

}  // namespace moebius::transform::stats
