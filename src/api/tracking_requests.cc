#include "api/tracking_requests.h"

#include <charconv>
#include <cstdint>
#include <string_view>
#include <system_error>

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

// The reader of LogBatchBody (tracking_requests.h): a strict scanner of the usual shape of a
// log-batch body that gives up (nullopt, and the general path reads the body) at the first thing
// outside it, so it never phrases an error of its own and never accepts what the JSON parser
// would refuse. Outside it: any string with an escape, a control character or a non-ASCII byte
// (the parser checks UTF-8), a repeated or unknown member, null, numbers in a form the field
// would need converting (a float timestamp, a "NaN" value), a number out of range, a UTF-8 BOM.
// nlohmann's lexer took ~135 instructions per byte of a log-batch; this takes a fraction.
class LogBatchScanner {
 public:
  LogBatchScanner(std::string_view text, const JsonLimits& limits) : p_(text.data()), end_(text.data() + text.size()), limits_(limits) {}

  std::optional<LogBatchBody> Read() {
    LogBatchBody body;
    std::string run_id, run_uuid;
    int seen = 0;
    Ws();
    if (!Eat('{')) return std::nullopt;
    do {
      Ws();
      std::string_view key;
      if (!Str(&key) || !Colon()) return std::nullopt;
      int f = key == "run_id" ? 1 : key == "run_uuid" ? 2 : key == "metrics" ? 4 : key == "params" ? 8 : key == "tags" ? 16 : 0;
      if (!f || (seen & f)) return std::nullopt;
      seen |= f;
      std::string_view v;
      if (f == 1 || f == 2) {
        if (!Str(&v)) return std::nullopt;
        (f == 1 ? run_id : run_uuid).assign(v);
      } else if (!List(f == 4 ? &body.metrics : nullptr, f == 8 ? &body.params : f == 16 ? &body.tags : nullptr)) {
        return std::nullopt;
      }
      Ws();
    } while (Eat(','));
    if (!Eat('}')) return std::nullopt;
    Ws();
    if (p_ != end_ || !(seen & 3)) return std::nullopt;
    body.run_id = (seen & 1) ? std::move(run_id) : std::move(run_uuid);
    return body;
  }

 private:
  void Ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool Eat(char c) {
    if (p_ < end_ && *p_ == c) return ++p_, true;
    return false;
  }
  bool Colon() {
    Ws();
    if (!Eat(':')) return false;
    Ws();
    return true;
  }
  // A string of printable ASCII without escapes.
  bool Str(std::string_view* out) {
    if (!Eat('"')) return false;
    const char* begin = p_;
    while (p_ < end_ && *p_ != '"') {
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c < 0x20 || c >= 0x80 || c == '\\') return false;
      ++p_;
    }
    if (p_ == end_ || static_cast<size_t>(p_ - begin) > limits_.max_string_bytes) return false;
    *out = std::string_view(begin, static_cast<size_t>(p_ - begin));
    ++p_;
    return true;
  }
  // A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; *integral when it has neither
  // fraction nor exponent.
  bool Num(std::string_view* out, bool* integral) {
    const char* begin = p_;
    Eat('-');
    if (Eat('0')) {
    } else if (p_ < end_ && *p_ >= '1' && *p_ <= '9') {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    } else {
      return false;
    }
    *integral = true;
    if (Eat('.')) {
      *integral = false;
      if (!Digits()) return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      *integral = false;
      if (!Eat('+')) Eat('-');
      if (!Digits()) return false;
    }
    *out = std::string_view(begin, static_cast<size_t>(p_ - begin));
    return true;
  }
  bool Digits() {
    const char* begin = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ > begin;
  }
  bool Double(double* out) {
    std::string_view t;
    bool integral = false;
    if (!Num(&t, &integral)) return false;
    if (integral) {  // as the parser: an integer token is an integer ("-0" is 0, not -0.0)
      int64_t i = 0;
      auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
      if (ec == std::errc() && ptr == t.data() + t.size()) return *out = static_cast<double>(i), true;
    }
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
    return ec == std::errc() && ptr == t.data() + t.size();  // out of range: the general path
  }
  bool Int(int64_t* out) {
    std::string_view t;
    bool integral = false;
    if (!Num(&t, &integral) || !integral) return false;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), *out);
    return ec == std::errc() && ptr == t.data() + t.size();
  }
  // [ {item}, ... ]: metrics into `metrics`, else {key, value} pairs into `pairs`.
  bool List(std::vector<tracking::MetricPoint>* metrics, std::vector<tracking::KeyValue>* pairs) {
    if (!Eat('[')) return false;
    Ws();
    if (Eat(']')) return true;
    size_t items = 0;
    do {
      Ws();
      if (++items > limits_.max_array_items || !Eat('{')) return false;
      int seen = 0;
      tracking::MetricPoint m;
      tracking::KeyValue kv;
      do {
        Ws();
        std::string_view key, v;
        if (!Str(&key) || !Colon()) return false;
        int f = key == "key" ? 1 : key == "value" ? 2 : metrics && key == "timestamp" ? 4 : metrics && key == "step" ? 8 : 0;
        if (!f || (seen & f)) return false;
        seen |= f;
        bool ok = f == 1 ? Str(&v) : f == 2 ? (metrics ? Double(&m.value) : Str(&v)) : f == 4 ? Int(&m.timestamp) : Int(&m.step);
        if (!ok) return false;
        if (f == 1) (metrics ? m.key : kv.key).assign(v);
        if (f == 2 && !metrics) kv.value.assign(v);
        Ws();
      } while (Eat(','));
      if (!Eat('}') || !(seen & 1)) return false;
      if (metrics) {
        // Missing value or timestamp, or over 1000 metrics: the general path says so.
        if ((seen & 6) != 6 || metrics->size() >= tracking::kMaxBatchMetrics) return false;
        metrics->push_back(std::move(m));
      } else {
        pairs->push_back(std::move(kv));
      }
      Ws();
    } while (Eat(','));
    return Eat(']');
  }

  const char* p_;
  const char* const end_;
  const JsonLimits limits_;
};

std::optional<LogBatchBody> ReadLogBatch(std::string_view text, const JsonLimits& limits) {
  return LogBatchScanner(text, limits).Read();
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
