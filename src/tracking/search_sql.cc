#include "tracking/search_sql.h"

#include <limits>
#include <set>
#include <utility>

#include "base/strings.h"
#include "store/meta/sql_text.h"
#include "tracking/page_token.h"
#include "tracking/search_filter.h"

namespace moebius::tracking {
namespace {

using store::SqlValue;

constexpr size_t kMaxOrderBy = 20;
constexpr size_t kMaxIds = 10000;
// Far beyond any real result set, and small enough that offset + limit never overflows.
constexpr int64_t kMaxOffset = std::numeric_limits<int64_t>::max() / 4;

Status ValidateCommon(int64_t max_results, const std::string& view_type) {
  if (max_results < 1 || max_results > kMaxSearchResults)
    return InvalidArgument("Invalid value " + std::to_string(max_results) +
                           " for parameter 'max_results' supplied. It must be between 1 and " +
                           std::to_string(kMaxSearchResults));
  if (view_type != "ACTIVE_ONLY" && view_type != "DELETED_ONLY" && view_type != "ALL")
    return InvalidArgument("view type must be ACTIVE_ONLY, DELETED_ONLY or ALL, got '" + view_type.substr(0, 40) + "'");
  return Status::Ok();
}

}  // namespace

Result<int64_t> PageOffset(const std::string& token) {
  if (token.empty()) return int64_t{0};
  ASSIGN_OR_RETURN(int64_t offset, DecodePageToken(token));
  if (offset > kMaxOffset) return InvalidArgument("Invalid page token");
  return offset;
}

namespace {

SqlValue Bind(const SearchValue& v) {
  if (v.integer) return *v.integer;
  if (v.is_number) return v.number;
  return v.text;
}

}  // namespace

// Patterns use backslash as their escape character on every backend; one that ends in a lone
// backslash is an error on PostgreSQL, so it is refused here for all.
Status CheckLikePattern(const Comparison& c) {
  if (c.op != "LIKE" && c.op != "ILIKE") return Status::Ok();
  const std::string& p = c.values[0].text;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '\\') continue;
    if (i + 1 == p.size())
      return InvalidArgument("the " + c.op + " pattern '" + p.substr(0, 100) +
                             "' ends with the escape character '\\'; write '\\\\\\\\' for a literal backslash");
    ++i;
  }
  return Status::Ok();
}

std::string Condition(const std::string& column, const Comparison& c, std::vector<SqlValue>& params) {
  if (c.op == "IN" || c.op == "NOT IN") {
    for (const auto& v : c.values) params.push_back(Bind(v));
    return column + (c.op == "IN" ? " IN (" : " NOT IN (") + store::Placeholders(c.values.size()) + ")";
  }
  params.push_back(Bind(c.values[0]));
  if (c.op == "LIKE") return column + " LIKE ? ESCAPE '\\'";
  if (c.op == "ILIKE") return "LOWER(" + column + ") LIKE LOWER(?) ESCAPE '\\'";
  return column + " " + c.op + " ?";  // op is one of the parser's fixed set
}

namespace {

// Canonical run attribute → column of `runs`. The names come from the parser's fixed list.
std::string RunColumn(const std::string& attribute) {
  if (attribute == "run_id") return "runs.run_uuid";
  if (attribute == "run_name") return "runs.name";
  return "runs." + attribute;  // status, user_id, artifact_uri, start_time, end_time
}

std::string ExperimentColumn(const std::string& attribute) {
  return "e." + attribute;  // name, experiment_id, creation_time, last_update_time
}

std::string KeyText(const SearchKey& k) {
  switch (k.type) {
    case EntityType::kMetric: return "metrics." + k.name;
    case EntityType::kParam: return "params." + k.name;
    case EntityType::kTag: return "tags." + k.name;
    case EntityType::kAttribute: return "attributes." + k.name;
    case EntityType::kDataset: return "datasets." + k.name;
  }
  return k.name;
}

}  // namespace

