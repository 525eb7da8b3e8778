#include "eval/curves.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moebius::eval {

using internal::CheckNonEmpty;
using internal::CheckSameLength;
using internal::LabelList;
using internal::UniqueLabels;

namespace {

// Positive/negative flags of a binary problem after validation.
Result<std::vector<char>> BinaryTruth(std::span<const Label> y_true, std::span<const double> y_score,
                                      Label pos_label, const char* score_name) {
  RETURN_IF_ERROR(CheckSameLength(y_true.size(), y_score.size(), "y_true", score_name));
  RETURN_IF_ERROR(CheckNonEmpty(y_true.size(), "y_true"));
  RETURN_IF_ERROR(internal::CheckFinite(y_score, score_name));
  std::vector<Label> labels = UniqueLabels(y_true);
  if (labels.size() > 2) {
    return InvalidArgument("a binary metric got " + std::to_string(labels.size()) + " classes in y_true " +
                           LabelList(labels) + "; use the one-vs-rest form with a score matrix");
  }
  std::vector<char> pos(y_true.size());
  for (size_t i = 0; i < y_true.size(); ++i) pos[i] = y_true[i] == pos_label;
  return pos;
}

// sklearn's _binary_clf_curve: false and true positive counts at each distinct score,
// thresholds descending.
struct ClfCurve {
  std::vector<double> fps, tps, thresholds;
};

ClfCurve BinaryClfCurve(const std::vector<char>& pos, std::span<const double> score) {
  std::vector<size_t> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] > score[b]; });
  ClfCurve c;
  double tp = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    tp += pos[order[k]] ? 1.0 : 0.0;
    if (k + 1 == order.size() || score[order[k + 1]] != score[order[k]]) {
      c.tps.push_back(tp);
      c.fps.push_back(static_cast<double>(k + 1) - tp);
      c.thresholds.push_back(score[order[k]]);
    }
  }
  return c;
}

Status NeedBothClasses(const ClfCurve& c, const char* metric) {
  if (c.tps.back() == 0 || c.fps.back() == 0) {
    return InvalidArgument(std::string(metric) + " is not defined when y_true holds only one class (" +
                           (c.tps.back() == 0 ? "no positive" : "no negative") + " sample)");
  }
  return Status::Ok();
}

