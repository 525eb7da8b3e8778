#include "data/table/table.h"

#include <charconv>
#include <cmath>

namespace moebius::data {

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kInt: return "int";
    case ColumnType::kFloat: return "float";
    case ColumnType::kBool: return "bool";
    case ColumnType::kString: return "string";
  }
  return "string";
}

std::optional<ColumnType> ParseColumnType(std::string_view name) {
  if (name == "int") return ColumnType::kInt;
  if (name == "float") return ColumnType::kFloat;
  if (name == "bool") return ColumnType::kBool;
  if (name == "string") return ColumnType::kString;
  return std::nullopt;
}

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::optional<std::string> Column::Text(size_t row) const {
  if (type == ColumnType::kString) return strings[row];
  double v = numbers[row];
  if (v != v) return std::nullopt;
  if (type == ColumnType::kBool) return std::string(v != 0 ? "true" : "false");
  return FormatNumber(v);
}

Status Table::AddColumn(Column column) {
  if (column.name.empty()) return InvalidArgument("a column name is empty");
  if (Find(column.name) != nullptr) return InvalidArgument("column '" + column.name + "' appears twice");
  if (!columns_.empty() && column.size() != num_rows()) {
    return InvalidArgument("column '" + column.name + "' has " + std::to_string(column.size()) +
                           " rows; the table has " + std::to_string(num_rows()));
  }
  columns_.push_back(std::move(column));
  return Status::Ok();
}

const Column* Table::Find(std::string_view name) const {
  for (const auto& c : columns_) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace moebius::data
