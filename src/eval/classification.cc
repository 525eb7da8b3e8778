#include "eval/classification.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace moebius::eval {

using internal::CheckNonEmpty;
using internal::CheckSameLength;
using internal::IndexOf;
using internal::LabelList;
using internal::UniqueLabels;

namespace {

Status CheckPair(std::span<const Label> y_true, std::span<const Label> y_pred, const char* a = "y_true",
                 const char* b = "y_pred") {
  RETURN_IF_ERROR(CheckSameLength(y_true.size(), y_pred.size(), a, b));
  return CheckNonEmpty(y_true.size(), a);
}

// Counts over `labels` (sorted): true positives, predicted and true totals per label.
struct Counts {
  std::vector<double> tp, pred, truth;
};

Counts CountPerLabel(std::span<const Label> y_true, std::span<const Label> y_pred, std::span<const Label> labels) {
  Counts c{std::vector<double>(labels.size()), std::vector<double>(labels.size()),
           std::vector<double>(labels.size())};
  for (size_t i = 0; i < y_true.size(); ++i) {
    int64_t t = IndexOf(labels, y_true[i]);
    int64_t p = IndexOf(labels, y_pred[i]);
    if (t >= 0) c.truth[t] += 1;
    if (p >= 0) c.pred[p] += 1;
    if (t >= 0 && t == p) c.tp[t] += 1;
  }
  return c;
}

// sklearn's _prf_divide with zero_division=0, then the F-score from precision and recall
// exactly as precision_recall_fscore_support computes it.
Prf FromCounts(double tp, double pred, double truth) {
  Prf r;
  r.precision = pred == 0 ? 0.0 : tp / pred;
  r.recall = truth == 0 ? 0.0 : tp / truth;
  double denom = r.precision + r.recall;
  if (denom == 0.0) denom = 1;
  r.f1 = 2.0 * r.precision * r.recall / denom;
  return r;
}

// np.average(values, weights): sum(w * v) / sum(w).
double WeightedMean(const std::vector<double>& v, const std::vector<double>* w) {
  if (!w) return internal::Mean(v);
  std::vector<double> prod(v.size());
  for (size_t i = 0; i < v.size(); ++i) prod[i] = v[i] * (*w)[i];
  return internal::Sum(prod) / internal::Sum(*w);
}

Prf Averaged(const Counts& c, Average average) {
  if (average == Average::kMicro) {
    return FromCounts(internal::Sum(c.tp), internal::Sum(c.pred), internal::Sum(c.truth));
  }
  std::vector<double> p, r, f;
  for (size_t i = 0; i < c.tp.size(); ++i) {
    Prf x = FromCounts(c.tp[i], c.pred[i], c.truth[i]);
    p.push_back(x.precision);
    r.push_back(x.recall);
    f.push_back(x.f1);
  }
  const std::vector<double>* w = nullptr;
  if (average == Average::kWeighted) {
    if (internal::Sum(c.truth) == 0) {
      // No true sample of any listed class: sklearn returns zero_division (0) for all three.
      return Prf{0, 0, 0};
    }
    w = &c.truth;
  }
  return Prf{WeightedMean(p, w), WeightedMean(r, w), WeightedMean(f, w)};
}

}  // namespace

Result<double> Accuracy(std::span<const Label> y_true, std::span<const Label> y_pred) {
  RETURN_IF_ERROR(CheckPair(y_true, y_pred));
  int64_t hits = 0;
  for (size_t i = 0; i < y_true.size(); ++i) hits += y_true[i] == y_pred[i];
  return static_cast<double>(hits) / static_cast<double>(y_true.size());
}

Result<Prf> PrecisionRecallF1(std::span<const Label> y_true, std::span<const Label> y_pred, Average average,
                              Label pos_label) {
  RETURN_IF_ERROR(CheckPair(y_true, y_pred));
  std::vector<Label> labels = UniqueLabels(y_true, y_pred);
  if (average == Average::kBinary) {
    if (labels.size() > 2) {
      return InvalidArgument("average=binary needs at most two classes; y_true and y_pred hold " +
                             std::to_string(labels.size()) + " " + LabelList(labels) +
                             " (use micro, macro or weighted)");
    }
    if (labels.size() == 2 && IndexOf(labels, pos_label) < 0) {
      return InvalidArgument("pos_label=" + std::to_string(pos_label) + " is not one of the labels " +
                             LabelList(labels));
    }
    std::vector<Label> one = {pos_label};
    Counts c = CountPerLabel(y_true, y_pred, one);
    return FromCounts(c.tp[0], c.pred[0], c.truth[0]);
  }
  return Averaged(CountPerLabel(y_true, y_pred, labels), average);
}

