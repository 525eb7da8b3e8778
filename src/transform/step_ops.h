// The arithmetic of each step on one value, shared by Fit (which transforms the training column
// step by step to fit the next step) and Transformer (training and serving), so that there is
// exactly one definition of every formula. Internal to src/transform.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "transform/spec.h"

namespace moebius::transform::internal {

// A numeric, non-final step with its learned values in two slots.
struct NumericOp {
  StepKind kind = StepKind::kPassthrough;
  double a = 0;  // impute: fill; min_max: min; z_score: mean
  double b = 0;  // min_max: max - min; z_score: std
};

inline NumericOp CompileNumeric(const FittedStep& s) {
  NumericOp op;
  op.kind = s.config.kind;
  switch (s.config.kind) {
    case StepKind::kImpute: op.a = std::get<double>(s.fill); break;
    case StepKind::kMinMax: op.a = s.min; op.b = s.max - s.min; break;
    case StepKind::kZScore: op.a = s.mean; op.b = s.std; break;
    default: break;
  }
  return op;
}

// NaN is a missing value: only impute replaces it, every other step passes it through.
inline double RunNumeric(const NumericOp& op, double x) {
  switch (op.kind) {
    case StepKind::kImpute:
      return std::isnan(x) ? op.a : x;
    case StepKind::kLog:
      if (std::isnan(x)) return x;
      return std::log1p(x > 0 ? x : 0.0);  // negative input clamps to 0 (config.h)
    case StepKind::kMinMax:
    case StepKind::kZScore:
      if (std::isnan(x)) return x;
      return op.b > 0 ? (x - op.a) / op.b : 0.0;
    default:
      return x;
  }
}

// The bucket of x: the number of boundaries <= x, so bucket i holds [b[i-1], b[i]).
inline double BucketOf(const std::vector<double>& boundaries, double x) {
  if (std::isnan(x)) return x;
  return static_cast<double>(std::upper_bound(boundaries.begin(), boundaries.end(), x) - boundaries.begin());
}

// Sorted, deduplicated quantile cut points: the boundaries a bucketize step learns.
std::vector<double> BucketBoundaries(std::vector<double> present, int64_t buckets);

}  // namespace moebius::transform::internal
