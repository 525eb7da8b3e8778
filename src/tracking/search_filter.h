// The MLflow search grammar (EXP-11), parsed to an AST. Nothing here builds SQL; search_sql.h
// compiles the AST with bound parameters.
//
//   filter     := [ comparison ( AND comparison )* ]      -- AND only, as in MLflow; no OR, no ()
//   comparison := key op value | key (IN | NOT IN) "(" value ( "," value )* ")"
//   key        := entity "." name | attribute             -- name may be `backticked` or "quoted"
//   order_by   := key [ ASC | DESC ]
//   value      := number | 'string' | "string"            -- '' or \' is a quote, \\ a backslash
//
// Entities (case-sensitive, MLflow's spellings):
//   runs:        metric(s), param(s), parameter(s), tag(s), attribute(s), attr, run, dataset(s)
//   experiments: tag(s), attribute(s), attr
//   registered models, model versions: tag(s), attribute(s), attr
// A key without an entity prefix is an attribute. Attributes (MLflow's lists):
//   runs:        run_id, run_name ("run name", "Run name", "Run Name"), status, user_id,
//                artifact_uri, start_time (created, Created), end_time
//   experiments: name, creation_time, last_update_time; order_by also experiment_id
//   datasets:    name, digest, context (filters only)
//   registered models: name; order_by also timestamp (= last_updated_timestamp), creation_timestamp
//   model versions: name, run_id, source_path (filters only), version_number, current_stage;
//                order_by also creation_timestamp, last_updated_timestamp (timestamp)
//
// Operators and values by key:
//   metrics, numeric attributes     = != < <= > >=          number (attributes: an integer)
//   params, tags, string attributes,
//   datasets                        = != LIKE ILIKE IN NOT IN   quoted string(s)
// LIKE and ILIKE take SQL patterns (% and _; a backslash escapes them). Keywords (AND, LIKE,
// IN, ASC...) are case-insensitive. Limits: a filter is at most 10000 characters of UTF-8 with
// at most 100 comparisons; an IN list at most 1000 values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace moebius::tracking {

enum class SearchKind { kRuns, kExperiments, kRegisteredModels, kModelVersions };
enum class EntityType { kMetric, kParam, kTag, kAttribute, kDataset };

struct SearchKey {
  EntityType type;
  // The metric/param/tag key as the user wrote it (quotes removed), the canonical attribute
  // name (run_id, run_name, status, user_id, artifact_uri, start_time, end_time; name,
  // experiment_id, creation_time, last_update_time) or the dataset field (name, digest, context).
  std::string name;
};

struct SearchValue {
  bool is_number = false;
  double number = 0;              // metrics
  std::optional<int64_t> integer; // numeric attributes (milliseconds, ids): always integral
  std::string text;               // the string value, or the number as written
};

struct Comparison {
  SearchKey key;
  std::string op;                   // "=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "IN", "NOT IN"
  std::vector<SearchValue> values;  // one value, or the IN list
};

struct OrderBy {
  SearchKey key;
  bool ascending = true;
};

// True for attributes that hold numbers (times in milliseconds, experiment ids); `name` is a
// canonical attribute name.
bool IsNumericAttribute(SearchKind kind, const std::string& name);

// Returns the comparisons of `filter` (none for an empty or blank filter), or kInvalidArgument
// naming the 1-based character position and the offending token.
Result<std::vector<Comparison>> ParseSearchFilter(std::string_view filter, SearchKind kind);
// Parses one order_by clause; kInvalidArgument as above, also for keys that cannot be ordered
// by (datasets; experiment tags).
Result<OrderBy> ParseOrderBy(std::string_view clause, SearchKind kind);

}  // namespace moebius::tracking
