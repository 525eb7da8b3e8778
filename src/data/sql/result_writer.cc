#include "data/sql/result_writer.h"

#include <charconv>
#include <cmath>
#include <set>

#include "base/strings.h"

namespace moebius::data {
namespace {

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void AppendInteger(std::string* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

// Shortest text that parses back to the same double; inf, -inf, nan for the others.
std::string RealText(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace

void AppendCsvField(std::string* out, std::string_view text) {
  bool quote = text.empty() || text.front() == ' ' || text.back() == ' ' || text.front() == '\t' || text.back() == '\t' ||
               text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

bool IsJsonNumber(std::string_view t) {
  size_t i = 0, n = t.size();
  if (i < n && t[i] == '-') ++i;
  if (i >= n) return false;
  if (t[i] == '0') {
    ++i;
  } else if (t[i] >= '1' && t[i] <= '9') {
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < n && t[i] == '.') {
    ++i;
    size_t start = i;
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == start) return false;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    size_t start = i;
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
    if (i == start) return false;
  }
  return i == n;
}

Status SqlResultWriter::Begin(const std::vector<std::string>& columns) {
  if (format_ != TableFormat::kCsv && format_ != TableFormat::kJsonl) return InvalidArgument("a SQL result is written as CSV or JSONL");
  if (columns.empty()) return InvalidArgument("the query returns no columns");
  std::set<std::string> seen;
  for (const auto& c : columns) {
    if (c.empty()) return InvalidArgument("the query returns a column without a name; name it with AS");
    if (!IsValidUtf8(c) || c.find('\0') != std::string::npos) return InvalidArgument("a column name is not valid UTF-8");
    if (!seen.insert(c).second) return InvalidArgument("the query returns two columns named '" + c + "'; rename one with AS");
  }
  columns_ = columns;
  if (format_ == TableFormat::kCsv) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) out_.push_back(',');
      // A name that looks empty would read back as a missing header cell: always quote names
      // that need it, never leave them bare.
      AppendCsvField(&out_, columns[i]);
    }
    out_.push_back('\n');
  } else {
    for (const auto& c : columns) {
      std::string key;
      AppendJsonString(&key, c);
      key.push_back(':');
      json_keys_.push_back(std::move(key));
    }
  }
  return CheckBytes();
}

Status SqlResultWriter::CellError(size_t column, const std::string& what) const {
  return InvalidArgument("row " + std::to_string(rows_ + 1) + ", column '" + columns_[column] + "': " + what);
}

Status SqlResultWriter::CheckBytes() const {
  if (static_cast<int64_t>(out_.size()) > limits_.max_bytes)
    return InvalidArgument("the query result is larger than " + std::to_string(limits_.max_bytes) +
                           " bytes (at row " + std::to_string(rows_) + "); select fewer rows or columns");
  return Status::Ok();
}

Status SqlResultWriter::AddRow(const std::vector<SqlCell>& cells) {
  if (cells.size() != columns_.size()) return Internal("a result row has " + std::to_string(cells.size()) + " values for " +
                                                       std::to_string(columns_.size()) + " columns");
  if (rows_ >= limits_.max_rows)
    return InvalidArgument("the query returns more than " + std::to_string(limits_.max_rows) +
                           " rows; add LIMIT or raise max_rows");
  using K = SqlCell::Kind;
  for (size_t i = 0; i < cells.size(); ++i) {
    const SqlCell& c = cells[i];
    if (c.kind == K::kBinary)
      return CellError(i, "binary values (BLOB, bytea) cannot go into a table item; convert them in the query, "
                          "e.g. hex(x) in SQLite or encode(x, 'hex') in PostgreSQL");
    if (c.kind == K::kText && (!IsValidUtf8(c.text) || c.text.find('\0') != std::string_view::npos))
      return CellError(i, "text is not valid UTF-8 (or holds a NUL byte)");
  }
  bool csv = format_ == TableFormat::kCsv;
  if (!csv) out_.push_back('{');
  bool first = true;
  for (size_t i = 0; i < cells.size(); ++i) {
    const SqlCell& c = cells[i];
    if (csv) {
      if (i) out_.push_back(',');
    } else {
      if (c.kind == K::kNull) continue;
      if (!first) out_.push_back(',');
      out_.append(json_keys_[i]);
    }
    first = false;
    switch (c.kind) {
      case K::kNull:
        // CSV: an empty field; a lone empty field would be a blank line, which readers skip.
        if (csv && cells.size() == 1) out_.append("\"\"");
        break;
      case K::kInteger: AppendInteger(&out_, c.integer); break;
      case K::kReal: {
        std::string t = RealText(c.real);
        if (!csv && !std::isfinite(c.real)) AppendJsonString(&out_, t);
        else out_.append(t);
        break;
      }
      case K::kBool: out_.append(c.boolean ? "true" : "false"); break;
      case K::kNumberText:
        if (csv) AppendCsvField(&out_, c.text);
        else if (IsJsonNumber(c.text)) out_.append(c.text);
        else AppendJsonString(&out_, c.text);  // NaN, Infinity
        break;
      case K::kText:
        if (csv) AppendCsvField(&out_, c.text);
        else AppendJsonString(&out_, c.text);
        break;
      case K::kBinary: break;  // refused above
    }
  }
  out_.append(csv ? "\n" : "}\n");
  ++rows_;
  return CheckBytes();
}

}  // namespace moebius::data
