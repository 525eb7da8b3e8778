// Parsing of tracking request bodies shared by the native and MLflow-compatible routes. Types
// are checked strictly: a wrong type is a 400 naming the field.
#pragma once

#include <vector>

#include "api/router.h"
#include "api/services.h"
#include "base/json.h"
#include "base/status.h"
#include "tracking/tracking_store.h"

namespace moebius::api {

Result<std::vector<tracking::KeyValue>> ParseKeyValues(const Json& body, const char* field);
Result<std::vector<tracking::MetricPoint>> ParseMetricList(const Json& body, const char* field);
// One metric from a log-metric body: key, value and timestamp required, step optional.
Result<tracking::MetricPoint> ParseMetric(const Json& obj);
Result<std::vector<std::string>> ParseStringList(const Json& body, const char* field, size_t max_items);
// Run search body → query (shared by /api/v1/runs/search and MLflow runs/search).
Result<tracking::RunSearchRequest> ParseRunSearch(const Json& body);

// MLflow log-batch (POST /api/2.0/mlflow/runs/log-batch). The resolver reads the body in one
// SAX pass straight into a LogBatchBody, without the JSON tree, when it has the usual shape: an
// object of run_id (or run_uuid) as a string, and metrics ({key, value, timestamp[, step]},
// plainly typed, at most 1000), params and tags ({key[, value]} strings); no other member, no
// repeated key, no query-string run id, within the JSON limits. Anything else takes the general
// path (RunFromField and the JSON tree), which reads it the same way or names what is wrong, so
// answers do not depend on which path ran. A log-batch is 1000 metrics; the tree was a third of
// its CPU (issue 18).
struct LogBatchBody {
  std::string run_id;
  std::vector<tracking::MetricPoint> metrics;
  std::vector<tracking::KeyValue> params;
  std::vector<tracking::KeyValue> tags;
};
// Resolves the run's project like RunFromField; on the fast path it also leaves the
// LogBatchBody in ctx.decoded_body for the handler.
ProjectResolver RunOfLogBatch(Services& s);

// Where an experiment or a registered model created through the MLflow API lands: the project
// named by the X-Moebius-Project header, else by a `moebius.project` tag of the body, else
// `default`.
ProjectResolver ProjectOfMlflowCreate(Services& s);

// Handlers shared by the native and the MLflow-compatible routes.
// POST body {experiment_ids, filter, order_by, max_results, page_token, run_view_type} → runs.
Result<HttpResponse> HandleRunSearch(Services& s, RouteContext& ctx);
// Metric history of (run, key) with max_results (≤ 25000) and page_token from the query string.
Result<HttpResponse> HandleMetricHistory(Services& s, RouteContext& ctx, const std::string& run_id, const std::string& key);

}  // namespace moebius::api