// np.trapz(y, x) as sklearn's auc uses it (x is non-decreasing here).
double Trapezoid(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<double> parts(x.size() - 1);
  for (size_t i = 0; i + 1 < x.size(); ++i) parts[i] = (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0;
  return internal::Sum(parts);
}

RocCurve RocFromCounts(ClfCurve c, bool drop_intermediate) {
  if (drop_intermediate && c.fps.size() > 2) {
    ClfCurve kept;
    const size_t n = c.fps.size();
    for (size_t i = 0; i < n; ++i) {
      bool keep = i == 0 || i + 1 == n;
      if (!keep) {
        double d2f = (c.fps[i + 1] - c.fps[i]) - (c.fps[i] - c.fps[i - 1]);
        double d2t = (c.tps[i + 1] - c.tps[i]) - (c.tps[i] - c.tps[i - 1]);
        keep = d2f != 0 || d2t != 0;
      }
      if (keep) {
        kept.fps.push_back(c.fps[i]);
        kept.tps.push_back(c.tps[i]);
        kept.thresholds.push_back(c.thresholds[i]);
      }
    }
    c = std::move(kept);
  }
  RocCurve r;
  const double fp_total = c.fps.back(), tp_total = c.tps.back();
  r.fpr.push_back(0);
  r.tpr.push_back(0);
  r.thresholds.push_back(c.thresholds[0] + 1);
  for (size_t i = 0; i < c.fps.size(); ++i) {
    r.fpr.push_back(c.fps[i] / fp_total);
    r.tpr.push_back(c.tps[i] / tp_total);
    r.thresholds.push_back(c.thresholds[i]);
  }
  return r;
}

PrCurve PrFromCounts(const ClfCurve& c) {
  PrCurve r;
  const size_t n = c.tps.size();
  for (size_t k = n; k-- > 0;) {
    r.precision.push_back(c.tps[k] / (c.tps[k] + c.fps[k]));
    r.recall.push_back(c.tps[k] / c.tps.back());
    r.thresholds.push_back(c.thresholds[k]);
  }
  r.precision.push_back(1);
  r.recall.push_back(0);
  return r;
}

double StepArea(const PrCurve& c) {
  std::vector<double> parts(c.recall.size() - 1);
  for (size_t i = 0; i + 1 < c.recall.size(); ++i) parts[i] = (c.recall[i + 1] - c.recall[i]) * c.precision[i];
  return -internal::Sum(parts);
}

// The checks both one-vs-rest averages share: probabilities, and the columns being exactly the
// classes of y_true.
Status CheckOvr(std::span<const Label> y_true, const ScoreMatrix& m, Average average, bool probabilities,
                const char* metric) {
  RETURN_IF_ERROR(CheckNonEmpty(y_true.size(), "y_true"));
  if (average != Average::kMacro && average != Average::kWeighted) {
    return InvalidArgument(std::string(metric) + " one-vs-rest supports average macro or weighted, not " +
                           AverageName(average));
  }
  RETURN_IF_ERROR(internal::CheckScoreMatrix(m, y_true.size(), probabilities, "y_score"));
  std::vector<Label> present = UniqueLabels(y_true);
  if (present != m.classes) {
    return InvalidArgument(std::string(metric) + ": the classes in y_true " + LabelList(present) +
                           " must be exactly the score columns " + LabelList(m.classes) +
                           " (each class needs positive and negative samples)");
  }
  return Status::Ok();
}

template <typename BinaryMetric>
Result<double> OneVsRest(std::span<const Label> y_true, const ScoreMatrix& m, Average average,
                         BinaryMetric metric) {
  const size_t n = y_true.size(), k = m.cols();
  std::vector<double> scores(k), weights(k);
  std::vector<double> column(n);
  std::vector<Label> binary(n);
  for (size_t c = 0; c < k; ++c) {
    for (size_t i = 0; i < n; ++i) {
      column[i] = m.at(i, c);
      binary[i] = y_true[i] == m.classes[c] ? 1 : 0;
      weights[c] += binary[i];
    }
    ASSIGN_OR_RETURN(scores[c], metric(binary, column));
  }
  if (average == Average::kMacro) return internal::Mean(scores);
  std::vector<double> prod(k);
  for (size_t c = 0; c < k; ++c) prod[c] = scores[c] * weights[c];
  return internal::Sum(prod) / internal::Sum(weights);
}

}  // namespace

Result<RocCurve> Roc(std::span<const Label> y_true, std::span<const double> y_score, Label pos_label,
                     bool drop_intermediate) {
  ASSIGN_OR_RETURN(auto pos, BinaryTruth(y_true, y_score, pos_label, "y_score"));
  ClfCurve c = BinaryClfCurve(pos, y_score);
  RETURN_IF_ERROR(NeedBothClasses(c, "the ROC curve"));
  return RocFromCounts(std::move(c), drop_intermediate);
}

Result<PrCurve> PrecisionRecall(std::span<const Label> y_true, std::span<const double> y_score,
                                Label pos_label) {
  ASSIGN_OR_RETURN(auto pos, BinaryTruth(y_true, y_score, pos_label, "y_score"));
  ClfCurve c = BinaryClfCurve(pos, y_score);
  if (c.tps.back() == 0) {
    return InvalidArgument("the precision-recall curve is not defined without a positive sample (pos_label=" +
                           std::to_string(pos_label) + ")");
  }
  return PrFromCounts(c);
}

Result<double> RocAuc(std::span<const Label> y_true, std::span<const double> y_score, Label pos_label) {
  ASSIGN_OR_RETURN(RocCurve r, Roc(y_true, y_score, pos_label, true));
  return Trapezoid(r.fpr, r.tpr);
}

