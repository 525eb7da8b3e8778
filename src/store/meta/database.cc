#include "store/meta/database.h"

namespace moebius::store {

int64_t Row::Int(size_t i) const {
  const SqlValue& v = values_.at(i);
  if (auto* p = std::get_if<int64_t>(&v)) return *p;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  return 0;
}

double Row::Double(size_t i) const {
  const SqlValue& v = values_.at(i);
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  return 0.0;
}

std::string Row::Text(size_t i) const {
  const SqlValue& v = values_.at(i);
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* b = std::get_if<Blob>(&v)) return b->bytes;
  if (auto* p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  return std::string();
}

Result<Row> QueryOne(Tx& tx, std::string_view sql, const std::vector<SqlValue>& params, const std::string& what) {
  ASSIGN_OR_RETURN(Rows rows, tx.Query(sql, params));
  if (rows.empty()) return NotFound(what);
  return std::move(rows.front());
}

}  // namespace moebius::store
