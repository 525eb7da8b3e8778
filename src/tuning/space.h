// SearchSpace: the parameters a study tunes, their domains and conditions.
//
// A parameter is a float (uniform, log or stepped), an int (uniform, log or stepped) or a
// categorical over JSON scalars. A parameter may be conditional: active only when a categorical
// parent, defined earlier in the list, has one of the given values (the parent may itself be
// conditional, so conditions form a tree). Parameters are kept in definition order, which is a
// topological order of the condition tree: samplers decide parents before children.
//
// A point of the space (`Params`) holds one double per parameter in its internal form: the value
// itself for float and int, the index of the choice for categorical, and NaN for a parameter that
// is inactive in that point.
//
// Immutable after Create/FromJson; safe to share between threads.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace moebius::tuning {

enum class ParamKind { kFloat, kInt, kCategorical };

const char* ParamKindName(ParamKind kind);

struct ParamSpec {
  std::string name;
  ParamKind kind = ParamKind::kFloat;
  double low = 0, high = 0;
  double step = 0;  // 0: continuous float; int defaults to 1
  bool log = false;
  std::vector<Json> choices;  // categorical only: strings, numbers, booleans or null

  // Condition: active only when `parent` (a categorical defined earlier) takes one of
  // `parent_values` (choices of the parent).
  std::string parent;
  std::vector<Json> parent_values;

  // Filled by SearchSpace::Create.
  int parent_index = -1;
  std::vector<int> parent_choice_indices;
};

using Params = std::vector<double>;

inline constexpr double kInactive = std::numeric_limits<double>::quiet_NaN();
inline bool IsSet(double v) { return !std::isnan(v); }

class SearchSpace {
 public:
  SearchSpace() = default;

  // Validates every parameter. Errors are kInvalidArgument naming the parameter: empty name or
  // duplicate name, low > high, an empty range (low == high for a float, or no value on the
  // step grid), log with low <= 0, log together with a step, a step <= 0, a non-integral int
  // bound or step, non-finite numbers, no or duplicate choices, a parent that is unknown,
  // later in the list or not categorical, condition values that are not choices of the parent.
  static Result<SearchSpace> Create(std::vector<ParamSpec> params);

  // {"params": [{"name": "lr", "type": "float", "low": 1e-5, "high": 0.1, "log": true}, ...]}
  // (or the bare array). Fields: name, type (float|int|categorical), low, high, step, log,
  // choices, condition {"parent": NAME, "values": [...]}. Unknown fields and unknown types are
  // kInvalidArgument naming the parameter, as are all the errors of Create.
  static Result<SearchSpace> FromJson(const Json& json);
  Json ToJson() const;

  size_t size() const { return params_.size(); }
  const ParamSpec& param(size_t i) const { return params_[i]; }
  const std::vector<ParamSpec>& params() const { return params_; }
  std::optional<size_t> Find(const std::string& name) const;

  // Whether parameter i is active given the already decided values of its ancestors.
  bool IsActive(size_t i, std::span<const double> params) const;

  // Lower and upper bound of parameter i in the internal form (choice indices for categorical).
  double InternalLow(size_t i) const;
  double InternalHigh(size_t i) const;
  // Number of distinct values (choices, int grid points, stepped float points); 0 when
  // continuous.
  size_t Cardinality(size_t i) const;
  // Snaps an internal value of parameter i into its domain: clips to the bounds, rounds ints
  // and stepped floats to the grid, rounds categorical indices.
  double Snap(size_t i, double v) const;

  // External form: {"lr": 0.01, "booster": "dart"} with only the active parameters.
  Json ToExternal(std::span<const double> params) const;
  // Parses an external form (e.g. an earlier study's trial for a warm start). Unknown names,
  // values outside the domain, and a value for an inactive parameter are kInvalidArgument;
  // an active parameter that is missing is kInvalidArgument too.
  Result<Params> FromExternal(const Json& params) const;

  // True when every active parameter of the point is in its domain and inactive ones are NaN.
  bool Contains(std::span<const double> params) const;

 private:
  explicit SearchSpace(std::vector<ParamSpec> params) : params_(std::move(params)) {}
  std::vector<ParamSpec> params_;
};

}  // namespace moebius::tuning
