// Regression metrics (EVAL-1), scikit-learn 1.2.1's definitions on unweighted samples.
#pragma once

#include <cstdint>
#include <span>

#include "base/status.h"

namespace moebius::eval {

struct RegressionMetrics {
  int64_t n = 0;
  double mse = 0;                 // mean_squared_error
  double rmse = 0;                // sqrt(mse) (mean_squared_error(squared=False))
  double mae = 0;                 // mean_absolute_error
  double r2 = 0;                  // r2_score; see below
  double mape = 0;                // mean_absolute_percentage_error, a fraction (0.1 = 10%)
  double median_ae = 0;           // median_absolute_error
  double explained_variance = 0;  // explained_variance_score
  double max_error = 0;           // max_error
};

// All regression metrics in one pass over the pairs. MAPE divides by max(|y_true|, 2^-52), so a
// zero target gives a huge but finite term, as sklearn does. R² and explained variance follow
// sklearn's force_finite=True: with constant y_true they are 1 for a perfect prediction and 0
// otherwise; with a single sample R² is NaN (sklearn warns and returns NaN).
// kInvalidArgument for empty input, different lengths or a NaN/infinite value.
Result<RegressionMetrics> Regression(std::span<const double> y_true, std::span<const double> y_pred);

}  // namespace moebius::eval
