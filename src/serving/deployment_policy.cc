#include "serving/deployment_policy.h"

#include "base/json_reader.h"

namespace moebius::serving {

Json VariantsJson(const std::vector<Variant>& variants) {
  Json out = Json::array();
  for (const auto& v : variants)
    out.push_back({{"name", v.name}, {"model", v.model}, {"version", v.version}, {"weight", v.weight}, {"runtime", v.runtime}});
  return out;
}

Result<std::vector<Variant>> VariantsFromJson(const Json& j) {
  if (!j.is_array()) return InvalidArgument("variants must be a list");
  std::vector<Variant> out;
  for (const Json& v : j) {
    if (!v.is_object() || !v.contains("name") || !v["name"].is_string() || !v.contains("model") || !v["model"].is_string() ||
        !v.contains("version") || !v["version"].is_number_integer() || !v.contains("weight") || !v["weight"].is_number_integer())
      return InvalidArgument("a variant needs name, model, version and weight");
    Variant var{v["name"].get<std::string>(), v["model"].get<std::string>(), v["version"].get<int64_t>(), v["weight"].get<int64_t>()};
    if (v.contains("runtime") && v["runtime"].is_string()) var.runtime = v["runtime"].get<std::string>();  // absent before migration 1201
    out.push_back(std::move(var));
  }
  return out;
}

namespace {

Json GuardrailsJson(const Guardrails& g) {
  Json out{{"window_s", g.window_s}, {"min_requests", g.min_requests}};
  out["max_error_rate"] = g.max_error_rate >= 0 ? Json(g.max_error_rate) : Json(nullptr);
  out["max_p99_ms"] = g.max_p99_ms >= 0 ? Json(g.max_p99_ms) : Json(nullptr);
  return out;
}

Status ReadGuardrails(const JsonReader& r, Guardrails& g) {
  RETURN_IF_ERROR(r.ExpectObject());
  ASSIGN_OR_RETURN(auto rate, r.Opt<double>("max_error_rate"));
  ASSIGN_OR_RETURN(auto p99, r.Opt<double>("max_p99_ms"));
  ASSIGN_OR_RETURN(auto window, r.Opt<int64_t>("window_s"));
  ASSIGN_OR_RETURN(auto min_requests, r.Opt<int64_t>("min_requests"));
  g = Guardrails{};
  if (rate) {
    if (!(*rate >= 0 && *rate <= 1)) return r.Invalid("max_error_rate", "must be a share from 0 to 1");
    g.max_error_rate = *rate;
  }
  if (p99) {
    if (!(*p99 > 0 && *p99 <= 600000)) return r.Invalid("max_p99_ms", "must be a latency in milliseconds above 0");
    g.max_p99_ms = *p99;
  }
  if (window) {
    if (*window < 5 || *window > 300) return r.Invalid("window_s", "must be from 5 to 300 seconds");
    g.window_s = static_cast<int>(*window);
  }
  if (min_requests) {
    if (*min_requests < 1 || *min_requests > 1000000) return r.Invalid("min_requests", "must be from 1 to 1000000");
    g.min_requests = *min_requests;
  }
  if (!g.Enabled()) return r.Invalid("needs max_error_rate or max_p99_ms (or null to remove the guardrails)");
  return Status::Ok();
}

}  // namespace

static Status ReadAsync(const JsonReader& r, AsyncPolicy& a) {
  RETURN_IF_ERROR(r.ExpectObject());
  ASSIGN_OR_RETURN(a.webhook, r.Get<std::string>("webhook", a.webhook));
  if (!a.webhook.empty() && a.webhook.rfind("http://", 0) != 0 && a.webhook.rfind("https://", 0) != 0)
    return r.Invalid("webhook", "must be an http:// or https:// URL");
  if (a.webhook.size() > 2048) return r.Invalid("webhook", "must be at most 2048 characters");
  ASSIGN_OR_RETURN(int64_t keep, r.Get<int64_t>("keep_s", a.keep_s));
  if (keep < 10 || keep > 7 * 86400) return r.Invalid("keep_s", "must be from 10 to 604800 seconds");
  ASSIGN_OR_RETURN(int64_t queue, r.Get<int64_t>("max_queue", a.max_queue));
  if (queue < 1 || queue > 100000) return r.Invalid("max_queue", "must be from 1 to 100000");
  a.keep_s = static_cast<int>(keep);
  a.max_queue = static_cast<int>(queue);
  return Status::Ok();
}

Json PolicyJson(const DeploymentPolicy& p) {
  Json out{{"capture_rate", p.capture_rate}};
  out["async"] = {{"webhook", p.async.webhook}, {"keep_s", p.async.keep_s}, {"max_queue", p.async.max_queue}};
  out["shadow"] = p.shadow.variant.empty() ? Json(nullptr) : Json{{"variant", p.shadow.variant}, {"share", p.shadow.share}};
  out["guardrails"] = p.guardrails.Enabled() ? GuardrailsJson(p.guardrails) : Json(nullptr);
  if (p.canary) {
    const CanaryPlan& c = *p.canary;
    out["canary"] = {{"variant", c.variant},   {"steps", c.steps},           {"interval_s", c.interval_s},
                     {"step", c.step},         {"percent", c.steps.empty() ? 0 : c.steps[c.step]},
                     {"next_at", c.next_at_ms}, {"baseline", VariantsJson(c.baseline)}};
  } else {
    out["canary"] = nullptr;
  }
  if (p.blue_green)
    out["blue_green"] = {{"previous", p.blue_green->previous}, {"keep_until", p.blue_green->keep_until_ms}, {"before", VariantsJson(p.blue_green->before)}};
  else
    out["blue_green"] = nullptr;
  return out;
}

Result<DeploymentPolicy> PolicyFromStored(const Json& j) {
  DeploymentPolicy p;
  if (j.is_null()) return p;
  JsonReader r(j, "policy", "the stored policy");
  RETURN_IF_ERROR(r.ExpectObject());
  ASSIGN_OR_RETURN(p.capture_rate, r.Get<double>("capture_rate", 0.1));
  ASSIGN_OR_RETURN(auto async, r.OptObject("async"));
  if (async) RETURN_IF_ERROR(ReadAsync(*async, p.async));
  ASSIGN_OR_RETURN(auto shadow, r.OptObject("shadow"));
  if (shadow) {
    ASSIGN_OR_RETURN(p.shadow.variant, shadow->Req<std::string>("variant"));
    ASSIGN_OR_RETURN(p.shadow.share, shadow->Get<double>("share", 1.0));
  }
  ASSIGN_OR_RETURN(auto guardrails, r.OptObject("guardrails"));
  if (guardrails) RETURN_IF_ERROR(ReadGuardrails(*guardrails, p.guardrails));
  ASSIGN_OR_RETURN(auto canary, r.OptObject("canary"));
  if (canary) {
    CanaryPlan plan;
    ASSIGN_OR_RETURN(plan.variant, canary->Req<std::string>("variant"));
    ASSIGN_OR_RETURN(JsonReader steps, canary->Array("steps"));
    ASSIGN_OR_RETURN(plan.steps, CanarySteps(steps.json()));
    ASSIGN_OR_RETURN(int64_t interval, canary->Req<int64_t>("interval_s"));
    ASSIGN_OR_RETURN(int64_t step, canary->Req<int64_t>("step"));
    if (step < 0 || static_cast<size_t>(step) >= plan.steps.size()) return canary->Invalid("step", "is past the steps");
    plan.interval_s = static_cast<int>(interval);
    plan.step = static_cast<size_t>(step);
    ASSIGN_OR_RETURN(plan.next_at_ms, canary->Req<int64_t>("next_at"));
    ASSIGN_OR_RETURN(JsonReader baseline, canary->Array("baseline"));
    ASSIGN_OR_RETURN(plan.baseline, VariantsFromJson(baseline.json()));
    p.canary = std::move(plan);
  }
  ASSIGN_OR_RETURN(auto bg, r.OptObject("blue_green"));
  if (bg) {
    BlueGreen b;
    ASSIGN_OR_RETURN(auto previous, bg->OptList<std::string>("previous"));
    if (previous) b.previous = std::move(*previous);
    ASSIGN_OR_RETURN(b.keep_until_ms, bg->Req<int64_t>("keep_until"));
    ASSIGN_OR_RETURN(JsonReader before, bg->Array("before"));
    ASSIGN_OR_RETURN(b.before, VariantsFromJson(before.json()));
    p.blue_green = std::move(b);
  }
  return p;
}

Status ApplyPolicySettings(const Json& body, DeploymentPolicy& p) {
  JsonReader r(body);
  RETURN_IF_ERROR(r.ExpectObject());
  ASSIGN_OR_RETURN(auto rate, r.Opt<double>("capture_rate"));
  if (rate) {
    if (!(*rate >= 0 && *rate <= 1)) return r.Invalid("capture_rate", "must be a share from 0 to 1");
    p.capture_rate = *rate;
  }
  if (r.Has("async")) {
    ASSIGN_OR_RETURN(JsonReader a, r.Object("async"));
    RETURN_IF_ERROR(ReadAsync(a, p.async));
  }
  if (r.Has("shadow")) {
    ASSIGN_OR_RETURN(JsonReader s, r.Object("shadow"));
    ASSIGN_OR_RETURN(p.shadow.variant, s.Req<std::string>("variant"));
    ASSIGN_OR_RETURN(double share, s.Get<double>("share", 1.0));
    if (!(share > 0 && share <= 1)) return s.Invalid("share", "must be a share above 0, at most 1");
    p.shadow.share = share;
  } else if (body.contains("shadow")) {
    p.shadow = ShadowPolicy{};  // null removes it
  }
  if (r.Has("guardrails")) {
    ASSIGN_OR_RETURN(JsonReader g, r.Object("guardrails"));
    RETURN_IF_ERROR(ReadGuardrails(g, p.guardrails));
  } else if (body.contains("guardrails")) {
    p.guardrails = Guardrails{};
  }
  return Status::Ok();
}

Result<std::vector<int>> CanarySteps(const Json& steps) {
  JsonReader r(steps, "steps");
  ASSIGN_OR_RETURN(std::vector<int64_t> items, r.Items<int64_t>());
  if (items.empty() || items.size() > 20) return r.Invalid("must list 1 to 20 percents");
  std::vector<int> out;
  for (int64_t s : items) {
    if (s < 1 || s > 100) return r.Invalid("must hold percents from 1 to 100");
    if (!out.empty() && s <= out.back()) return r.Invalid("must increase");
    out.push_back(static_cast<int>(s));
  }
  if (out.back() != 100) out.push_back(100);
  return out;
}

}  // namespace moebius::serving