Result<double> AveragePrecision(std::span<const Label> y_true, std::span<const double> y_score,
                                Label pos_label) {
  ASSIGN_OR_RETURN(PrCurve c, PrecisionRecall(y_true, y_score, pos_label));
  return StepArea(c);
}

Result<double> RocAucOvr(std::span<const Label> y_true, const ScoreMatrix& proba, Average average) {
  RETURN_IF_ERROR(CheckOvr(y_true, proba, average, /*probabilities=*/true, "ROC-AUC"));
  return OneVsRest(y_true, proba, average,
                   [](std::span<const Label> t, std::span<const double> s) { return RocAuc(t, s, 1); });
}

Result<double> AveragePrecisionOvr(std::span<const Label> y_true, const ScoreMatrix& scores, Average average) {
  RETURN_IF_ERROR(CheckOvr(y_true, scores, average, /*probabilities=*/false, "average precision"));
  return OneVsRest(y_true, scores, average,
                   [](std::span<const Label> t, std::span<const double> s) { return AveragePrecision(t, s, 1); });
}

namespace {

// np.linspace(0, 1, n + 1): i * (1 / n), the last point exactly 1.
std::vector<double> UnitLinspace(int n) {
  std::vector<double> v(n + 1);
  const double step = 1.0 / n;
  for (int i = 0; i <= n; ++i) v[i] = static_cast<double>(i) * step;
  v[n] = 1.0;
  return v;
}

// np.percentile(sorted, q * 100) with the default linear method, operation for operation.
double Percentile(const std::vector<double>& sorted, double q) {
  const double qq = (q * 100.0) / 100.0;
  const size_t n = sorted.size();
  const double virtual_index = static_cast<double>(n - 1) * qq;
  if (virtual_index >= static_cast<double>(n - 1)) return sorted[n - 1];
  const double prev = std::floor(virtual_index);
  const double gamma = virtual_index - prev;
  const double a = sorted[static_cast<size_t>(prev)], b = sorted[static_cast<size_t>(prev) + 1];
  const double diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

}  // namespace

Result<CalibrationCurve> Calibration(std::span<const Label> y_true, std::span<const double> y_prob, int n_bins,
                                     BinStrategy strategy, Label pos_label) {
  RETURN_IF_ERROR(CheckSameLength(y_true.size(), y_prob.size(), "y_true", "y_prob"));
  RETURN_IF_ERROR(CheckNonEmpty(y_true.size(), "y_true"));
  RETURN_IF_ERROR(internal::CheckProbabilities(y_prob, "y_prob"));
  if (n_bins < 1 || n_bins > 100000) return InvalidArgument("n_bins must be in [1, 100000]");
  std::vector<Label> labels = UniqueLabels(y_true);
  if (labels.size() > 2) {
    return InvalidArgument("the calibration curve is binary; y_true holds " + LabelList(labels));
  }
  std::vector<double> edges = UnitLinspace(n_bins);
  if (strategy == BinStrategy::kQuantile) {
    std::vector<double> sorted(y_prob.begin(), y_prob.end());
    std::sort(sorted.begin(), sorted.end());
    for (double& e : edges) e = Percentile(sorted, e);
  }
  std::vector<double> sum(n_bins), positives(n_bins);
  std::vector<int64_t> total(n_bins);
  for (size_t i = 0; i < y_prob.size(); ++i) {
    // searchsorted(edges[1:-1], p, side="left"): the number of inner edges strictly below p.
    auto inner_begin = edges.begin() + 1, inner_end = edges.end() - 1;
    size_t bin = std::lower_bound(inner_begin, inner_end, y_prob[i]) - inner_begin;
    sum[bin] += y_prob[i];
    positives[bin] += y_true[i] == pos_label ? 1.0 : 0.0;
    ++total[bin];
  }
  CalibrationCurve c;
  for (int b = 0; b < n_bins; ++b) {
    if (total[b] == 0) continue;
    c.prob_true.push_back(positives[b] / static_cast<double>(total[b]));
    c.prob_pred.push_back(sum[b] / static_cast<double>(total[b]));
    c.count.push_back(total[b]);
  }
  return c;
}

}  // namespace moebius::eval
