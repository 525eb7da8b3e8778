#include "api/tracking_requests.h"

#include "project/project_service.h"

#include "api/json_views.h"
#include "api/resolvers.h"
#include "base/json_reader.h"
#include "base/strings.h"

namespace moebius::api {

Result<std::vector<tracking::KeyValue>> ParseKeyValues(const Json& body, const char* field) {
  std::vector<tracking::KeyValue> out;
  ASSIGN_OR_RETURN(std::optional<JsonReader> list, JsonReader(body).Proto3().OptArray(field));
  if (!list) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    JsonReader kv = (*list)[i];
    ASSIGN_OR_RETURN(std::string key, kv.Req<std::string>("key"));
    ASSIGN_OR_RETURN(std::string value, kv.Get<std::string>("value", ""));
    out.push_back({key, value});
  }
  return out;
}

namespace {

// A metric whose fields are all plainly typed (key a string, value a number, timestamp and step
// integers in range; step may be absent): what ParseMetric below would read, without building a
// JsonReader path per field, which only messages use. A log-batch has 1000 of these (issue 18).
// False for anything else, which ParseMetric reads and, where it is wrong, names.
bool PlainMetric(const Json& obj, tracking::MetricPoint* m) {
  if (!obj.is_object()) return false;
  auto integer = [](const Json& v, int64_t* out) {
    if (v.is_number_unsigned()) {  // nlohmann parses every non-negative integer as unsigned
      if (v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return false;
      *out = static_cast<int64_t>(v.get<uint64_t>());
      return true;
    }
    if (!v.is_number_integer()) return false;
    *out = v.get<int64_t>();
    return true;
  };
  auto key = obj.find("key"), value = obj.find("value"), ts = obj.find("timestamp"), step = obj.find("step");
  if (key == obj.end() || !key->is_string() || value == obj.end() || !value->is_number() || ts == obj.end() ||
      !integer(*ts, &m->timestamp))
    return false;
  m->step = 0;
  if (step != obj.end() && !step->is_null() && !integer(*step, &m->step)) return false;
  m->key = key->get_ref<const std::string&>();
  m->value = value->get<double>();
  return true;
}

Result<tracking::MetricPoint> ParseMetric(const JsonReader& obj) {
  tracking::MetricPoint m;
  ASSIGN_OR_RETURN(m.key, obj.Req<std::string>("key"));
  ASSIGN_OR_RETURN(auto value, obj.Opt<double>("value"));
  if (!value) return InvalidArgument("Missing value for required parameter 'value' of metric '" + m.key + "'");
  m.value = *value;
  ASSIGN_OR_RETURN(auto ts, obj.Opt<int64_t>("timestamp"));
  if (!ts) return InvalidArgument("Missing value for required parameter 'timestamp' of metric '" + m.key + "'");
  m.timestamp = *ts;
  ASSIGN_OR_RETURN(m.step, obj.Get<int64_t>("step", 0));
  return m;
}

}  // namespace

Result<tracking::MetricPoint> ParseMetric(const Json& obj) { return ParseMetric(JsonReader(obj, "", "the metric").Proto3()); }

Result<std::vector<tracking::MetricPoint>> ParseMetricList(const Json& body, const char* field) {
  std::vector<tracking::MetricPoint> out;
  ASSIGN_OR_RETURN(std::optional<JsonReader> list, JsonReader(body).Proto3().OptArray(field));
  if (!list) return out;
  if (list->size() > tracking::kMaxBatchMetrics)
    return InvalidArgument("A batch logging request can contain at most 1000 metrics. Got " + std::to_string(list->size()) + " metrics.");
  out.reserve(list->size());
  const Json& items = list->json();
  for (size_t i = 0; i < items.size(); ++i) {
    if (tracking::MetricPoint p; PlainMetric(items[i], &p)) {
      out.push_back(std::move(p));
      continue;
    }
    ASSIGN_OR_RETURN(tracking::MetricPoint p, ParseMetric((*list)[i]));
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<std::string>> ParseStringList(const Json& body, const char* field, size_t max_items) {
  ASSIGN_OR_RETURN(std::optional<JsonReader> list, JsonReader(body).Proto3().OptArray(field));
  if (!list) return std::vector<std::string>();
  if (list->size() > max_items) return InvalidArgument(std::string("field '") + field + "' may list at most " + std::to_string(max_items) + " items");
  return list->Items<std::string>();
}

Result<tracking::RunSearchRequest> ParseRunSearch(const Json& json) {
  JsonReader body = JsonReader(json).Proto3();
  RETURN_IF_ERROR(body.ExpectObject());
  tracking::RunSearchRequest q;
  if (!body.Has("experiment_ids") || !json["experiment_ids"].is_array()) return InvalidArgument("experiment_ids must be a list of experiment ids");
  ASSIGN_OR_RETURN(JsonReader ids, body.Array("experiment_ids"));
  for (size_t i = 0; i < ids.size(); ++i) {
    // MLflow clients send ids as strings; integers are accepted too.
    const Json& e = ids[i].json();
    std::string text = e.is_string() ? e.get<std::string>() : e.is_number_integer() ? std::to_string(e.get<int64_t>()) : "";
    ASSIGN_OR_RETURN(int64_t id, ParseExperimentId(text));
    q.experiment_ids.push_back(id);
  }
  ASSIGN_OR_RETURN(q.filter, body.Get<std::string>("filter", ""));
  ASSIGN_OR_RETURN(q.order_by, ParseStringList(json, "order_by", 20));
  ASSIGN_OR_RETURN(q.max_results, body.Get<int64_t>("max_results", 1000));
  ASSIGN_OR_RETURN(q.page_token, body.Get<std::string>("page_token", ""));
  ASSIGN_OR_RETURN(q.view_type, body.Get<std::string>("run_view_type", "ACTIVE_ONLY"));
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
