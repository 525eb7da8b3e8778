// Writes the rows of a SQL result as one CSV or JSONL table item, checking the caps as rows
// arrive so an oversized result fails early instead of filling memory.
//
// CSV: a header row of column names, then one record per row, RFC 4180 quoting (a field holding
// a comma, quote, CR or LF, or leading/trailing space is quoted, quotes doubled), LF line ends.
// NULL is an empty unquoted field; an empty string is written as "" so the two stay apart
// (except in a one-column result, where NULL is "" too: an empty line would be skipped by readers).
// JSONL: one object per row with the columns in order; NULL is an absent key. Integers and
// numbers are JSON numbers, booleans JSON booleans, everything else a JSON string.
// Non-finite reals are written as inf, -inf and nan (CSV) or as those strings (JSONL).
// Binary values (SQLite BLOB, PostgreSQL bytea) are refused: a table item is text, and a silent
// hex or base64 rendering would change the data's meaning; the message says how to convert in
// SQL (hex(x), encode(x, 'hex')).
//
// Errors are kInvalidArgument naming the 1-based data row and the column:
//   "row 12, column 'name': text is not valid UTF-8"
// and, for the caps, what to change ("add LIMIT or raise max_rows").
//
// Thread-safety: not thread-safe; one writer per query.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "data/table/table_reader.h"

namespace moebius::data {

// One value of a result row. `text` points into the driver's buffer and is valid only for the
// AddRow call it is passed to.
struct SqlCell {
  enum class Kind { kNull, kInteger, kReal, kText, kBool, kNumberText, kBinary };
  Kind kind = Kind::kNull;
  int64_t integer = 0;
  double real = 0;
  bool boolean = false;
  std::string_view text;  // kText; kNumberText: a JSON-number literal (PostgreSQL numeric)

  static SqlCell Null() { return {}; }
  static SqlCell Integer(int64_t v) { SqlCell c; c.kind = Kind::kInteger; c.integer = v; return c; }
  static SqlCell Real(double v) { SqlCell c; c.kind = Kind::kReal; c.real = v; return c; }
  static SqlCell Text(std::string_view v) { SqlCell c; c.kind = Kind::kText; c.text = v; return c; }
  static SqlCell Bool(bool v) { SqlCell c; c.kind = Kind::kBool; c.boolean = v; return c; }
  static SqlCell NumberText(std::string_view v) { SqlCell c; c.kind = Kind::kNumberText; c.text = v; return c; }
  static SqlCell Binary() { SqlCell c; c.kind = Kind::kBinary; return c; }
};

struct SqlResultLimits {
  int64_t max_rows = 1'000'000;
  int64_t max_bytes = 256LL << 20;
};

class SqlResultWriter {
 public:
  // `format` is kCsv or kJsonl (kTsv is refused by Begin).
  SqlResultWriter(TableFormat format, SqlResultLimits limits) : format_(format), limits_(limits) {}

  // Column names must be non-empty, valid UTF-8 and distinct.
  Status Begin(const std::vector<std::string>& columns);
  // `cells` has one value per column.
  Status AddRow(const std::vector<SqlCell>& cells);
  // The item's bytes; the writer is empty afterwards.
  std::string Finish() { return std::move(out_); }

  int64_t rows() const { return rows_; }
  const std::vector<std::string>& columns() const { return columns_; }

 private:
  Status CellError(size_t column, const std::string& what) const;
  Status CheckBytes() const;

  TableFormat format_;
  SqlResultLimits limits_;
  std::vector<std::string> columns_;
  std::vector<std::string> json_keys_;  // column names as JSON strings, with the colon
  std::string out_;
  int64_t rows_ = 0;
};

// The CSV field for `text`, quoted when needed.
void AppendCsvField(std::string* out, std::string_view text);
// True when `text` is a JSON number literal (what PostgreSQL prints for finite numerics).
bool IsJsonNumber(std::string_view text);

}  // namespace moebius::data
