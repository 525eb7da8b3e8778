// Fit: learn a TransformSpec from a declarative TransformConfig and a training table.
#pragma once

#include "base/status.h"
#include "transform/config.h"
#include "transform/spec.h"
#include "transform/table.h"

namespace moebius::transform {

// Fits each entry's steps in order, each on the column as transformed by the steps before it
// (so `impute` then `z_score` standardizes the imputed column). Statistics skip missing values
// (NaN, nullopt):
//   impute      mean (compensated sum), median, most_frequent (ties: smallest number or
//               lexicographically smallest string), constant (the given value)
//   min_max     min and max; z_score: mean and population std
//   bucketize   the buckets-1 equal-frequency cut points (statistics.quantiles, method
//               'inclusive'), duplicates removed — so a skewed column may get fewer buckets
//   one_hot, vocabulary: values seen at least min_frequency times, most frequent first, ties by
//               value (byte order), at most top_k of them
// Errors (kInvalidArgument): a config column missing from the table; a step that does not fit the
// column's type (see CheckStepTypes); an infinite value in a numeric column (names column and
// row); a statistic with no value to learn from (e.g. min_max on a column with every value
// missing and no impute before it); two entries producing the same feature name (e.g. a
// vocabulary value "__oov__").
Result<TransformSpec> Fit(const TransformConfig& config, const Table& table);

}  // namespace moebius::transform
