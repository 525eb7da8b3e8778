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
