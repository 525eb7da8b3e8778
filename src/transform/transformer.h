// Transformer: applies a fitted TransformSpec to rows (serving) and tables (training). Both
// paths run the same per-row code, so the same inputs give bit-identical features wherever they
// are computed (FE-3).
//
// Per input value:
//   - numeric columns take Cell::Number or Cell::Missing; NaN is the same as missing.
//   - string columns take Cell::String or Cell::Missing.
//   - a value of the wrong kind is kInvalidArgument naming the column (and the row in tables).
// Missing values: impute replaces them. Without an impute before it, a missing numeric value
// passes through every numeric step as NaN and comes out as a NaN feature (tree models such as
// XGBoost treat NaN as missing natively); bucketize also gives NaN. A missing string goes to the
// OOV slot of one_hot and vocabulary, and to a NaN feature for hash. Values never seen in
// training go to the OOV slot (one_hot `name=__oov__`, vocabulary id = vocabulary size).
// Features are computed in double and rounded to float once, at the end.
//
// Thread safety: a Transformer is immutable; share one across threads. Copies are cheap (they
// share the compiled spec).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "transform/spec.h"
#include "transform/table.h"

namespace moebius::transform {

// One input value, not owning its text.
struct Cell {
  enum class Kind : uint8_t { kMissing, kNumber, kString };
  Kind kind = Kind::kMissing;
  double number = 0;
  std::string_view text;

  static Cell Missing() { return Cell{}; }
  static Cell Number(double v) { return Cell{Kind::kNumber, v, {}}; }
  static Cell String(std::string_view s) { return Cell{Kind::kString, 0, s}; }
};

// Features of many rows, row-major: values[row * features.size() + feature].
struct FeatureMatrix {
  std::vector<Feature> features;
  size_t rows = 0;
  std::vector<float> values;

  size_t cols() const { return features.size(); }
  float at(size_t row, size_t col) const { return values[row * features.size() + col]; }
  // One feature's values over all rows, widened to double.
  std::vector<double> ColumnValues(size_t col) const;
};

class Transformer {
 public:
  // kInvalidArgument when spec.Validate() fails.
  static Result<Transformer> Create(TransformSpec spec);

  const TransformSpec& spec() const;
  const std::vector<Feature>& features() const;
  size_t num_features() const;
  // The order of values in a row given as a vector (TransformSpec::InputColumns()).
  const std::vector<std::pair<std::string, ColumnType>>& input_columns() const;

  // The hot path. `row` holds one Cell per input column in input_columns() order; `out` must
  // hold num_features() floats. Allocates nothing. kInvalidArgument for a row of the wrong
  // length, an output of the wrong size, or a value of the wrong kind.
  Status ApplyRow(std::span<const Cell> row, std::span<float> out) const;
  // As above, resizing `out` to num_features() (no allocation when it already has the capacity).
  Status ApplyRow(std::span<const Cell> row, std::vector<float>* out) const;
  // A row by column name. Absent columns are missing; names the spec does not use are ignored.
  Status ApplyRow(const std::unordered_map<std::string, Cell>& row, std::vector<float>* out) const;

  // Every row of `table`. kInvalidArgument when an input column is absent or of another type
  // than the spec's. Other columns are ignored.
  Result<FeatureMatrix> ApplyTable(const Table& table) const;

  struct Impl;

 private:
  explicit Transformer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace moebius::transform
