// What changed in a table between two versions of a dataset (issue 17, item 9): columns added
// and removed, columns whose type changed, and rows added, removed and changed — with counts and
// a few of each — instead of "modified: customers.csv" and two hashes.
//
// Rows are matched by a key column when the two tables share one whose values are present and
// unique in both (a column named id or key, or ending in _id or id, is tried first, then the
// others in the order of `after`); a row whose key is in both is changed when a shared column's
// value differs. Without such a column, rows are matched whole (over the shared columns, as a
// multiset), so a change shows as one row removed and one added. Values compare as text
// (Column::Text), so 1 and 1.0 of an int and a float column are equal.
//
// Thread-safety: a pure function of its inputs.
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "base/json.h"
#include "data/table/table.h"

namespace moebius::data {

struct TableDiff {
  std::string path;
  std::vector<std::string> columns_added, columns_removed;
  std::vector<std::tuple<std::string, std::string, std::string>> type_changes;  // (column, from, to)
  std::string key;  // the column rows were matched by; "" when rows were matched whole
  size_t rows_before = 0, rows_after = 0;
  size_t added = 0, removed = 0, changed = 0, unchanged = 0;
  // Samples: rows as {column: value} (a missing value is null).
  std::vector<Json> sample_added, sample_removed;
  // Changed rows: {"key": value, "changes": {column: [before, after]}}.
  std::vector<Json> sample_changed;

  Json ToJson() const;
};

// Compares `before` with `after`; keeps up to `sample` rows of each kind.
TableDiff DiffTables(const std::string& path, const Table& before, const Table& after, size_t sample = 5);

}  // namespace moebius::data
