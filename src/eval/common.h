// Types and input checks shared by the evaluation metrics (EVAL-1). Internal to src/eval apart
// from Label, ScoreMatrix and Average, which appear in the public signatures.
//
// Every metric validates its input before computing and returns kInvalidArgument with a
// message naming the argument (length mismatch, empty input, NaN or infinity, a probability
// outside [0, 1], rows of a probability matrix not summing to 1); no metric aborts on input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace moebius::eval {

// A class label. Callers with string classes map them to integers first (the order of the
// integers is the order of rows and columns in confusion matrices and score matrices).
using Label = int64_t;

// How per-class scores are combined, with scikit-learn's meanings: kBinary reports the
// positive class only; kMicro pools the counts of all classes; kMacro is the unweighted mean of
// the per-class scores; kWeighted weights each class by its support (its count in y_true).
enum class Average { kBinary, kMicro, kMacro, kWeighted };
const char* AverageName(Average a);

// Per-class scores for n samples, row-major: values[i * classes.size() + c] is the score of
// sample i for classes[c]. classes are distinct and ascending (scikit-learn's column order).
struct ScoreMatrix {
  std::vector<Label> classes;
  std::vector<double> values;

  size_t cols() const { return classes.size(); }
  size_t rows() const { return classes.empty() ? 0 : values.size() / classes.size(); }
  double at(size_t row, size_t col) const { return values[row * classes.size() + col]; }
};

namespace internal {

Status CheckNonEmpty(size_t n, const char* what);
Status CheckSameLength(size_t a, size_t b, const char* what_a, const char* what_b);
// Every value finite (no NaN, no infinity).
Status CheckFinite(std::span<const double> x, const char* what);
// Every value finite and in [0, 1].
Status CheckProbabilities(std::span<const double> x, const char* what);
// Shape (values a whole number of rows of classes.size()), distinct ascending classes, finite
// values; with `probabilities`, values in [0, 1] and each row summing to 1 within numpy's
// allclose tolerance (|sum - 1| <= 1e-8 + 1e-5 * |sum|), the check scikit-learn applies to
// multiclass ROC-AUC scores.
Status CheckScoreMatrix(const ScoreMatrix& m, size_t n_rows, bool probabilities, const char* what);
// Sorted distinct labels of the union of the given arrays.
std::vector<Label> UniqueLabels(std::span<const Label> a, std::span<const Label> b = {});
// Index of `label` in sorted `labels`, or -1.
int64_t IndexOf(std::span<const Label> labels, Label label);
// Sum with Neumaier's compensation, so long sums agree with numpy's pairwise sums to ~1 ulp.
double Sum(std::span<const double> x);
double Mean(std::span<const double> x);
std::string LabelList(std::span<const Label> labels);

}  // namespace internal
}  // namespace moebius::eval
