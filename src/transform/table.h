// Table: the columnar input that transforms are fitted on and applied to.
//
// A table is a list of named columns of equal length. A column is either numeric (doubles, NaN
// marks a missing value) or string (std::nullopt marks a missing value). Columns are stored
// contiguously so that fitting reads each one in a single pass.
//
// Thread safety: a const Table may be read from any number of threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace moebius::transform {

enum class ColumnType { kNumeric, kString };

// "numeric" or "string", as written in JSON.
const char* ColumnTypeName(ColumnType type);

struct Column {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  std::vector<double> numbers;                       // kNumeric only
  std::vector<std::optional<std::string>> strings;   // kString only

  size_t size() const { return type == ColumnType::kNumeric ? numbers.size() : strings.size(); }
  bool IsMissing(size_t row) const {
    return type == ColumnType::kNumeric ? numbers[row] != numbers[row] : !strings[row].has_value();
  }
};

class Table {
 public:
  // Both fail with kInvalidArgument when the name is empty or already used, or when the
  // column's length differs from the columns already added.
  Status AddNumeric(std::string name, std::vector<double> values);
  Status AddString(std::string name, std::vector<std::optional<std::string>> values);

  size_t num_rows() const { return columns_.empty() ? 0 : columns_.front().size(); }
  size_t num_columns() const { return columns_.size(); }
  const std::vector<Column>& columns() const { return columns_; }
  // nullptr when there is no such column.
  const Column* Find(std::string_view name) const;

 private:
  Status CheckNew(const std::string& name, size_t size) const;
  std::vector<Column> columns_;
};

}  // namespace moebius::transform
