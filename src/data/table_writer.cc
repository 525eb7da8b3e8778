#include "data/table_writer.h"

#include "base/json.h"

namespace moebius::data {
namespace {

std::string Quote(const std::string& v, char delim) {
  bool needs = v.find(delim) != std::string::npos || v.find('"') != std::string::npos || v.find('\n') != std::string::npos ||
               v.find('\r') != std::string::npos;
  if (!needs) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string WriteTable(const Table& t, const std::vector<size_t>& rows, TableFormat format) {
  std::string out;
  if (format == TableFormat::kJsonl) {
    for (size_t r : rows) {
      Json obj = Json::object();
      for (const auto& c : t.columns()) {
        auto text = c.Text(r);
        if (!text) continue;
        if (c.type == ColumnType::kString) obj[c.name] = *text;
        else if (c.type == ColumnType::kBool) obj[c.name] = c.numbers[r] != 0;
        else obj[c.name] = c.numbers[r];
      }
      out += obj.dump() + "\n";
    }
    return out;
  }
  char delim = format == TableFormat::kTsv ? '\t' : ',';
  for (size_t i = 0; i < t.columns().size(); ++i) out += (i ? std::string(1, delim) : "") + Quote(t.columns()[i].name, delim);
  out += "\n";
  for (size_t r : rows) {
    for (size_t i = 0; i < t.columns().size(); ++i) {
      if (i) out += delim;
      auto text = t.columns()[i].Text(r);
      if (text) out += Quote(*text, delim);
    }
    out += "\n";
  }
  return out;
}

}  // namespace moebius::data
