// Feature selection helpers over transformed features (FE-2): drop near-duplicate features by
// correlation, and rank features by how much they tell about a label.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "transform/transformer.h"

namespace moebius::transform {

struct CorrelationDrop {
  std::string feature;  // dropped
  std::string kept;     // the earlier feature it correlates with
  double r = 0;         // Pearson's r between them
};

struct CorrelationFilterResult {
  std::vector<std::string> kept;  // in feature order
  std::vector<CorrelationDrop> dropped;
};

// Walks the features in order and drops a feature when |r| > threshold against any feature
// already kept, so of each correlated pair the earlier one (in spec order) stays: the result
// depends only on the data and the spec, never on hashing or timing. r uses the rows where both
// values are present; a constant feature has no r and is never dropped for correlation.
// kInvalidArgument when threshold is outside [0, 1].
Result<CorrelationFilterResult> CorrelationFilter(const FeatureMatrix& m, double threshold);

enum class LabelKind { kNumeric, kCategorical };
enum class ImportanceMethod { kMutualInformation, kAbsPearson };
const char* ImportanceMethodName(ImportanceMethod m);  // "mutual_information", "abs_pearson"

struct ImportanceOptions {
  LabelKind label = LabelKind::kNumeric;
  // Equal-frequency bins (the bucketize rule) for the continuous side of a mutual information.
  int bins = 10;
};

struct FeatureScore {
  std::string feature;
  double score = 0;
  ImportanceMethod method = ImportanceMethod::kAbsPearson;
};

// Scores every feature against `label` (one value per row; NaN rows are skipped per feature):
//   - discrete feature (bucket, one-hot slot, vocabulary id, hash) or categorical label:
//     mutual information in nats, the continuous side binned into `bins` equal-frequency bins;
//   - continuous feature and numeric label: |Pearson r| (0 when undefined).
// Sorted by score, highest first, ties by feature name. Scores of the two methods are on
// different scales; compare within a method. kInvalidArgument when the label length differs from
// the row count or bins is outside [2, 1000].
Result<std::vector<FeatureScore>> RankFeatures(const FeatureMatrix& m, std::span<const double> label,
                                               const ImportanceOptions& options = {});

}  // namespace moebius::transform
