#include "api/tracking_requests.h"

#include "project/project_service.h"

#include "api/json_views.h"
#include "api/resolvers.h"
#include "base/strings.h"

namespace moebius::api {

Result<std::vector<tracking::KeyValue>> ParseKeyValues(const Json& body, const char* field) {
  std::vector<tracking::KeyValue> out;
  if (!body.is_object()) return InvalidArgument("request body must be a JSON object");
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return InvalidArgument(std::string("field '") + field + "' must be a list of {key, value} objects");
  for (const Json& kv : *it) {
    if (!kv.is_object()) return InvalidArgument(std::string("field '") + field + "' must be a list of {key, value} objects");
    ASSIGN_OR_RETURN(std::string key, ReqString(kv, "key"));
    ASSIGN_OR_RETURN(auto value, OptString(kv, "value"));
    out.push_back({key, value.value_or("")});
  }
  return out;
}

Result<tracking::MetricPoint> ParseMetric(const Json& obj) {
  if (!obj.is_object()) return InvalidArgument("each metric must be an object with key, value, timestamp and step");
  tracking::MetricPoint m;
  ASSIGN_OR_RETURN(m.key, ReqString(obj, "key"));
  ASSIGN_OR_RETURN(auto value, OptDouble(obj, "value"));
  if (!value) return InvalidArgument("Missing value for required parameter 'value' of metric '" + m.key + "'");
  m.value = *value;
  ASSIGN_OR_RETURN(auto ts, OptInt(obj, "timestamp"));
  if (!ts) return InvalidArgument("Missing value for required parameter 'timestamp' of metric '" + m.key + "'");
  m.timestamp = *ts;
  ASSIGN_OR_RETURN(auto step, OptInt(obj, "step"));
  m.step = step.value_or(0);
  return m;
}

Result<std::vector<tracking::MetricPoint>> ParseMetricList(const Json& body, const char* field) {
  std::vector<tracking::MetricPoint> out;
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return InvalidArgument(std::string("field '") + field + "' must be a list of metrics");
  if (it->size() > tracking::kMaxBatchMetrics)
    return InvalidArgument("A batch logging request can contain at most 1000 metrics. Got " + std::to_string(it->size()) + " metrics.");
  out.reserve(it->size());
  for (const Json& m : *it) {
    ASSIGN_OR_RETURN(tracking::MetricPoint p, ParseMetric(m));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<std::string>> ParseStringList(const Json& body, const char* field, size_t max_items) {
  std::vector<std::string> out;
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return InvalidArgument(std::string("field '") + field + "' must be a list of strings");
  if (it->size() > max_items) return InvalidArgument(std::string("field '") + field + "' may list at most " + std::to_string(max_items) + " items");
  for (const Json& x : *it) {
    if (!x.is_string()) return InvalidArgument(std::string("field '") + field + "' must be a list of strings");
    out.push_back(x.get<std::string>());
  }
  return out;
}

Result<tracking::RunSearchRequest> ParseRunSearch(const Json& body) {
  if (!body.is_object()) return InvalidArgument("request body must be a JSON object");
  tracking::RunSearchRequest q;
  auto it = body.find("experiment_ids");
  if (it == body.end() || !it->is_array()) return InvalidArgument("experiment_ids must be a list of experiment ids");
  for (const Json& e : *it) {
    std::string text = e.is_string() ? e.get<std::string>() : e.is_number_integer() ? std::to_string(e.get<int64_t>()) : "";
    ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(text));
    q.experiment_ids.push_back(id);
  }
  ASSIGN_OR_RETURN(auto filter, OptString(body, "filter"));
  q.filter = filter.value_or("");
  ASSIGN_OR_RETURN(q.order_by, ParseStringList(body, "order_by", 20));
  ASSIGN_OR_RETURN(auto max_results, OptInt(body, "max_results"));
  q.max_results = max_results.value_or(1000);
  ASSIGN_OR_RETURN(auto token, OptString(body, "page_token"));
  q.page_token = token.value_or("");
  ASSIGN_OR_RETURN(auto view, OptString(body, "run_view_type"));
  q.view_type = view.value_or("ACTIVE_ONLY");
  if (q.view_type != "ACTIVE_ONLY" && q.view_type != "DELETED_ONLY" && q.view_type != "ALL")
    return InvalidArgument("run_view_type must be ACTIVE_ONLY, DELETED_ONLY or ALL");
  return q;
}

Result<HttpResponse> HandleRunSearch(Services& s, RouteContext& ctx) {
  ASSIGN_OR_RETURN(const Json* body, ctx.Body());
  ASSIGN_OR_RETURN(tracking::RunSearchRequest q, ParseRunSearch(*body));
  ASSIGN_OR_RETURN(auto page, s.tracking.SearchRuns(q));
  Json runs = Json::array();
  for (const auto& run : page.first) runs.push_back(RunJson(run));
  Json resp{{"runs", runs}};
  if (!page.second.empty()) resp["next_page_token"] = page.second;
  return JsonResponse(resp);
}

Result<HttpResponse> HandleMetricHistory(Services& s, RouteContext& ctx, const std::string& run_id, const std::string& key) {
  int64_t max_results = 25000;
  if (auto m = ctx.req.Query("max_results")) {
    auto v = ParseInt64(*m);
    if (!v) return InvalidArgument("max_results must be an integer");
    max_results = *v;
  }
  ASSIGN_OR_RETURN(auto page, s.tracking.GetMetricHistory(run_id, key, max_results, ctx.req.Query("page_token").value_or("")));
  Json metrics = Json::array();
  for (const auto& m : page.first) metrics.push_back(MetricJson(m));
  Json resp{{"metrics", metrics}};
  if (!page.second.empty()) resp["next_page_token"] = page.second;
  return JsonResponse(resp);
}

ProjectResolver ProjectOfMlflowCreate(Services& s) {
  return [&s](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    std::string name = "default";
    if (auto h = ctx.req.Header("x-moebius-project")) {
      name = std::string(*h);
    } else {
      ASSIGN_OR_RETURN(const Json* body, ctx.Body());
      ASSIGN_OR_RETURN(auto tags, ParseKeyValues(*body, "tags"));
      for (const auto& t : tags)
        if (t.key == "moebius.project") name = t.value;
    }
    ASSIGN_OR_RETURN(project::Project p, s.projects.GetProject(name));
    return std::vector<int64_t>{p.id};
  };
}

}  // namespace moebius::api
