// Compiles run and experiment searches (filter AST, order_by, paging) to one SQL statement
// with bound parameters. User text only ever becomes a `?` parameter; column and table names
// come from fixed tables in search_sql.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/meta/database.h"

namespace moebius::tracking {

inline constexpr int64_t kMaxSearchResults = 50000;

struct RunSearchRequest {
  std::vector<int64_t> experiment_ids;
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = 1000;
  std::string page_token;
  std::string view_type = "ACTIVE_ONLY";  // ACTIVE_ONLY | DELETED_ONLY | ALL
};

struct ExperimentSearchRequest {
  std::vector<int64_t> project_ids;  // only experiments of these projects
  std::string filter;
  std::vector<std::string> order_by;
  int64_t max_results = 1000;
  std::string page_token;
  std::string view_type = "ACTIVE_ONLY";
};

// `sql` selects one id column and fetches limit + 1 rows, so the caller knows whether a next
// page exists (next token = offset + limit).
struct CompiledQuery {
  std::string sql;
  std::vector<store::SqlValue> params;
  int64_t offset = 0;
  int64_t limit = 0;
};

Result<CompiledQuery> CompileRunSearch(const RunSearchRequest& request);
Result<CompiledQuery> CompileExperimentSearch(const ExperimentSearchRequest& request);

}  // namespace moebius::tracking