Result<ClassificationReport> ClassReport(std::span<const Label> y_true, std::span<const Label> y_pred,
                                         std::span<const Label> labels) {
  RETURN_IF_ERROR(CheckPair(y_true, y_pred));
  std::vector<Label> order(labels.begin(), labels.end());
  if (order.empty()) order = UniqueLabels(y_true, y_pred);
  std::vector<Label> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return InvalidArgument("labels must be distinct");
  }
  Counts by_sorted = CountPerLabel(y_true, y_pred, sorted);
  // Reorder the counts to the caller's order.
  Counts c;
  for (Label l : order) {
    int64_t k = IndexOf(sorted, l);
    c.tp.push_back(by_sorted.tp[k]);
    c.pred.push_back(by_sorted.pred[k]);
    c.truth.push_back(by_sorted.truth[k]);
  }
  ClassificationReport r;
  r.n = static_cast<int64_t>(y_true.size());
  for (size_t i = 0; i < order.size(); ++i) {
    Prf x = FromCounts(c.tp[i], c.pred[i], c.truth[i]);
    r.per_class.push_back(ClassStats{order[i], x.precision, x.recall, x.f1, static_cast<int64_t>(c.truth[i]),
                                     static_cast<int64_t>(c.pred[i])});
  }
  r.micro = Averaged(c, Average::kMicro);
  r.macro = Averaged(c, Average::kMacro);
  r.weighted = Averaged(c, Average::kWeighted);
  ASSIGN_OR_RETURN(r.accuracy, Accuracy(y_true, y_pred));
  return r;
}

Result<ConfusionMatrix> Confusion(std::span<const Label> y_true, std::span<const Label> y_pred,
                                  std::span<const Label> labels) {
  RETURN_IF_ERROR(CheckPair(y_true, y_pred));
  ConfusionMatrix m;
  m.labels.assign(labels.begin(), labels.end());
  if (m.labels.empty()) m.labels = UniqueLabels(y_true, y_pred);
  // Position of each label in the caller's order, looked up through a sorted copy.
  std::vector<std::pair<Label, size_t>> pos;
  for (size_t i = 0; i < m.labels.size(); ++i) pos.emplace_back(m.labels[i], i);
  std::sort(pos.begin(), pos.end());
  for (size_t i = 1; i < pos.size(); ++i) {
    if (pos[i].first == pos[i - 1].first) return InvalidArgument("labels must be distinct");
  }
  auto find = [&](Label l) -> int64_t {
    auto it = std::lower_bound(pos.begin(), pos.end(), std::make_pair(l, size_t{0}));
    if (it == pos.end() || it->first != l) return -1;
    return static_cast<int64_t>(it->second);
  };
  const size_t k = m.labels.size();
  m.counts.assign(k * k, 0);
  bool any_true = false;
  for (size_t i = 0; i < y_true.size(); ++i) {
    int64_t t = find(y_true[i]);
    int64_t p = find(y_pred[i]);
    any_true |= t >= 0;
    if (t >= 0 && p >= 0) ++m.counts[t * k + p];
  }
  if (!any_true) return InvalidArgument("none of the given labels occurs in y_true");
  return m;
}

Result<double> BalancedAccuracy(std::span<const Label> y_true, std::span<const Label> y_pred) {
  ASSIGN_OR_RETURN(ConfusionMatrix m, Confusion(y_true, y_pred));
  std::vector<double> per_class;
  const size_t k = m.labels.size();
  for (size_t r = 0; r < k; ++r) {
    int64_t row = 0;
    for (size_t c = 0; c < k; ++c) row += m.at(r, c);
    if (row > 0) per_class.push_back(static_cast<double>(m.at(r, r)) / static_cast<double>(row));
  }
  return internal::Mean(per_class);
}

Result<double> CohenKappa(std::span<const Label> a, std::span<const Label> b, KappaWeights weights) {
  RETURN_IF_ERROR(CheckPair(a, b, "y1", "y2"));
  ASSIGN_OR_RETURN(ConfusionMatrix m, Confusion(a, b));
  const size_t k = m.labels.size();
  std::vector<double> sum0(k), sum1(k);  // column sums (b), row sums (a)
  for (size_t r = 0; r < k; ++r) {
    for (size_t c = 0; c < k; ++c) {
      sum0[c] += static_cast<double>(m.at(r, c));
      sum1[r] += static_cast<double>(m.at(r, c));
    }
  }
  const double total = internal::Sum(sum0);
  std::vector<double> observed, expected;
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = 0; j < k; ++j) {
      double d = std::fabs(static_cast<double>(i) - static_cast<double>(j));
      double w = weights == KappaWeights::kNone ? (i == j ? 0.0 : 1.0)
                 : weights == KappaWeights::kLinear ? d
                                                    : d * d;
      // sklearn: expected = outer(sum0, sum1) / total, indexed [i][j].
      observed.push_back(w * static_cast<double>(m.at(i, j)));
      expected.push_back(w * (sum0[i] * sum1[j] / total));
    }
  }
  const double e = internal::Sum(expected);
  if (e == 0) return std::nan("");
  return 1.0 - internal::Sum(observed) / e;
}

