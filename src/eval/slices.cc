#include "eval/slices.h"

#include <algorithm>
#include <cmath>

#include "eval/classification.h"
#include "eval/curves.h"
#include "eval/regression.h"

namespace moebius::eval {

namespace {

Result<SliceReport> Evaluate(size_t n, const std::map<std::string, std::vector<size_t>>& groups,
                             const std::string& metric_name, const SliceMetricFn& metric,
                             const SliceOptions& options) {
  if (n == 0) return InvalidArgument("slices need at least one row");
  if (!metric) return InvalidArgument("no metric function given");
  SliceReport report;
  report.metric = metric_name;
  report.higher_is_better = options.higher_is_better;
  report.rows = static_cast<int64_t>(n);
  std::vector<size_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = i;
  auto overall = metric(all);
  if (!overall.ok()) return overall.status().WithContext(metric_name + " on all rows");
  report.overall = *overall;

  for (const auto& [key, rows] : groups) {
    SliceRow s;
    s.key = key;
    s.rows = static_cast<int64_t>(rows.size());
    s.share = static_cast<double>(rows.size()) / static_cast<double>(n);
    auto b = options.baselines.find(key);
    s.baseline = b != options.baselines.end() ? b->second : options.baseline.value_or(report.overall);
    if (s.rows < options.min_rows) {
      s.error = "fewer than " + std::to_string(options.min_rows) + " rows";
      s.metric = s.gap = s.priority = std::nan("");
    } else if (auto m = metric(rows); !m.ok()) {
      s.error = m.status().message();
      s.metric = s.gap = s.priority = std::nan("");
    } else {
      s.metric = *m;
      s.gap = options.higher_is_better ? s.baseline - s.metric : s.metric - s.baseline;
      s.priority = s.gap * s.share;
    }
    report.slices.push_back(std::move(s));
  }
  std::stable_sort(report.slices.begin(), report.slices.end(), [](const SliceRow& a, const SliceRow& b) {
    const bool an = std::isnan(a.priority), bn = std::isnan(b.priority);
    if (an != bn) return bn;
    if (!an && a.priority != b.priority) return a.priority > b.priority;
    return a.key < b.key;
  });
  return report;
}

}  // namespace

Result<SliceReport> EvaluateSlices(std::span<const std::string> keys, const std::string& metric_name,
                                   const SliceMetricFn& metric, const SliceOptions& options) {
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < keys.size(); ++i) groups[keys[i]].push_back(i);
  return Evaluate(keys.size(), groups, metric_name, metric, options);
}

Result<SliceReport> EvaluateTagSlices(const std::vector<std::vector<std::string>>& tags,
                                      const std::string& metric_name, const SliceMetricFn& metric,
                                      const SliceOptions& options) {
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < tags.size(); ++i) {
    std::vector<std::string> row = tags[i];
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    for (const auto& t : row) groups[t].push_back(i);
  }
  return Evaluate(tags.size(), groups, metric_name, metric, options);
}

namespace {

template <typename T>
std::vector<T> Pick(std::span<const T> v, std::span<const size_t> rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (size_t r : rows) out.push_back(v[r]);
  return out;
}

}  // namespace

Result<MetricDirection> LabelMetric(const std::string& name, std::span<const Label> y_true,
                                    std::span<const Label> y_pred, std::span<const double> score) {
  using Fn = std::function<Result<double>(const std::vector<Label>&, const std::vector<Label>&,
                                          const std::vector<double>&)>;
  Fn fn;
  bool higher = true, needs_score = false;
  auto prf = [](Average avg, int which) -> Fn {
    return [avg, which](const std::vector<Label>& t, const std::vector<Label>& p,
                        const std::vector<double>&) -> Result<double> {
      ASSIGN_OR_RETURN(Prf r, PrecisionRecallF1(t, p, avg, 1));
      return which == 0 ? r.precision : which == 1 ? r.recall : r.f1;
    };
  };
  const std::pair<const char*, Average> averages[] = {
      {"macro", Average::kMacro}, {"micro", Average::kMicro}, {"weighted", Average::kWeighted}, {"binary", Average::kBinary}};
  const char* parts[] = {"precision", "recall", "f1"};
  for (int w = 0; w < 3; ++w) {
    for (const auto& [suffix, avg] : averages) {
      if (name == std::string(parts[w]) + "_" + suffix) fn = prf(avg, w);
    }
  }
  if (fn) {
  } else if (name == "accuracy") {
    fn = [](const auto& t, const auto& p, const auto&) { return Accuracy(t, p); };
  } else if (name == "balanced_accuracy") {
    fn = [](const auto& t, const auto& p, const auto&) { return BalancedAccuracy(t, p); };
  } else if (name == "mcc") {
    fn = [](const auto& t, const auto& p, const auto&) { return MatthewsCorrcoef(t, p); };
  } else if (name == "kappa") {
    fn = [](const auto& t, const auto& p, const auto&) { return CohenKappa(t, p); };
  } else if (name == "roc_auc") {
    needs_score = true;
    fn = [](const auto& t, const auto&, const auto& s) { return RocAuc(t, s, 1); };
  } else if (name == "average_precision") {
    needs_score = true;
    fn = [](const auto& t, const auto&, const auto& s) { return AveragePrecision(t, s, 1); };
  } else if (name == "log_loss") {
    needs_score = true;
    higher = false;
    fn = [](const auto& t, const auto&, const auto& s) { return LogLossBinary(t, s, 1); };
  } else {
    return InvalidArgument("unknown label metric \"" + name +
                           "\"; known: accuracy, balanced_accuracy, precision|recall|f1_{macro,micro,weighted,binary}, "
                           "mcc, kappa, roc_auc, average_precision, log_loss");
  }
  RETURN_IF_ERROR(internal::CheckSameLength(y_true.size(), y_pred.size(), "y_true", "y_pred"));
  if (needs_score) {
    if (score.empty()) return InvalidArgument("metric " + name + " needs scores");
    RETURN_IF_ERROR(internal::CheckSameLength(y_true.size(), score.size(), "y_true", "y_score"));
  }
  MetricDirection d;
  d.higher_is_better = higher;
  d.fn = [fn, y_true, y_pred, score, needs_score](std::span<const size_t> rows) -> Result<double> {
    return fn(Pick(y_true, rows), Pick(y_pred, rows), needs_score ? Pick(score, rows) : std::vector<double>{});
  };
  return d;
}

Result<MetricDirection> RegressionMetric(const std::string& name, std::span<const double> y_true,
                                         std::span<const double> y_pred) {
  static const char* kNames[] = {"rmse", "mse", "mae", "r2", "mape", "median_ae", "explained_variance"};
  int which = -1;
  for (int i = 0; i < 7; ++i) {
    if (name == kNames[i]) which = i;
  }
  if (which < 0) {
    return InvalidArgument("unknown regression metric \"" + name +
                           "\"; known: rmse, mse, mae, r2, mape, median_ae, explained_variance");
  }
  RETURN_IF_ERROR(internal::CheckSameLength(y_true.size(), y_pred.size(), "y_true", "y_pred"));
  MetricDirection d;
  d.higher_is_better = which == 3 || which == 6;
  d.fn = [which, y_true, y_pred](std::span<const size_t> rows) -> Result<double> {
    ASSIGN_OR_RETURN(RegressionMetrics m, Regression(Pick(y_true, rows), Pick(y_pred, rows)));
    const double v[] = {m.rmse, m.mse, m.mae, m.r2, m.mape, m.median_ae, m.explained_variance};
    return v[which];
  };
  return d;
}

}  // namespace moebius::eval
