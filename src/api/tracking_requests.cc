#include "api/tracking_requests.h"

#include <cstdint>
#include <string_view>

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

namespace {

// The SAX reader of LogBatchBody (tracking_requests.h): a state machine over the usual shape of
// a log-batch body that gives up (returns false, and the general path reads the body) at the
// first thing outside it, so it never has to phrase an error of its own.
class LogBatchReader {
 public:
  using Sax = nlohmann::json_sax<Json>;
  explicit LogBatchReader(const JsonLimits& limits) : limits_(limits) {}

  // The body when it had the usual shape.
  std::optional<LogBatchBody> Take() {
    if (depth_ != 0 || !done_ || (run_id_.empty() && run_uuid_.empty() && !(seen_top_ & (kRunId | kRunUuid)))) return std::nullopt;
    if (seen_top_ & kRunId) body_.run_id = std::move(run_id_);
    else if (seen_top_ & kRunUuid) body_.run_id = std::move(run_uuid_);
    else return std::nullopt;
    return std::move(body_);
  }

  bool null() { return false; }
  bool boolean(bool) { return false; }
  bool binary(Sax::binary_t&) { return false; }
  bool number_integer(Sax::number_integer_t v) { return Number(static_cast<double>(v), true, v); }
  bool number_unsigned(Sax::number_unsigned_t v) {
    if (v > static_cast<uint64_t>(INT64_MAX)) return Number(static_cast<double>(v), false, 0);
    return Number(static_cast<double>(v), true, static_cast<int64_t>(v));
  }
  bool number_float(Sax::number_float_t v, const Sax::string_t&) { return Number(v, false, 0); }
  bool string(Sax::string_t& v) {
    if (v.size() > limits_.max_string_bytes) return false;
    if (depth_ == 1 && field_ == kRunId) return run_id_ = std::move(v), true;
    if (depth_ == 1 && field_ == kRunUuid) return run_uuid_ = std::move(v), true;
    if (depth_ != 3) return false;
    if (field_ == kKey) return item_key_ = std::move(v), true;
    if (field_ == kValue && list_ != kMetrics) return item_value_ = std::move(v), true;
    return false;
  }
  bool start_object(std::size_t) {
    if (depth_ == 0 && !done_) return depth_ = 1, true;
    if (depth_ != 2) return false;
    if (++items_ > limits_.max_array_items) return false;
    seen_item_ = 0;
    item_key_.clear();
    item_value_.clear();
    metric_ = tracking::MetricPoint{};
    return depth_ = 3, true;
  }
  bool key(Sax::string_t& k) {
    int f = 0;
    if (depth_ == 1) {
      f = k == "run_id" ? kRunId : k == "run_uuid" ? kRunUuid : k == "metrics" ? kMetricsField : k == "params" ? kParamsField
          : k == "tags" ? kTagsField : 0;
      if (!f || (seen_top_ & f)) return false;
      seen_top_ |= f;
    } else if (depth_ == 3) {
      f = k == "key" ? kKey : k == "value" ? kValue : list_ == kMetrics && k == "timestamp" ? kTimestamp
          : list_ == kMetrics && k == "step" ? kStep : 0;
      if (!f || (seen_item_ & f)) return false;
      seen_item_ |= f;
    } else {
      return false;
    }
    field_ = f;
    return true;
  }
  bool end_object() {
    if (depth_ == 1) return depth_ = 0, done_ = true, true;
    if (depth_ != 3 || !(seen_item_ & kKey)) return false;
    depth_ = 2;
    if (list_ == kMetrics) {
      if (!(seen_item_ & kValue) || !(seen_item_ & kTimestamp)) return false;  // the general path names what is missing
      metric_.key = std::move(item_key_);
      body_.metrics.push_back(std::move(metric_));
      return body_.metrics.size() <= tracking::kMaxBatchMetrics;  // the general path says how many
    }
    (list_ == kParams ? body_.params : body_.tags).push_back({std::move(item_key_), std::move(item_value_)});
    return true;
  }
  bool start_array(std::size_t) {
    if (depth_ != 1 || (field_ != kMetricsField && field_ != kParamsField && field_ != kTagsField)) return false;
    list_ = field_ == kMetricsField ? kMetrics : field_ == kParamsField ? kParams : kTags;
    items_ = 0;
    return depth_ = 2, true;
  }
  bool end_array() { return depth_ == 2 ? (depth_ = 1, true) : false; }
  template <class Exception>
  bool parse_error(std::size_t, const std::string&, const Exception&) {
    return false;
  }

 private:
  // Top-level members and item members, as bits (a repeated key gives up: the tree keeps the last).
  enum : int { kRunId = 1, kRunUuid = 2, kMetricsField = 4, kParamsField = 8, kTagsField = 16 };
  enum : int { kKey = 32, kValue = 64, kTimestamp = 128, kStep = 256 };
  enum List { kNone, kMetrics, kParams, kTags };

  // A number in a metric: value takes any; timestamp and step an integer in int64's range.
  bool Number(double d, bool is_int64, int64_t i) {
    if (depth_ != 3 || list_ != kMetrics) return false;
    if (field_ == kValue) return metric_.value = d, true;
    if (!is_int64) return false;
    if (field_ == kTimestamp) return metric_.timestamp = i, true;
    if (field_ == kStep) return metric_.step = i, true;
    return false;
  }

  const JsonLimits limits_;
  LogBatchBody body_;
  std::string run_id_, run_uuid_;
  int depth_ = 0;  // 1 the body, 2 a list, 3 an item
  bool done_ = false;
  int seen_top_ = 0, seen_item_ = 0, field_ = 0;
  List list_ = kNone;
  size_t items_ = 0;
  std::string item_key_, item_value_;
  tracking::MetricPoint metric_;
};

std::optional<LogBatchBody> ReadLogBatch(std::string_view text, const JsonLimits& limits) {
  LogBatchReader reader(limits);
  if (!Json::sax_parse(text.begin(), text.end(), &reader, nlohmann::detail::input_format_t::json, /*strict=*/true)) return std::nullopt;
  return reader.Take();
}

}  // namespace

ProjectResolver RunOfLogBatch(Services& s) {
  ProjectResolver general = RunFromField(s);
  return [&s, general](RouteContext& ctx) -> Result<std::vector<int64_t>> {
    // A run id in the query string wins over the body's (QueryOrBodyString): the general path.
    if (!ctx.req.Query("run_id") && !ctx.req.Query("run_uuid")) {
      if (std::optional<LogBatchBody> batch = ReadLogBatch(ctx.req.body, ctx.json_limits)) {
        ASSIGN_OR_RETURN(int64_t project, ProjectOfRun(s, batch->run_id));
        ctx.decoded_body = std::move(*batch);
        return std::vector<int64_t>{project};
      }
    }
    return general(ctx);
  };
}

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