Result<double> MatthewsCorrcoef(std::span<const Label> y_true, std::span<const Label> y_pred) {
  ASSIGN_OR_RETURN(ConfusionMatrix m, Confusion(y_true, y_pred));
  const size_t k = m.labels.size();
  std::vector<double> t_sum(k), p_sum(k);
  double n_correct = 0;
  for (size_t r = 0; r < k; ++r) {
    for (size_t c = 0; c < k; ++c) {
      t_sum[r] += static_cast<double>(m.at(r, c));
      p_sum[c] += static_cast<double>(m.at(r, c));
    }
    n_correct += static_cast<double>(m.at(r, r));
  }
  const double n = static_cast<double>(y_true.size());
  double tp = 0, pp = 0, tt = 0;
  for (size_t i = 0; i < k; ++i) {
    tp += t_sum[i] * p_sum[i];
    pp += p_sum[i] * p_sum[i];
    tt += t_sum[i] * t_sum[i];
  }
  const double cov_ytyp = n_correct * n - tp;
  const double cov_ypyp = n * n - pp;
  const double cov_ytyt = n * n - tt;
  if (cov_ypyp * cov_ytyt == 0) return 0.0;
  return cov_ytyp / std::sqrt(cov_ytyt * cov_ypyp);
}

namespace {

constexpr double kLogLossEps = 2.220446049250313e-16;  // np.finfo(np.float64).eps

double Clip(double p) { return std::min(std::max(p, kLogLossEps), 1.0 - kLogLossEps); }

}  // namespace

Result<double> LogLoss(std::span<const Label> y_true, const ScoreMatrix& proba) {
  RETURN_IF_ERROR(CheckNonEmpty(y_true.size(), "y_true"));
  RETURN_IF_ERROR(internal::CheckScoreMatrix(proba, y_true.size(), /*probabilities=*/true, "y_proba"));
  std::vector<double> losses(y_true.size());
  const size_t k = proba.cols();
  for (size_t i = 0; i < y_true.size(); ++i) {
    int64_t c = IndexOf(proba.classes, y_true[i]);
    if (c < 0) {
      return InvalidArgument("y_true[" + std::to_string(i) + "] = " + std::to_string(y_true[i]) +
                             " is not one of the y_proba classes " + LabelList(proba.classes));
    }
    double row = 0;
    for (size_t j = 0; j < k; ++j) row += Clip(proba.at(i, j));
    losses[i] = -std::log(Clip(proba.at(i, c)) / row);
  }
  return internal::Mean(losses);
}

Result<double> LogLossBinary(std::span<const Label> y_true, std::span<const double> p, Label pos_label) {
  RETURN_IF_ERROR(CheckSameLength(y_true.size(), p.size(), "y_true", "y_prob"));
  RETURN_IF_ERROR(CheckNonEmpty(y_true.size(), "y_true"));
  RETURN_IF_ERROR(internal::CheckProbabilities(p, "y_prob"));
  std::vector<Label> labels = UniqueLabels(y_true);
  if (labels.size() > 2) {
    return InvalidArgument("binary log loss got " + std::to_string(labels.size()) + " classes in y_true " +
                           LabelList(labels) + "; pass a probability matrix instead");
  }
  std::vector<double> losses(y_true.size());
  for (size_t i = 0; i < y_true.size(); ++i) {
    double q = Clip(p[i]);
    double r = Clip(1.0 - p[i]);
    double row = r + q;
    losses[i] = -std::log((y_true[i] == pos_label ? q : r) / row);
  }
  return internal::Mean(losses);
}

Result<double> TopKAccuracy(std::span<const Label> y_true, const ScoreMatrix& scores, int k) {
  RETURN_IF_ERROR(CheckNonEmpty(y_true.size(), "y_true"));
  RETURN_IF_ERROR(internal::CheckScoreMatrix(scores, y_true.size(), /*probabilities=*/false, "y_score"));
  if (k < 1) return InvalidArgument("k must be at least 1, got " + std::to_string(k));
  const size_t cols = scores.cols();
  int64_t hits = 0;
  for (size_t i = 0; i < y_true.size(); ++i) {
    int64_t t = IndexOf(scores.classes, y_true[i]);
    if (t < 0) {
      return InvalidArgument("y_true[" + std::to_string(i) + "] = " + std::to_string(y_true[i]) +
                             " is not one of the y_score classes " + LabelList(scores.classes));
    }
    // Columns ranked above t: a higher score, or an equal score in a later column.
    size_t above = 0;
    const double s = scores.at(i, t);
    for (size_t j = 0; j < cols; ++j) {
      double v = scores.at(i, j);
      if (v > s || (v == s && j > static_cast<size_t>(t))) ++above;
    }
    hits += above < static_cast<size_t>(k);
  }
  return static_cast<double>(hits) / static_cast<double>(y_true.size());
}

}  // namespace moebius::eval
