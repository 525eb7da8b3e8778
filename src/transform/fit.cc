#include "transform/fit.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "transform/stats.h"
#include "transform/step_ops.h"

namespace moebius::transform {

namespace internal {

std::vector<double> BucketBoundaries(std::vector<double> present, int64_t buckets) {
  std::vector<double> cuts = stats::QuantileCuts(std::move(present), static_cast<int>(buckets));
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());  // cuts come out sorted
  return cuts;
}

}  // namespace internal

namespace {

std::vector<double> Present(const std::vector<double>& x) {
  std::vector<double> out;
  out.reserve(x.size());
  for (double v : x) {
    if (!std::isnan(v)) out.push_back(v);
  }
  return out;
}

Status NoValues(const std::string& where, const std::string& column, StepKind kind) {
  return InvalidArgument(where + ": column '" + column + "' has no values to fit " + StepKindName(kind) +
                         " on (every value is missing; impute first)");
}

Status FitNumeric(const std::string& where, const Column& column, FittedColumn* out, const std::vector<StepConfig>& steps) {
  std::vector<double> x = column.numbers;
  for (size_t r = 0; r < x.size(); ++r) {
    if (std::isinf(x[r])) {
      return InvalidArgument("column '" + column.name + "' row " + std::to_string(r) +
                             ": infinite values cannot be fitted; use NaN for a missing value");
    }
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string at = where + ".steps[" + std::to_string(i) + "]";
    FittedStep s;
    s.config = steps[i];
    std::vector<double> present = Present(x);
    switch (s.config.kind) {
      case StepKind::kImpute:
        if (s.config.strategy == ImputeStrategy::kConstant) {
          s.fill = *s.config.value;
          break;
        }
        if (present.empty()) return NoValues(at, column.name, s.config.kind);
        switch (s.config.strategy) {
          case ImputeStrategy::kMean: s.fill = stats::Mean(present); break;
          case ImputeStrategy::kMedian: s.fill = stats::Median(std::move(present)); break;
          default: s.fill = stats::MostFrequent(std::move(present)); break;
        }
        break;
      case StepKind::kMinMax: {
        if (present.empty()) return NoValues(at, column.name, s.config.kind);
        auto [lo, hi] = std::minmax_element(present.begin(), present.end());
        s.min = *lo;
        s.max = *hi;
        break;
      }
      case StepKind::kZScore:
        if (present.empty()) return NoValues(at, column.name, s.config.kind);
        s.mean = stats::Mean(present);
        s.std = stats::PopulationStd(present, s.mean);
        break;
      case StepKind::kBucketize:
        if (present.empty()) return NoValues(at, column.name, s.config.kind);
        s.boundaries = internal::BucketBoundaries(std::move(present), s.config.buckets);
        break;
      default:
        break;
    }
    bool finite = std::isfinite(s.max - s.min) && std::isfinite(s.mean) && std::isfinite(s.std) &&
                  (!std::holds_alternative<double>(s.fill) || std::isfinite(std::get<double>(s.fill)));
    if (!finite) {
      return InvalidArgument(at + ": column '" + column.name + "' overflows while fitting " +
                             StepKindName(s.config.kind) + "; its values are too large");
    }
    if (s.config.kind != StepKind::kBucketize) {
      internal::NumericOp op = internal::CompileNumeric(s);
      for (double& v : x) {
        v = internal::RunNumeric(op, v);
        // A transformed training value can overflow (log of 1e308 is fine, min_max of a huge
        // range is not); an infinity would poison the next step's statistics.
        if (std::isinf(v)) {
          return InvalidArgument(at + ": column '" + column.name + "' overflows to infinity after " +
                                 StepKindName(s.config.kind));
        }
      }
    }
    out->steps.push_back(std::move(s));
  }
  return Status::Ok();
}

std::vector<std::string> FitVocabulary(const std::vector<const std::string*>& x, const StepConfig& config) {
  std::map<std::string_view, int64_t> counts;
  for (const std::string* v : x) {
    if (v != nullptr) ++counts[*v];
  }
  std::vector<std::pair<std::string_view, int64_t>> ranked;
  for (const auto& [value, count] : counts) {
    if (count >= config.min_frequency) ranked.emplace_back(value, count);
  }
  // Stable sort over the map's value order: equal counts stay sorted by value.
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (config.top_k > 0 && static_cast<int64_t>(ranked.size()) > config.top_k) ranked.resize(config.top_k);
  std::vector<std::string> vocab;
  vocab.reserve(ranked.size());
  for (const auto& [value, count] : ranked) vocab.emplace_back(value);
  return vocab;
}

Status FitString(const std::string& where, const Column& column, FittedColumn* out, const std::vector<StepConfig>& steps) {
  // Values as pointers into the table (nullptr = missing); impute points them at its fill.
  std::vector<const std::string*> x(column.strings.size());
  for (size_t r = 0; r < x.size(); ++r) x[r] = column.strings[r] ? &*column.strings[r] : nullptr;
  out->steps.reserve(steps.size());  // the pointers to fills below must stay put
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string at = where + ".steps[" + std::to_string(i) + "]";
    FittedStep s;
    s.config = steps[i];
    switch (s.config.kind) {
      case StepKind::kImpute: {
        if (s.config.strategy == ImputeStrategy::kConstant) {
          s.fill = *s.config.value;
        } else {
          std::map<std::string_view, int64_t> counts;
          for (const std::string* v : x) {
            if (v != nullptr) ++counts[*v];
          }
          if (counts.empty()) return NoValues(at, column.name, s.config.kind);
          std::string_view best;
          int64_t best_count = 0;
          for (const auto& [value, count] : counts) {
            if (count > best_count) {  // map order: the smallest value wins ties
              best = value;
              best_count = count;
            }
          }
          s.fill = std::string(best);
        }
        out->steps.push_back(std::move(s));
        const std::string* fill = &std::get<std::string>(out->steps.back().fill);
        for (auto& v : x) {
          if (v == nullptr) v = fill;
        }
        continue;
      }
      case StepKind::kOneHot:
      case StepKind::kVocabulary:
        s.vocabulary = FitVocabulary(x, s.config);
        break;
      default:
        break;
    }
    out->steps.push_back(std::move(s));
  }
  return Status::Ok();
}

}  // namespace

Result<TransformSpec> Fit(const TransformConfig& config, const Table& table) {
  TransformSpec spec;
  for (size_t i = 0; i < config.columns.size(); ++i) {
    const ColumnConfig& cc = config.columns[i];
    std::string where = "columns[" + std::to_string(i) + "]";
    const Column* column = table.Find(cc.column);
    if (column == nullptr) return InvalidArgument(where + ".column: the table has no column '" + cc.column + "'");
    RETURN_IF_ERROR(CheckStepTypes(where, column->type, cc.steps));
    FittedColumn out;
    out.column = cc.column;
    out.name = cc.OutputName();
    out.type = column->type;
    if (column->type == ColumnType::kNumeric) {
      RETURN_IF_ERROR(FitNumeric(where, *column, &out, cc.steps));
    } else {
      RETURN_IF_ERROR(FitString(where, *column, &out, cc.steps));
    }
    spec.columns.push_back(std::move(out));
  }
  RETURN_IF_ERROR(spec.Validate());
  return spec;
}

}  // namespace moebius::transform
