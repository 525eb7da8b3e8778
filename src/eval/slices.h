// Metrics per subgroup and error-analysis priorities (EVAL-3).
//
// A slice is the set of rows that carry one key: a feature value ("city=Busan"), a subgroup
// for fairness, or an error-analysis tag ("car noise"). For each slice the metric is
// recomputed on its rows and compared with a baseline — a human-level or previous-system value
// for that slice when known, else one baseline for all, else the metric on all rows — and
//
//   priority = gap × share,   gap = baseline − metric (or metric − baseline when lower is
//                             better), share = rows in the slice / all rows,
//
// the expected gain on the whole data set if the slice reached its baseline (seed 002's
// "gap to HLP × % of data" table). Slices are sorted by priority, highest first.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "eval/common.h"

namespace moebius::eval {

// Computes the metric on a subset of rows (indices into the caller's arrays, ascending).
using SliceMetricFn = std::function<Result<double>(std::span<const size_t> rows)>;

struct SliceOptions {
  bool higher_is_better = true;
  std::optional<double> baseline;           // one baseline for every slice
  std::map<std::string, double> baselines;  // per slice key (e.g. human-level performance)
  int64_t min_rows = 1;                     // smaller slices are reported without a metric
};

struct SliceRow {
  std::string key;
  int64_t rows = 0;
  double share = 0;     // rows / all rows
  double metric = 0;    // NaN when not computable (error says why)
  double baseline = 0;
  double gap = 0;       // positive when the slice is worse than its baseline
  double priority = 0;  // gap × share; NaN when metric is NaN
  std::string error;    // why the metric could not be computed on this slice, or empty
};

struct SliceReport {
  std::string metric;
  bool higher_is_better = true;
  double overall = 0;  // the metric on all rows
  int64_t rows = 0;
  std::vector<SliceRow> slices;  // by priority descending, NaN last, then by key
};

// One key per row. kInvalidArgument when keys is empty or the metric fails on all rows; a
// slice on which the metric fails (say ROC-AUC on a slice with one class) keeps its row with
// the error text and sorts last.
Result<SliceReport> EvaluateSlices(std::span<const std::string> keys, const std::string& metric_name,
                                   const SliceMetricFn& metric, const SliceOptions& options = {});

// Several tags per row (error-analysis tags overlap: one utterance can be both "car noise" and
// "low bandwidth"); a row without tags belongs to no slice but counts in the total.
Result<SliceReport> EvaluateTagSlices(const std::vector<std::vector<std::string>>& tags,
                                      const std::string& metric_name, const SliceMetricFn& metric,
                                      const SliceOptions& options = {});

// Named metrics over label or value arrays, ready for EvaluateSlices. Label metrics:
// accuracy, balanced_accuracy, precision|recall|f1 with _macro, _micro, _weighted or _binary
// (pos_label 1), mcc, kappa, roc_auc and average_precision (need `score`, positive class 1),
// log_loss (needs `score`, the probability of class 1). Regression metrics: rmse, mse, mae,
// r2, mape, median_ae, explained_variance. The spans must outlive the function.
// kInvalidArgument for an unknown name (listing the known ones) or a missing score array.
struct MetricDirection {
  SliceMetricFn fn;
  bool higher_is_better = true;
};
Result<MetricDirection> LabelMetric(const std::string& name, std::span<const Label> y_true,
                                    std::span<const Label> y_pred, std::span<const double> score = {});
Result<MetricDirection> RegressionMetric(const std::string& name, std::span<const double> y_true,
                                         std::span<const double> y_pred);

}  // namespace moebius::eval
