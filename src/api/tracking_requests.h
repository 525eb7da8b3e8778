// Parsing of tracking request bodies shared by the native and MLflow-compatible routes. Types
// are checked strictly: a wrong type is a 400 naming the field.
#pragma once

#include <vector>

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
Result<tracking::RunSearchQuery> ParseRunSearch(const Json& body);

}  // namespace moebius::api
