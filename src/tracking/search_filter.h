// The MLflow search grammar (EXP-11), parsed to an AST. Nothing here builds SQL; search_sql.h
// compiles the AST with bound parameters.
//
//   filter     := comparison ( AND comparison )*
//   comparison := key op value
//   key        := entity "." name | attribute      -- name may be `backticked` or "quoted"
//   entity     := metric(s) | param(s) | parameter(s) | tag(s) | attribute(s) | attr | run
//   op         := = | != | <> | < | <= | > | >= | LIKE | ILIKE | IN | NOT IN
//   value      := number | 'string' | "string" | ( value, ... )
//   order_by   := key [ASC | DESC]
//
// Which operators and value types a key accepts follows MLflow: metrics and numeric attributes
// take numbers and = != < <= > >=; params, tags and string attributes take quoted strings and
// = != LIKE ILIKE IN NOT IN.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace moebius::tracking {

enum class SearchKind { kRuns, kExperiments };
enum class EntityType { kMetric, kParam, kTag, kAttribute };

struct SearchKey {
  EntityType type;
  std::string name;  // metric/param/tag key, or canonical attribute name
};

struct SearchValue {
  bool is_number = false;
  double number = 0;
  std::string text;  // string value, or the number as written
};

struct Comparison {
  SearchKey key;
  std::string op;  // "=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "IN", "NOT IN"
  std::vector<SearchValue> values;  // one value, or the IN list
};

struct OrderBy {
  SearchKey key;
  bool ascending = true;
};

// The attribute's storage kind: numeric attributes compare as numbers.
bool IsNumericAttribute(SearchKind kind, const std::string& name);

// kInvalidArgument naming the offending token and its 1-based position.
Result<std::vector<Comparison>> ParseSearchFilter(std::string_view filter, SearchKind kind);
Result<OrderBy> ParseOrderBy(std::string_view clause, SearchKind kind);

}  // namespace moebius::tracking