Result<std::vector<OrderBy>> ParseOrder(const std::vector<std::string>& clauses, SearchKind kind) {
  if (clauses.size() > kMaxOrderBy) return InvalidArgument("at most " + std::to_string(kMaxOrderBy) + " order_by clauses");
  std::vector<OrderBy> out;
  std::set<std::pair<EntityType, std::string>> seen;
  for (const auto& clause : clauses) {
    ASSIGN_OR_RETURN(OrderBy ob, ParseOrderBy(clause, kind));
    if (!seen.insert({ob.key.type, ob.key.name}).second)
      return InvalidArgument("order_by contains duplicate fields: '" + clause.substr(0, 100) + "' repeats " + KeyText(ob.key));
    out.push_back(std::move(ob));
  }
  return out;
}

namespace {

void AndWhere(std::string& where, const std::string& clause) { where += where.empty() ? clause : " AND " + clause; }

}  // namespace

Result<CompiledQuery> CompileRunSearch(const RunSearchRequest& req) {
  RETURN_IF_ERROR(ValidateCommon(req.max_results, req.view_type));
  if (req.experiment_ids.empty()) return InvalidArgument("experiment_ids must list at least one experiment");
  if (req.experiment_ids.size() > kMaxIds)
    return InvalidArgument("experiment_ids may list at most " + std::to_string(kMaxIds) + " experiments");
  ASSIGN_OR_RETURN(std::vector<Comparison> filter, ParseSearchFilter(req.filter, SearchKind::kRuns));
  ASSIGN_OR_RETURN(std::vector<OrderBy> order, ParseOrder(req.order_by, SearchKind::kRuns));
  ASSIGN_OR_RETURN(int64_t offset, PageOffset(req.page_token));

  // The statement reads: SELECT ... FROM runs <joins> WHERE <where> ORDER BY <order> LIMIT ? OFFSET ?
  // and the parameters are gathered per part in that order.
  std::string joins, where, order_sql;
  std::vector<SqlValue> join_params, where_params;

  AndWhere(where, "runs.experiment_id IN (" + store::Placeholders(req.experiment_ids.size()) + ")");
  for (int64_t id : req.experiment_ids) where_params.push_back(id);
  if (req.view_type == "ACTIVE_ONLY") AndWhere(where, "runs.lifecycle_stage = 'active'");
  else if (req.view_type == "DELETED_ONLY") AndWhere(where, "runs.lifecycle_stage = 'deleted'");

  // Filters on metrics, params and tags select run ids through their (key, value) indexes; the
  // intersection drives the query, so a selective filter never scans every run of the experiment.
  std::string driving;
  for (const Comparison& c : filter) {
    RETURN_IF_ERROR(CheckLikePattern(c));
    std::string select;
    switch (c.key.type) {
      case EntityType::kMetric:
        join_params.push_back(c.key.name);
        select = "SELECT run_uuid FROM latest_metrics WHERE key = ? AND is_nan = 0 AND " + Condition("value", c, join_params);
        break;
      case EntityType::kParam:
        join_params.push_back(c.key.name);
        select = "SELECT run_uuid FROM params WHERE key = ? AND " + Condition("value", c, join_params);
        break;
      case EntityType::kTag:
        join_params.push_back(c.key.name);
        select = "SELECT run_uuid FROM tags WHERE key = ? AND " + Condition("value", c, join_params);
        break;
      case EntityType::kAttribute:
        AndWhere(where, Condition(RunColumn(c.key.name), c, where_params));
        break;
      case EntityType::kDataset:
        if (c.key.name != "name")
          return InvalidArgument("datasets." + c.key.name +
                                 " is not recorded by this server; filter on datasets.name, the data version a run "
                                 "read (e.g. datasets.name = 'project/dataset@v3')");
        AndWhere(where, "EXISTS (SELECT 1 FROM run_inputs ri WHERE ri.run_uuid = runs.run_uuid AND "
                        "ri.kind = 'dataset_version' AND " + Condition("ri.ref", c, where_params) + ")");
        break;
    }
    if (!select.empty()) driving += driving.empty() ? select : " INTERSECT " + select;
  }
  if (!driving.empty()) joins = " JOIN (" + driving + ") f ON f.run_uuid = runs.run_uuid";

  bool has_start_time = false;
  int alias = 0;
  for (const OrderBy& ob : order) {
    const char* dir = ob.ascending ? " ASC" : " DESC";
    std::string keys;
    if (ob.key.type == EntityType::kAttribute) {
      std::string col = RunColumn(ob.key.name);
      has_start_time |= ob.key.name == "start_time";
      keys = "(" + col + " IS NULL), " + col + dir;
    } else {
      std::string a = "o" + std::to_string(alias++);
      const char* table = ob.key.type == EntityType::kMetric ? "latest_metrics"
                          : ob.key.type == EntityType::kParam ? "params"
                                                              : "tags";
      joins += std::string(" LEFT JOIN ") + table + " " + a + " ON " + a + ".run_uuid = runs.run_uuid AND " + a + ".key = ?";
      join_params.push_back(ob.key.name);
      // Runs without the key come last whatever the direction; NaN metrics just before them.
      keys = "(" + a + ".value IS NULL), ";
      if (ob.key.type == EntityType::kMetric) keys += a + ".is_nan, ";
      keys += a + ".value" + dir;
    }
    order_sql += (order_sql.empty() ? "" : ", ") + keys;
  }
  if (!has_start_time) order_sql += std::string(order_sql.empty() ? "" : ", ") + "runs.start_time DESC";
  order_sql += ", runs.run_uuid ASC";

  CompiledQuery q;
  q.offset = offset;
  q.limit = req.max_results;
  q.sql = "SELECT runs.run_uuid FROM runs" + joins + " WHERE " + where + " ORDER BY " + order_sql + " LIMIT ? OFFSET ?";
  q.params = std::move(join_params);
  q.params.insert(q.params.end(), where_params.begin(), where_params.end());
  q.params.push_back(req.max_results + 1);
  q.params.push_back(offset);
  return q;
}

