// Classification metrics from labels and scores (EVAL-1), with scikit-learn 1.2's definitions:
// each function names the sklearn function it equals, and tests/eval compares them on random
// data to 1e-9. Labels are integers (eval/common.h); unweighted samples.
//
// Undefined ratios (a class never predicted has no precision, one never present has no recall)
// are 0, sklearn's default zero_division="warn" without the warning. Input errors — lengths
// that differ, empty input, NaN, a probability outside [0, 1] or a probability row not summing
// to 1, a label unknown to the score matrix — are kInvalidArgument with a message naming the
// argument.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "base/status.h"
#include "eval/common.h"

namespace moebius::eval {

// Fraction of samples with y_pred == y_true (accuracy_score).
Result<double> Accuracy(std::span<const Label> y_true, std::span<const Label> y_pred);

struct Prf {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

// precision_recall_fscore_support(average=...)[:3] over the sorted union of labels. kBinary
// scores the class pos_label only and needs at most two distinct labels in y_true ∪ y_pred
// (sklearn's rule; a third label is kInvalidArgument naming the labels found), and pos_label
// must be one of them when two are present (with one label present and pos_label absent every
// score is 0, as in sklearn).
Result<Prf> PrecisionRecallF1(std::span<const Label> y_true, std::span<const Label> y_pred, Average average,
                              Label pos_label = 1);

struct ClassStats {
  Label label = 0;
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  int64_t support = 0;    // samples of this class in y_true
  int64_t predicted = 0;  // samples predicted as this class
};

// classification_report(output_dict=True): per-class scores plus the micro, macro and
// weighted averages and the accuracy. `labels` (distinct) fixes which classes appear and in
// which order; empty means the sorted union of y_true and y_pred. Averages are over the listed
// classes, as sklearn's labels= argument does.
struct ClassificationReport {
  std::vector<ClassStats> per_class;
  Prf micro, macro, weighted;
  double accuracy = 0;
  int64_t n = 0;
};
Result<ClassificationReport> ClassReport(std::span<const Label> y_true, std::span<const Label> y_pred,
                                         std::span<const Label> labels = {});

// Mean per-class recall over the classes present in y_true (balanced_accuracy_score,
// adjusted=False); a class only predicted, never true, is left out as sklearn does.
Result<double> BalancedAccuracy(std::span<const Label> y_true, std::span<const Label> y_pred);

enum class KappaWeights { kNone, kLinear, kQuadratic };
// Cohen's kappa between two raters (cohen_kappa_score); weights apply to the distance between
// label indices in the sorted union. NaN when the expected disagreement is 0 (both raters use
// one and the same class), like sklearn.
Result<double> CohenKappa(std::span<const Label> a, std::span<const Label> b,
                          KappaWeights weights = KappaWeights::kNone);

// Matthews correlation coefficient, multiclass form (matthews_corrcoef); 0 when either
// marginal is constant.
Result<double> MatthewsCorrcoef(std::span<const Label> y_true, std::span<const Label> y_pred);

// counts[r * labels.size() + c] = samples with y_true == labels[r] and y_pred == labels[c]
// (confusion_matrix: rows true, columns predicted).
struct ConfusionMatrix {
  std::vector<Label> labels;
  std::vector<int64_t> counts;
  int64_t at(size_t true_index, size_t pred_index) const { return counts[true_index * labels.size() + pred_index]; }
};
// `labels` (distinct, any order) fixes rows and columns; samples whose true or predicted label
// is not listed are not counted. Empty `labels` means the sorted union. kInvalidArgument when
// none of `labels` occurs in y_true (sklearn's rule).
Result<ConfusionMatrix> Confusion(std::span<const Label> y_true, std::span<const Label> y_pred,
                                  std::span<const Label> labels = {});

// Mean negative log-likelihood (log_loss with eps="auto"): each probability is clipped to
// [eps, 1 - eps], eps = 2^-52, and the row renormalized, as sklearn 1.2 does. Every y_true label
// must be a column of `proba`; rows must sum to 1 (see CheckScoreMatrix).
Result<double> LogLoss(std::span<const Label> y_true, const ScoreMatrix& proba);
// Binary form: p[i] is the probability that sample i is pos_label; y_true may hold at most two
// distinct labels.
Result<double> LogLossBinary(std::span<const Label> y_true, std::span<const double> p, Label pos_label = 1);

// Fraction of samples whose true class is among the k highest scores (top_k_accuracy_score
// for multiclass scores). Among equal scores the later column ranks higher, as sklearn's
// reversed stable argsort does. 1 <= k; every y_true label must be a column.
Result<double> TopKAccuracy(std::span<const Label> y_true, const ScoreMatrix& scores, int k);

}  // namespace moebius::eval
