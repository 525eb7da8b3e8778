// The metadata database interface. Domain code writes portable SQL with `?` placeholders and
// never concatenates user input into SQL; backends (SQLite now, PostgreSQL later) translate
// placeholders and run it.
//
// Portable SQL rules for domain code: no AUTOINCREMENT/SERIAL (ids come from NextId()), BIGINT,
// DOUBLE PRECISION, TEXT and BLOB column types only, `INSERT ... ON CONFLICT (...) DO ...`
// for upserts, LIMIT/OFFSET for paging, no SQLite pragmas or PostgreSQL-only functions.
//
// Thread-safety: Database is thread-safe. A Tx belongs to the thread that runs the callback
// and must not escape it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace moebius::store {

// A bound parameter or a column value. Strings and blobs are both std::string; Blob marks
// binary data for backends that distinguish them.
struct Blob {
  std::string bytes;
};
using SqlValue = std::variant<std::nullptr_t, int64_t, double, std::string, Blob>;

// One result row. Accessors return defaults for NULL; IsNull() tells them apart.
class Row {
 public:
  Row() = default;
  explicit Row(std::vector<SqlValue> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<std::nullptr_t>(values_.at(i)); }
  int64_t Int(size_t i) const;
  double Double(size_t i) const;
  std::string Text(size_t i) const;  // also returns blob bytes
  const SqlValue& Value(size_t i) const { return values_.at(i); }

 private:
  std::vector<SqlValue> values_;
};

using Rows = std::vector<Row>;

// A transaction. Every statement runs inside one; see Database::Read/Write.
class Tx {
 public:
  virtual ~Tx() = default;
  // Runs a statement that returns no rows; returns the number of rows changed.
  virtual Result<int64_t> Exec(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  virtual Result<Rows> Query(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Runs the statement once per parameter set (a prepared statement reused): the fast path
  // for bulk inserts.
  virtual Status ExecMany(std::string_view sql, const std::vector<std::vector<SqlValue>>& param_sets) = 0;
  // Allocates the next value of a named counter (ids of experiments, audit sequence numbers).
  virtual Result<int64_t> NextId(std::string_view counter) = 0;
  // kAlreadyExists is returned by Exec/ExecMany when a UNIQUE or PRIMARY KEY constraint fails.
};

class Database {
 public:
  virtual ~Database() = default;
  // Runs `fn` in a read-only snapshot transaction.
  virtual Status Read(const std::function<Status(Tx&)>& fn) = 0;
  // Runs `fn` in a write transaction; commits (durably: acknowledged writes survive a process
  // crash) if fn returns OK, rolls back otherwise. Writers are serialized.
  virtual Status Write(const std::function<Status(Tx&)>& fn) = 0;
  // "sqlite" or "postgresql".
  virtual std::string Dialect() const = 0;
  // Runs the backend's own integrity check; returns its findings (empty when clean).
  virtual Result<std::vector<std::string>> IntegrityCheck() = 0;
};

// Single-row helpers: kNotFound with `what` when the query returns no row.
Result<Row> QueryOne(Tx& tx, std::string_view sql, const std::vector<SqlValue>& params, const std::string& what);

}  // namespace moebius::store