Result<CompiledQuery> CompileExperimentSearch(const ExperimentSearchRequest& req) {
  RETURN_IF_ERROR(ValidateCommon(req.max_results, req.view_type));
  ASSIGN_OR_RETURN(std::vector<Comparison> filter, ParseSearchFilter(req.filter, SearchKind::kExperiments));
  ASSIGN_OR_RETURN(std::vector<OrderBy> order, ParseOrder(req.order_by, SearchKind::kExperiments));
  ASSIGN_OR_RETURN(int64_t offset, PageOffset(req.page_token));

  std::string where, order_sql;
  std::vector<SqlValue> params;
  if (req.project_ids.empty()) {
    AndWhere(where, "1 = 0");  // the caller can see no project
  } else {
    AndWhere(where, "e.project_id IN (" + store::Placeholders(req.project_ids.size()) + ")");
    for (int64_t id : req.project_ids) params.push_back(id);
  }
  if (req.view_type == "ACTIVE_ONLY") AndWhere(where, "e.lifecycle_stage = 'active'");
  else if (req.view_type == "DELETED_ONLY") AndWhere(where, "e.lifecycle_stage = 'deleted'");
  for (const Comparison& c : filter) {
    RETURN_IF_ERROR(CheckLikePattern(c));
    if (c.key.type == EntityType::kTag) {
      params.push_back(c.key.name);
      AndWhere(where, "EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = ? AND " +
                          Condition("t.value", c, params) + ")");
    } else {
      AndWhere(where, Condition(ExperimentColumn(c.key.name), c, params));
    }
  }

  bool has_id = false;
  for (const OrderBy& ob : order) {
    has_id |= ob.key.name == "experiment_id";
    order_sql += (order_sql.empty() ? "" : ", ") + ExperimentColumn(ob.key.name) + (ob.ascending ? " ASC" : " DESC");
  }
  if (order.empty()) order_sql = "e.creation_time DESC, e.experiment_id ASC";
  else if (!has_id) order_sql += ", e.experiment_id DESC";

  CompiledQuery q;
  q.offset = offset;
  q.limit = req.max_results;
  q.sql = "SELECT e.experiment_id FROM experiments e WHERE " + where + " ORDER BY " + order_sql + " LIMIT ? OFFSET ?";
  q.params = std::move(params);
  q.params.push_back(req.max_results + 1);
  q.params.push_back(offset);
  return q;
}

}  // namespace moebius::tracking
