#include "eval/regression.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "eval/common.h"

namespace moebius::eval {

Result<RegressionMetrics> Regression(std::span<const double> y_true, std::span<const double> y_pred) {
  RETURN_IF_ERROR(internal::CheckSameLength(y_true.size(), y_pred.size(), "y_true", "y_pred"));
  RETURN_IF_ERROR(internal::CheckNonEmpty(y_true.size(), "y_true"));
  RETURN_IF_ERROR(internal::CheckFinite(y_true, "y_true"));
  RETURN_IF_ERROR(internal::CheckFinite(y_pred, "y_pred"));
  const size_t n = y_true.size();
  constexpr double kEps = 2.220446049250313e-16;  // np.finfo(np.float64).eps

  std::vector<double> sq(n), ab(n), pct(n), diff(n);
  RegressionMetrics m;
  m.n = static_cast<int64_t>(n);
  for (size_t i = 0; i < n; ++i) {
    diff[i] = y_true[i] - y_pred[i];
    sq[i] = diff[i] * diff[i];
    ab[i] = std::fabs(diff[i]);
    pct[i] = std::fabs(y_pred[i] - y_true[i]) / std::max(std::fabs(y_true[i]), kEps);
    m.max_error = std::max(m.max_error, ab[i]);
  }
  const double sse = internal::Sum(sq);
  m.mse = sse / static_cast<double>(n);
  m.rmse = std::sqrt(m.mse);
  m.mae = internal::Mean(ab);
  m.mape = internal::Mean(pct);

  std::vector<double> sorted = ab;
  std::sort(sorted.begin(), sorted.end());
  m.median_ae = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;

  const double true_mean = internal::Mean(y_true);
  std::vector<double> dev(n);
  for (size_t i = 0; i < n; ++i) dev[i] = (y_true[i] - true_mean) * (y_true[i] - true_mean);
  const double sst = internal::Sum(dev);
  if (n < 2) {
    m.r2 = std::nan("");
  } else if (sst == 0) {
    m.r2 = sse == 0 ? 1.0 : 0.0;
  } else {
    m.r2 = 1.0 - sse / sst;
  }

  // explained_variance_score: 1 - Var(y_true - y_pred) / Var(y_true), population variances.
  const double diff_mean = internal::Mean(diff);
  std::vector<double> dd(n);
  for (size_t i = 0; i < n; ++i) dd[i] = (diff[i] - diff_mean) * (diff[i] - diff_mean);
  const double numerator = internal::Mean(dd);
  const double denominator = sst / static_cast<double>(n);
  if (denominator == 0) {
    m.explained_variance = numerator == 0 ? 1.0 : 0.0;
  } else {
    m.explained_variance = 1.0 - numerator / denominator;
  }
  return m;
}

}  // namespace moebius::eval
