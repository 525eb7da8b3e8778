// Table: the columnar result of reading a CSV, TSV or JSONL file, the input of column
// statistics and schema validation.
//
// A table is a list of named columns of equal length. Each column has one inferred type. Int,
// float and bool columns hold their values as doubles (bool as 0/1; int values are exact because
// a column whose integers pass ±2^53 is typed float) with NaN for a missing value; string
// columns hold std::nullopt for a missing value.
//
// Thread safety: a const Table may be read from any number of threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace moebius::data {

enum class ColumnType { kInt, kFloat, kBool, kString };

// "int", "float", "bool" or "string", as written in JSON.
const char* ColumnTypeName(ColumnType type);
// The inverse of ColumnTypeName; nullopt for any other text.
std::optional<ColumnType> ParseColumnType(std::string_view name);
inline bool IsNumeric(ColumnType t) { return t != ColumnType::kString; }

struct Column {
  std::string name;
  ColumnType type = ColumnType::kFloat;
  std::vector<double> numbers;                      // int, float and bool columns
  std::vector<std::optional<std::string>> strings;  // string columns

  size_t size() const { return type == ColumnType::kString ? strings.size() : numbers.size(); }
  bool IsMissing(size_t row) const {
    return type == ColumnType::kString ? !strings[row].has_value() : numbers[row] != numbers[row];
  }
  // The value of one row as text: the string itself, "true"/"false" for bool, the shortest
  // round-trip decimal for numbers; nullopt when missing.
  std::optional<std::string> Text(size_t row) const;
};

class Table {
 public:
  // Fails with kInvalidArgument when the name is empty or already used, or when the column's
  // length differs from the columns already added.
  Status AddColumn(Column column);

  size_t num_rows() const { return columns_.empty() ? 0 : columns_.front().size(); }
  size_t num_columns() const { return columns_.size(); }
  const std::vector<Column>& columns() const { return columns_; }
  // nullptr when there is no such column.
  const Column* Find(std::string_view name) const;

 private:
  std::vector<Column> columns_;
};

// Shortest decimal text that reads back as `v` ("1", "0.1", "1e+300", "inf").
std::string FormatNumber(double v);

}  // namespace moebius::data
