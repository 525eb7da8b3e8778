// Threshold curves and the areas under them (EVAL-1): ROC, precision-recall, ROC-AUC, average
// precision, calibration. Definitions are scikit-learn 1.2.1's, point for point:
//
// - Scores are sorted descending; each distinct score is one threshold (ties form one step).
// - RocCurve with drop_intermediate keeps a point only where the second difference of the
//   false or true positive counts is non-zero, then prepends (0, 0) with threshold
//   thresholds[0] + 1 (sklearn 1.2; 1.3 changed that first threshold to +inf).
// - PrCurve lists thresholds ascending, recall decreasing, and ends with (precision 1,
//   recall 0) that has no threshold.
// - AveragePrecision is the step sum Σ (R_n − R_{n−1}) P_n over that curve, not the trapezoid.
//
// The positive class is y_true == pos_label; y_true holds at most two distinct labels.
// ROC needs both a positive and a negative sample, PR and AP at least one positive: a single
// class is kInvalidArgument (sklearn warns and returns NaN or 0). NaN or infinite scores,
// empty input and length mismatches are kInvalidArgument.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"
#include "eval/common.h"

namespace moebius::eval {

struct RocCurve {
  std::vector<double> fpr, tpr, thresholds;
};
Result<RocCurve> Roc(std::span<const Label> y_true, std::span<const double> y_score, Label pos_label = 1,
                     bool drop_intermediate = true);

struct PrCurve {
  std::vector<double> precision, recall;  // one longer than thresholds
  std::vector<double> thresholds;
};
Result<PrCurve> PrecisionRecall(std::span<const Label> y_true, std::span<const double> y_score,
                                Label pos_label = 1);

// Area under the ROC curve by the trapezoidal rule (roc_auc_score for binary y_true with the
// positive class given explicitly).
Result<double> RocAuc(std::span<const Label> y_true, std::span<const double> y_score, Label pos_label = 1);
// One-vs-rest multiclass ROC-AUC (roc_auc_score(multi_class="ovr")): the binary AUC of each
// column against the rest, averaged with kMacro or kWeighted (by support). Rows of `proba`
// must be probabilities summing to 1 and its classes must be exactly the classes in y_true.
Result<double> RocAucOvr(std::span<const Label> y_true, const ScoreMatrix& proba, Average average);

// average_precision_score (binary).
Result<double> AveragePrecision(std::span<const Label> y_true, std::span<const double> y_score,
                                Label pos_label = 1);
// One-vs-rest average precision: average_precision_score(label_binarize(y_true, classes),
// scores, average=...) with kMacro or kWeighted; the classes must be exactly those in y_true.
Result<double> AveragePrecisionOvr(std::span<const Label> y_true, const ScoreMatrix& scores, Average average);

enum class BinStrategy { kUniform, kQuantile };
// calibration_curve: n_bins bins over [0, 1] (uniform) or at the quantiles of y_prob (numpy's
// linear percentile); a value on an inner edge falls in the lower bin. Empty bins are left out,
// so the vectors may be shorter than n_bins. y_prob in [0, 1]; n_bins >= 1.
struct CalibrationCurve {
  std::vector<double> prob_true;  // fraction of positives per non-empty bin
  std::vector<double> prob_pred;  // mean predicted probability per non-empty bin
  std::vector<int64_t> count;     // samples per non-empty bin
};
Result<CalibrationCurve> Calibration(std::span<const Label> y_true, std::span<const double> y_prob,
                                     int n_bins = 5, BinStrategy strategy = BinStrategy::kUniform,
                                     Label pos_label = 1);

}  // namespace moebius::eval
