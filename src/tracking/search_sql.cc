#include "tracking/search_sql.h"

#include "base/strings.h"
#include "tracking/page_token.h"
#include "tracking/search_filter.h"

namespace moebius::tracking {
namespace {

using store::SqlValue;

// Builds SQL text in the order it is written, with parameters appended in the same order.
struct SqlBuilder {
  std::string joins;
  std::vector<SqlValue> join_params;
  std::string where;
  std::vector<SqlValue> where_params;
  std::string order;
  int alias = 0;

  void AndWhere(const std::string& clause) { where += where.empty() ? clause : " AND " + clause; }
};

Status ValidateCommon(int64_t max_results, const std::string& view_type) {
  if (max_results < 1 || max_results > kMaxSearchResults)
    return InvalidArgument("Invalid value " + std::to_string(max_results) + " for parameter 'max_results' supplied. It must be between 1 and " +
                           std::to_string(kMaxSearchResults));
  if (view_type != "ACTIVE_ONLY" && view_type != "DELETED_ONLY" && view_type != "ALL")
    return InvalidArgument("view type must be ACTIVE_ONLY, DELETED_ONLY or ALL, got '" + view_type + "'");
  return Status::Ok();
}

std::string Placeholders(size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += i ? ", ?" : "?";
  return s;
}

SqlValue ValueParam(const SearchValue& v) { return v.is_number ? SqlValue(v.number) : SqlValue(v.text); }

// `column op value(s)` for a string or numeric column; appends parameters.
std::string Condition(const std::string& column, const Comparison& c, std::vector<SqlValue>& params) {
  if (c.op == "IN" || c.op == "NOT IN") {
    for (const auto& v : c.values) params.push_back(ValueParam(v));
    return column + (c.op == "IN" ? " IN (" : " NOT IN (") + Placeholders(c.values.size()) + ")";
  }
  params.push_back(ValueParam(c.values[0]));
  if (c.op == "LIKE") return column + " LIKE ?";
  if (c.op == "ILIKE") return "LOWER(" + column + ") LIKE LOWER(?)";
  return column + " " + c.op + " ?";
}

// Run attribute → column of `runs`. Names come from the parser's fixed list.
std::string RunColumn(const std::string& attribute) {
  if (attribute == "run_id") return "runs.run_uuid";
  if (attribute == "run_name") return "runs.name";
  return "runs." + attribute;  // status, user_id, artifact_uri, start_time, end_time, lifecycle_stage
}

std::string ExperimentColumn(const std::string& attribute) { return "e." + attribute; }

Result<int64_t> Offset(const std::string& token) {
  if (token.empty()) return int64_t{0};
  return DecodePageToken(token);
}

}  // namespace

Result<CompiledQuery> CompileRunSearch(const RunSearchRequest& req) {
  RETURN_IF_ERROR(ValidateCommon(req.max_results, req.view_type));
  if (req.experiment_ids.empty()) return InvalidArgument("experiment_ids must list at least one experiment");
  ASSIGN_OR_RETURN(std::vector<Comparison> filter, ParseSearchFilter(req.filter, SearchKind::kRuns));
  if (req.order_by.size() > 20) return InvalidArgument("at most 20 order_by clauses");
  std::vector<OrderBy> order;
  for (const auto& clause : req.order_by) {
    ASSIGN_OR_RETURN(OrderBy ob, ParseOrderBy(clause, SearchKind::kRuns));
    order.push_back(ob);
  }
  ASSIGN_OR_RETURN(int64_t offset, Offset(req.page_token));

  SqlBuilder b;
  b.AndWhere("runs.experiment_id IN (" + Placeholders(req.experiment_ids.size()) + ")");
  for (int64_t id : req.experiment_ids) b.where_params.push_back(id);
  if (req.view_type == "ACTIVE_ONLY") b.AndWhere("runs.lifecycle_stage = 'active'");
  else if (req.view_type == "DELETED_ONLY") b.AndWhere("runs.lifecycle_stage = 'deleted'");

  // Filters on metrics, params and tags select run ids through their (key, value) indexes; the
  // intersection drives the query, so a selective filter never scans every run of the experiment.
  std::string driving;
  std::vector<SqlValue> driving_params;
  auto Intersect = [&](const std::string& select) { driving += driving.empty() ? select : " INTERSECT " + select; };
  for (const Comparison& c : filter) {
    switch (c.key.type) {
      case EntityType::kMetric: {
        // NaN is stored as is_nan = 1 and never matches a numeric comparison.
        driving_params.push_back(c.key.name);
        std::string cond = Condition("value", c, driving_params);
        Intersect("SELECT run_uuid FROM latest_metrics WHERE key = ? AND is_nan = 0 AND " + cond);
        break;
      }
      case EntityType::kParam:
      case EntityType::kTag: {
        const char* table = c.key.type == EntityType::kParam ? "params" : "tags";
        driving_params.push_back(c.key.name);
        std::string cond = Condition("value", c, driving_params);
        Intersect(std::string("SELECT run_uuid FROM ") + table + " WHERE key = ? AND " + cond);
        break;
      }
      case EntityType::kAttribute:
        b.AndWhere(Condition(RunColumn(c.key.name), c, b.where_params));
        break;
    }
  }
  if (!driving.empty()) {
    b.joins = " JOIN (" + driving + ") f ON f.run_uuid = runs.run_uuid";
    b.join_params = std::move(driving_params);
  }

  bool has_start_time = false;
  for (const OrderBy& ob : order) {
    const char* dir = ob.ascending ? " ASC" : " DESC";
    std::string expr;
    if (ob.key.type == EntityType::kAttribute) {
      expr = RunColumn(ob.key.name);
      has_start_time |= ob.key.name == "start_time";
      b.order += (b.order.empty() ? "" : ", ") + ("(" + expr + " IS NULL), " + expr + dir);
      continue;
    }
    std::string a = "o" + std::to_string(b.alias++);
    const char* table = ob.key.type == EntityType::kMetric ? "latest_metrics" : ob.key.type == EntityType::kParam ? "params" : "tags";
    b.joins += std::string(" LEFT JOIN ") + table + " " + a + " ON " + a + ".run_uuid = runs.run_uuid AND " + a + ".key = ?";
    b.join_params.push_back(ob.key.name);
    // Runs without the key come last whatever the direction, as in MLflow; NaN sorts after
    // every number.
    std::string keys = "(" + a + ".value IS NULL), ";
    if (ob.key.type == EntityType::kMetric) keys += a + ".is_nan, ";
    b.order += (b.order.empty() ? "" : ", ") + keys + a + ".value" + dir;
  }
  if (!has_start_time) b.order += std::string(b.order.empty() ? "" : ", ") + "runs.start_time DESC";
  b.order += ", runs.run_uuid ASC";

  CompiledQuery q;
  q.offset = offset;
  q.limit = req.max_results;
  q.sql = "SELECT runs.run_uuid FROM runs" + b.joins + " WHERE " + b.where + " ORDER BY " + b.order + " LIMIT ? OFFSET ?";
  q.params = std::move(b.join_params);
  q.params.insert(q.params.end(), b.where_params.begin(), b.where_params.end());
  q.params.push_back(req.max_results + 1);
  q.params.push_back(offset);
  return q;
}

Result<CompiledQuery> CompileExperimentSearch(const ExperimentSearchRequest& req) {
  RETURN_IF_ERROR(ValidateCommon(req.max_results, req.view_type));
  ASSIGN_OR_RETURN(std::vector<Comparison> filter, ParseSearchFilter(req.filter, SearchKind::kExperiments));
  if (req.order_by.size() > 20) return InvalidArgument("at most 20 order_by clauses");
  std::vector<OrderBy> order;
  for (const auto& clause : req.order_by) {
    ASSIGN_OR_RETURN(OrderBy ob, ParseOrderBy(clause, SearchKind::kExperiments));
    if (ob.key.type != EntityType::kAttribute)
      return InvalidArgument("experiments can be ordered by name, experiment_id, creation_time or last_update_time only");
    order.push_back(ob);
  }
  ASSIGN_OR_RETURN(int64_t offset, Offset(req.page_token));

  SqlBuilder b;
  if (req.project_ids.empty()) {
    b.AndWhere("1 = 0");  // the caller can see no project
  } else {
    b.AndWhere("e.project_id IN (" + Placeholders(req.project_ids.size()) + ")");
    for (int64_t id : req.project_ids) b.where_params.push_back(id);
  }
  if (req.view_type == "ACTIVE_ONLY") b.AndWhere("e.lifecycle_stage = 'active'");
  else if (req.view_type == "DELETED_ONLY") b.AndWhere("e.lifecycle_stage = 'deleted'");
  for (const Comparison& c : filter) {
    if (c.key.type == EntityType::kTag) {
      b.where_params.push_back(c.key.name);
      std::string cond = Condition("value", c, b.where_params);
      b.AndWhere("e.experiment_id IN (SELECT experiment_id FROM experiment_tags WHERE key = ? AND " + cond + ")");
    } else {
      b.AndWhere(Condition(ExperimentColumn(c.key.name), c, b.where_params));
    }
  }
  bool has_id = false;
  for (const OrderBy& ob : order) {
    std::string col = ExperimentColumn(ob.key.name);
    has_id |= ob.key.name == "experiment_id";
    b.order += (b.order.empty() ? "" : ", ") + col + (ob.ascending ? " ASC" : " DESC");
  }
  if (order.empty()) b.order = "e.creation_time DESC";
  if (!has_id) b.order += ", e.experiment_id ASC";

  CompiledQuery q;
  q.offset = offset;
  q.limit = req.max_results;
  q.sql = "SELECT e.experiment_id FROM experiments e WHERE " + b.where + " ORDER BY " + b.order + " LIMIT ? OFFSET ?";
  q.params = std::move(b.where_params);
  q.params.push_back(req.max_results + 1);
  q.params.push_back(offset);
  return q;
}

}  // namespace moebius::tracking
