#include "transform/selection.h"

#include <algorithm>
#include <cmath>

#include "transform/stats.h"
#include "transform/step_ops.h"

namespace moebius::transform {
namespace {

// Codes for a discrete variable: each distinct value's rank among the distinct values.
std::vector<int64_t> Codes(const std::vector<double>& x) {
  std::vector<double> distinct = x;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<int64_t> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    out[i] = std::lower_bound(distinct.begin(), distinct.end(), x[i]) - distinct.begin();
  }
  return out;
}

// Codes for a continuous variable: its equal-frequency bin.
std::vector<int64_t> Binned(const std::vector<double>& x, int bins) {
  std::vector<double> boundaries = internal::BucketBoundaries(x, bins);
  std::vector<int64_t> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = static_cast<int64_t>(internal::BucketOf(boundaries, x[i]));
  return out;
}

}  // namespace

const char* ImportanceMethodName(ImportanceMethod m) {
  return m == ImportanceMethod::kMutualInformation ? "mutual_information" : "abs_pearson";
}

Result<CorrelationFilterResult> CorrelationFilter(const FeatureMatrix& m, double threshold) {
  if (!(threshold >= 0 && threshold <= 1)) return InvalidArgument("threshold must be between 0 and 1");
  CorrelationFilterResult result;
  std::vector<std::vector<double>> kept_values;
  for (size_t j = 0; j < m.cols(); ++j) {
    std::vector<double> values = m.ColumnValues(j);
    bool dropped = false;
    for (size_t k = 0; k < kept_values.size(); ++k) {
      double r = stats::Pearson(kept_values[k], values);
      if (!std::isnan(r) && std::fabs(r) > threshold) {
        result.dropped.push_back({m.features[j].name, result.kept[k], r});
        dropped = true;
        break;
      }
    }
    if (!dropped) {
      result.kept.push_back(m.features[j].name);
      kept_values.push_back(std::move(values));
    }
  }
  return result;
}

Result<std::vector<FeatureScore>> RankFeatures(const FeatureMatrix& m, std::span<const double> label,
                                               const ImportanceOptions& options) {
  if (label.size() != m.rows) {
    return InvalidArgument("label has " + std::to_string(label.size()) + " values, the features have " +
                           std::to_string(m.rows) + " rows");
  }
  if (options.bins < 2 || options.bins > 1000) return InvalidArgument("bins must be between 2 and 1000");
  const bool label_discrete = options.label == LabelKind::kCategorical;
  std::vector<FeatureScore> scores;
  for (size_t j = 0; j < m.cols(); ++j) {
    const bool feature_discrete = m.features[j].discrete;
    std::vector<double> x, y;
    for (size_t r = 0; r < m.rows; ++r) {
      double v = m.at(r, j);
      if (std::isnan(v) || std::isnan(label[r])) continue;
      x.push_back(v);
      y.push_back(label[r]);
    }
    FeatureScore s;
    s.feature = m.features[j].name;
    if (feature_discrete || label_discrete) {
      s.method = ImportanceMethod::kMutualInformation;
      if (!x.empty()) {
        std::vector<int64_t> cx = feature_discrete ? Codes(x) : Binned(x, options.bins);
        std::vector<int64_t> cy = label_discrete ? Codes(y) : Binned(y, options.bins);
        s.score = stats::MutualInformation(cx, cy);
      }
    } else {
      s.method = ImportanceMethod::kAbsPearson;
      double r = stats::Pearson(x, y);
      s.score = std::isnan(r) ? 0 : std::fabs(r);
    }
    scores.push_back(std::move(s));
  }
  std::sort(scores.begin(), scores.end(), [](const FeatureScore& a, const FeatureScore& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.feature < b.feature;
  });
  return scores;
}

}  // namespace moebius::transform
