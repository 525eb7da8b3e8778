// TransformConfig: the declarative description of a transform — what to do to which column —
// before it has seen any data. Fit (fit.h) turns it into a TransformSpec holding what was
// learned. Its JSON form:
//
//   {"columns": [
//     {"column": "age", "steps": [{"kind": "impute", "strategy": "median"}, {"kind": "z_score"}]},
//     {"column": "age", "name": "age_q", "steps": [{"kind": "bucketize", "buckets": 4}]},
//     {"column": "city", "steps": [{"kind": "one_hot", "top_k": 20, "min_frequency": 5}]},
//     {"column": "user", "steps": [{"kind": "hash", "buckets": 1024}]}]}
//
// Each entry reads one input column and emits features named after `name` (default: the
// column); one input column may feed several entries with different names. Steps run in order
// and each has an input and an output type:
//
//   impute       numeric→numeric or string→string; strategy mean | median (numeric only),
//                most_frequent (ties: smallest value), constant (needs "value" of the column's type)
//   log          numeric→numeric, log1p(max(x, 0)): negative input is clamped to 0, never an error
//   min_max      numeric→numeric, (x - min) / (max - min); a constant column gives 0
//   z_score      numeric→numeric, (x - mean) / population std; std 0 gives 0
//   passthrough  numeric→numeric, unchanged
//   bucketize    numeric→final, "buckets": n in [1, 10000]; one feature `name_bucket`
//   one_hot      string→final, "top_k" (optional), "min_frequency" (default 1); features
//                `name=value` per vocabulary entry, then `name=__oov__`
//   vocabulary   string→final, same options; one feature `name_index` (OOV id = vocabulary size)
//   hash         string→final, "buckets": n in [1, 2^24]; one feature `name_hash`
//
// An entry whose steps end numeric emits one feature `name`; a string entry must end in a
// final step, and nothing may follow one.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "transform/table.h"

namespace moebius::transform {

enum class StepKind { kImpute, kLog, kMinMax, kZScore, kPassthrough, kBucketize, kOneHot, kVocabulary, kHash };
enum class ImputeStrategy { kMean, kMedian, kMostFrequent, kConstant };

// Names as written in JSON ("z_score", "most_frequent"); nullopt for an unknown name.
const char* StepKindName(StepKind kind);
std::optional<StepKind> StepKindFromName(std::string_view name);
const char* ImputeStrategyName(ImputeStrategy s);
std::optional<ImputeStrategy> ImputeStrategyFromName(std::string_view name);

// A number (numeric columns) or a string (string columns).
using Scalar = std::variant<double, std::string>;

constexpr int64_t kMaxBucketizeBuckets = 10000;
// Indexes are emitted as float, which holds every integer up to 2^24 exactly.
constexpr int64_t kMaxIndex = int64_t{1} << 24;

struct StepConfig {
  StepKind kind = StepKind::kPassthrough;
  ImputeStrategy strategy = ImputeStrategy::kMean;  // impute
  std::optional<Scalar> value;                      // impute with kConstant
  int64_t buckets = 0;                              // bucketize, hash
  int64_t top_k = 0;                                // one_hot, vocabulary; 0 = no limit
  int64_t min_frequency = 1;                        // one_hot, vocabulary

  // The config's JSON fields, added to `out` (an object).
  void AppendJson(Json* out) const;
};

struct ColumnConfig {
  std::string column;  // input column
  std::string name;    // feature name prefix; empty means `column`
  std::vector<StepConfig> steps;

  const std::string& OutputName() const { return name.empty() ? column : name; }
};

struct TransformConfig {
  std::vector<ColumnConfig> columns;

  Json ToJson() const;
  // kInvalidArgument naming the field ("columns[1].steps[0].buckets: ...") for wrong types,
  // unknown keys or kinds, out-of-range counts. Column types are checked later, by Fit.
  static Result<TransformConfig> FromJson(const Json& json);
};

// Checks that `steps` can run on a column of `type`: each step's input type, constants of the
// right type, a string chain ending in a final step, nothing after a final step. `where` prefixes
// the message.
Status CheckStepTypes(const std::string& where, ColumnType type, const std::vector<StepConfig>& steps);

namespace internal {
// Parses one step object's config fields; `allowed_extra` are further keys the caller reads
// (the fitted parameters). Unknown keys are an error.
Result<StepConfig> StepConfigFromJson(const std::string& where, const Json& json,
                                      const std::vector<std::string>& allowed_extra);
// Strict accessors: a missing key gives nullopt, a wrong type or out-of-range value an error
// naming `where.key`.
Result<std::optional<int64_t>> IntField(const std::string& where, const Json& obj, const char* key, int64_t min,
                                        int64_t max);
Result<std::optional<double>> FiniteField(const std::string& where, const Json& obj, const char* key);
Result<std::optional<std::string>> StringField(const std::string& where, const Json& obj, const char* key);
Status CheckKeys(const std::string& where, const Json& obj, const std::vector<std::string>& allowed);
}  // namespace internal

}  // namespace moebius::transform
