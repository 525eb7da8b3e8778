#include "transform/table.h"

namespace moebius::transform {

const char* ColumnTypeName(ColumnType type) {
  return type == ColumnType::kNumeric ? "numeric" : "string";
}

Status Table::CheckNew(const std::string& name, size_t size) const {
  if (name.empty()) return InvalidArgument("column name must not be empty");
  if (Find(name) != nullptr) return InvalidArgument("column '" + name + "' is already in the table");
  if (!columns_.empty() && size != num_rows()) {
    return InvalidArgument("column '" + name + "' has " + std::to_string(size) + " rows, the table has " +
                           std::to_string(num_rows()));
  }
  return Status::Ok();
}

Status Table::AddNumeric(std::string name, std::vector<double> values) {
  RETURN_IF_ERROR(CheckNew(name, values.size()));
  Column c;
  c.name = std::move(name);
  c.type = ColumnType::kNumeric;
  c.numbers = std::move(values);
  columns_.push_back(std::move(c));
  return Status::Ok();
}

Status Table::AddString(std::string name, std::vector<std::optional<std::string>> values) {
  RETURN_IF_ERROR(CheckNew(name, values.size()));
  Column c;
  c.name = std::move(name);
  c.type = ColumnType::kString;
  c.strings = std::move(values);
  columns_.push_back(std::move(c));
  return Status::Ok();
}

const Column* Table::Find(std::string_view name) const {
  for (const auto& c : columns_) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace moebius::transform
