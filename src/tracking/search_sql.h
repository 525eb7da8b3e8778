// Compiles run and experiment searches (filter AST, order_by, paging) to one SQL statement
// with bound parameters. User text only ever becomes a `?` parameter; table and column names
// come from fixed lists in search_sql.cc, so nothing a client sends can change the statement's
// shape beyond the number of `?`s.
//
// Semantics follow MLflow 2.x's SqlAlchemyStore:
//   - metrics filter and sort on latest_metrics; a NaN value (is_nan = 1) never matches a
//     comparison; params and tags on their tables; attributes on runs' columns (run_name is
//     runs.name). A run without the key never matches, `!=` included.
//   - LIKE is case-sensitive (`x LIKE ? ESCAPE '\'`; the SQLite backend turns on
//     case_sensitive_like), ILIKE is `LOWER(x) LIKE LOWER(?) ESCAPE '\'`.
//   - order_by: per key, runs with a value first (in the requested direction), then NaN, then
//     runs without the key, for ASC and DESC alike. Then start_time DESC unless start_time was
//     ordered on, then run_uuid ASC, so that every order is total and paging is stable.
//   - experiments: default order creation_time DESC, experiment_id ASC; after explicit keys,
//     experiment_id DESC breaks ties (MLflow's choice).
// Deviations: datasets.name compares with the refs of recorded data-version inputs
// ("project/dataset@v3"); datasets.digest and datasets.context are refused because Moebius
// does not record them. IN / NOT IN are accepted for every string key, not only run_id.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/meta/database.h"
#include "tracking/search_filter.h"

namespace moebius::tracking {

inline constexpr int64_t kMaxSearchResults = 50000;  // MLflow's SEARCH_MAX_RESULTS_THRESHOLD

struct RunSearchRequest {
  std::vector<int64_t> experiment_ids;  // 1 to 10000 ids
  std::string filter;
  std::vector<std::string> order_by;    // at most 20 clauses, no key twice
  int64_t max_results = 1000;           // 1 to kMaxSearchResults
  std::string page_token;               // empty, or a token from a previous page
  std::string view_type = "ACTIVE_ONLY";  // ACTIVE_ONLY | DELETED_ONLY | ALL
};

struct ExperimentSearchRequest {
  std::vector<int64_t> project_ids;  // only experiments of these projects (the caller's view)
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = 1000;
  std::string page_token;
  std::string view_type = "ACTIVE_ONLY";
};

// `sql` selects one id column (runs.run_uuid, or experiments' experiment_id) and fetches
// limit + 1 rows from `offset`, so the caller knows whether a next page exists; its token is
// EncodePageToken(offset + limit) from page_token.h.
struct CompiledQuery {
  std::string sql;
  std::vector<store::SqlValue> params;  // in the order of the `?`s in sql
  int64_t offset = 0;
  int64_t limit = 0;
};

// kInvalidArgument for a bad filter, order_by, page token, max_results, view_type or id list.
Result<CompiledQuery> CompileRunSearch(const RunSearchRequest& request);
Result<CompiledQuery> CompileExperimentSearch(const ExperimentSearchRequest& request);

// Building blocks for other searches over the same grammar (the model registry's):
// the offset a page token stands for (kInvalidArgument for a bad token);
Result<int64_t> PageOffset(const std::string& token);
// order_by clauses parsed, at most 20, no key twice;
Result<std::vector<OrderBy>> ParseOrder(const std::vector<std::string>& clauses, SearchKind kind);
// a LIKE/ILIKE pattern that does not end in a lone escape character;
Status CheckLikePattern(const Comparison& c);
// `column op ?` (or its IN list) for one comparison on `column` (a name from a fixed list, never
// user text), appending the bound values to `params`.
std::string Condition(const std::string& column, const Comparison& c, std::vector<store::SqlValue>& params);

}  // namespace moebius::tracking
