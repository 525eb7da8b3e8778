// Schema inference and validation of tables (DATA-8), in the manner of TFDV: a schema is inferred
// from a reference table and saved as JSON; later tables are validated against it and every kind
// of problem found is reported once, with how many rows it touches and up to five example rows.
//
// Anomaly kinds (`kind` in JSON):
//   missing_column      a schema column is absent from the table
//   unexpected_column   a table column is not in the schema
//   missing_values      missing values in a column the schema marks non-nullable
//   type_mismatch       a value that is not of the schema's type (3.5 in an int column, "abc" in
//                       a float column); a string column of numbers is read as numbers
//   out_of_range        a number below the schema's min or above its max
//   unseen_category     a value outside the schema's categories
//   duplicate_rows      rows equal to an earlier row in every column
//   constant_column     a column with one value in every row that has one (two or more rows)
//   label_imbalance     a class of the label column (the schema's categories included) holds
//                       less than min_minority_share of the labelled rows
// Example rows are 1-based data row numbers: the first row after the header is row 1.
//
// Thread safety: the functions are reentrant.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "data/table/table.h"

namespace moebius::data {

struct ColumnSchema {
  std::string name;
  ColumnType type = ColumnType::kFloat;
  bool nullable = true;
  std::optional<double> min, max;       // int and float columns
  std::vector<std::string> categories;  // string and bool columns, sorted; empty: any value
};

struct Schema {
  std::vector<ColumnSchema> columns;
  std::string label;                // empty: no label column
  double min_minority_share = 0.1;  // label imbalance threshold
  const ColumnSchema* Find(std::string_view name) const;
};

struct SchemaOptions {
  size_t max_categories = 20;  // a string or bool column with at most this many values lists them
  std::string label;
  double min_minority_share = 0.1;
};

// kInvalidArgument when the label column is not in the table or an option is out of range.
Result<Schema> InferSchema(const Table& table, const SchemaOptions& options = {});

enum class AnomalyKind {
  kMissingColumn,
  kUnexpectedColumn,
  kMissingValues,
  kTypeMismatch,
  kOutOfRange,
  kUnseenCategory,
  kDuplicateRows,
  kConstantColumn,
  kLabelImbalance,
};
const char* AnomalyKindName(AnomalyKind kind);

struct Anomaly {
  AnomalyKind kind;
  std::string column;  // empty for duplicate_rows
  uint64_t count = 0;  // rows affected (for label_imbalance: rows of the minority class)
  std::vector<uint64_t> example_rows;  // at most kMaxExamples, ascending
  std::string message;
};

inline constexpr size_t kMaxExamples = 5;

struct ValidationOptions {
  std::optional<std::string> label;               // replaces the schema's label
  std::optional<double> min_minority_share;       // replaces the schema's threshold
  bool check_duplicates = true;
  bool check_constant = true;
};

struct ValidationReport {
  uint64_t rows = 0;
  std::vector<Anomaly> anomalies;  // in schema column order, table-wide ones last
  bool ok() const { return anomalies.empty(); }
};

ValidationReport Validate(const Table& table, const Schema& schema, const ValidationOptions& options = {});

Json ToJson(const Schema& schema);
Json ToJson(const ValidationReport& report);
// Strict: unknown keys, wrong types, duplicate names, min > max, categories on a numeric column,
// a label that names no column, or more than 10000 columns or categories give kInvalidArgument
// naming the field ("columns[3].min: ...").
Result<Schema> SchemaFromJson(const Json& json);
Result<Schema> ParseSchema(std::string_view text);

}  // namespace moebius::data
