// `moebius deploy create|list|show|history|set|configure|canary|switch|rollback|captures|feedback|compare|delete`
// and `moebius predict`: deployments and v2 inference through the REST API (docs/design/serving.md).
#include <cstdio>
#include <fstream>
#include <iterator>

#include "base/strings.h"
#include "cli/cli_app.h"

namespace moebius::cli {
namespace {

// "NAME=MODEL:VERSION[@WEIGHT]" → a variant object.
Result<Json> ParseVariant(const std::string& text) {
  size_t eq = text.find('='), colon = text.rfind(':');
  if (eq == std::string::npos || colon == std::string::npos || colon < eq)
    return InvalidArgument("--variant must be NAME=MODEL:VERSION[@WEIGHT], got '" + text + "'");
  std::string rest = text.substr(colon + 1);
  int64_t weight = 100;
  size_t at = rest.find('@');
  if (at != std::string::npos) {
    auto w = ParseInt64(rest.substr(at + 1));
    if (!w) return InvalidArgument("--variant weight must be a number in '" + text + "'");
    weight = *w;
    rest = rest.substr(0, at);
  }
  auto version = ParseInt64(rest);
  if (!version) return InvalidArgument("--variant version must be a number in '" + text + "'");
  return Json{{"name", text.substr(0, eq)}, {"model", text.substr(eq + 1, colon - eq - 1)}, {"version", *version}, {"weight", weight}};
}

void PrintDeployment(const Json& d) {
  std::printf("%s (%s, %s%s)\n", Str(d, "name").c_str(), Str(d, "environment").c_str(), Str(d, "strategy").c_str(),
              Str(d, "sticky_header").empty() ? "" : (" on " + Str(d, "sticky_header")).c_str());
  for (const Json& v : d["variants"]) {
    std::string stats;
    if (d.contains("stats") && d["stats"].is_object() && d["stats"].contains(Str(v, "name"))) {
      const Json& s = d["stats"][Str(v, "name")];
      char line[256];
      std::snprintf(line, sizeof(line), "  %lld requests, %lld failed, p50 %.2f ms, p99 %.2f ms%s",
                    static_cast<long long>(s.value("requests", int64_t{0})), static_cast<long long>(s.value("failures", int64_t{0})),
                    s.value("p50_ms", 0.0), s.value("p99_ms", 0.0), s.value("shadow", false) ? "  (shadow)" : "");
      stats = line;
    }
    std::printf("  %-12s %s v%s  weight %s%s\n", Str(v, "name").c_str(), Str(v, "model").c_str(), Str(v, "version").c_str(), Str(v, "weight").c_str(),
                stats.c_str());
  }
  if (!d.contains("policy") || !d["policy"].is_object()) return;
  const Json& p = d["policy"];
  std::printf("  capture %.0f%%", p.value("capture_rate", 0.0) * 100);
  if (p["shadow"].is_object()) std::printf(", shadow %s (%.0f%%)", Str(p["shadow"], "variant").c_str(), p["shadow"].value("share", 0.0) * 100);
  if (p["guardrails"].is_object()) {
    const Json& g = p["guardrails"];
    std::printf(", guardrails over %s s:", Str(g, "window_s").c_str());
    if (g["max_error_rate"].is_number()) std::printf(" errors <= %.1f%%", g["max_error_rate"].get<double>() * 100);
    if (g["max_p99_ms"].is_number()) std::printf(" p99 <= %.2f ms", g["max_p99_ms"].get<double>());
  }
  if (p["canary"].is_object()) std::printf(", canary %s at %s%%", Str(p["canary"], "variant").c_str(), Str(p["canary"], "percent").c_str());
  if (p["blue_green"].is_object()) std::printf(", previous variants warm until %s", Time(p["blue_green"], "keep_until").c_str());
  std::printf("\n");
}

void PrintHistory(const Json& d) {
  for (const Json& h : d["history"])
    std::printf("  %s %-15s by %-12s %s\n", Time(h, "at").c_str(), Str(h, "action").c_str(), Str(h, "actor").c_str(), Str(h, "reason").c_str());
}

// "NAME=MODEL:VERSION" (a weight is not taken: the canary's steps and a switch set it).
Result<Json> ParseNewVariant(const std::string& text) {
  ASSIGN_OR_RETURN(Json v, ParseVariant(text));
  if (text.find('@') != std::string::npos) return InvalidArgument("--variant takes no @WEIGHT here: the steps or the switch set it");
  v.erase("weight");
  return v;
}

}  // namespace

void AddDeployCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* deploy = host.Noun("deploy", "deployments: registered versions served under /v2/models/NAME");

  auto* create = host.Sub(deploy, "create", "create a deployment: moebius deploy create PROJECT NAME --variant blue=churn:3@90 ...");
  auto* project = host.Own<std::string>();
  auto* name = host.Own<std::string>();
  auto* env = host.Own<std::string>("development");
  auto* variants = host.Own<std::vector<std::string>>();
  auto* sticky = host.Own<std::string>();
  auto* reason = host.Own<std::string>();
  create->add_option("PROJECT", *project)->required();
  create->add_option("NAME", *name)->required();
  create->add_option("--environment", *env, "development, staging or production")->capture_default_str();
  create->add_option("--variant", *variants, "NAME=MODEL:VERSION[@WEIGHT], repeatable")->required();
  create->add_option("--sticky-header", *sticky, "route by this request header's value (the same key, the same variant)");
  create->add_option("--reason", *reason);
  host.OnRun(create, [&g = g, project, name, env, variants, sticky, reason](RestClient& c) -> Status {
    Json body{{"name", *name}, {"environment", *env}, {"variants", Json::array()}, {"reason", *reason}};
    for (const auto& v : *variants) {
      ASSIGN_OR_RETURN(Json j, ParseVariant(v));
      body["variants"].push_back(j);
    }
    if (!sticky->empty()) body.update({{"strategy", "sticky"}, {"sticky_header", *sticky}});
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + UrlEncode(*project) + "/deployments", body));
    Emit(g, j, [&] {
      std::printf("deployed ");
      PrintDeployment(j["deployment"]);
    });
    return Status::Ok();
  });

  auto* list = host.Sub(deploy, "list", "a project's deployments");
  auto* lproject = host.Own<std::string>();
  list->add_option("PROJECT", *lproject)->required();
  host.OnRun(list, [&g = g, lproject](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + UrlEncode(*lproject) + "/deployments"));
    Emit(g, j, [&] {
      for (const Json& d : j["deployments"]) PrintDeployment(d);
    });
    return Status::Ok();
  });

  auto* show = host.Sub(deploy, "show", "a deployment with per-variant counters and its history");
  auto* sname = host.Own<std::string>();
  show->add_option("NAME", *sname)->required();
  host.OnRun(show, [&g = g, sname](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/deployments/" + UrlEncode(*sname)));
    Emit(g, j, [&] {
      const Json& d = j["deployment"];
      PrintDeployment(d);
      std::printf("history:\n");
      PrintHistory(d);
    });
    return Status::Ok();
  });

  auto* history = host.Sub(deploy, "history", "every change of a deployment: who, when, what and why");
  auto* hname = host.Own<std::string>();
  history->add_option("NAME", *hname)->required();
  host.OnRun(history, [&g = g, hname](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/deployments/" + UrlEncode(*hname)));
    Emit(g, j["deployment"]["history"], [&] { PrintHistory(j["deployment"]); });
    return Status::Ok();
  });

  auto* configure = host.Sub(deploy, "configure", "capture rate, shadow mirror and guardrails of a deployment");
  auto* cname = host.Own<std::string>();
  auto* capture_rate = host.Own<double>(-1);
  auto* shadow = host.Own<std::string>();
  auto* no_shadow = host.Own<bool>(false);
  auto* max_errors = host.Own<double>(-1);
  auto* max_p99 = host.Own<double>(-1);
  auto* window = host.Own<int64_t>(60);
  auto* min_requests = host.Own<int64_t>(20);
  auto* no_guard = host.Own<bool>(false);
  auto* creason = host.Own<std::string>();
  configure->add_option("NAME", *cname)->required();
  configure->add_option("--capture-rate", *capture_rate, "share of requests captured, 0 to 1");
  configure->add_option("--shadow", *shadow, "VARIANT[@SHARE]: mirror SHARE (0 to 1, default 1) of the requests to this weight-0 variant");
  configure->add_flag("--no-shadow", *no_shadow, "stop mirroring");
  configure->add_option("--max-error-rate", *max_errors, "guardrail: roll back when a new variant fails more than this share");
  configure->add_option("--max-p99-ms", *max_p99, "guardrail: roll back when a new variant's p99 latency passes this");
  configure->add_option("--window", *window, "guardrail window in seconds (5 to 300)")->capture_default_str();
  configure->add_option("--min-requests", *min_requests, "requests in the window before a verdict")->capture_default_str();
  configure->add_flag("--no-guardrails", *no_guard, "remove the guardrails");
  configure->add_option("--reason", *creason);
  host.OnRun(configure, [&g = g, cname, capture_rate, shadow, no_shadow, max_errors, max_p99, window, min_requests, no_guard,
                         creason](RestClient& c) -> Status {
    Json body{{"reason", *creason}};
    if (*capture_rate >= 0) body["capture_rate"] = *capture_rate;
    if (*no_shadow) body["shadow"] = nullptr;
    if (!shadow->empty()) {
      size_t at = shadow->find('@');
      Json s{{"variant", shadow->substr(0, at)}};
      if (at != std::string::npos) {
        char* end = nullptr;
        double share = std::strtod(shadow->c_str() + at + 1, &end);
        if (!end || *end) return InvalidArgument("--shadow must be VARIANT[@SHARE], got '" + *shadow + "'");
        s["share"] = share;
      }
      body["shadow"] = s;
    }
    if (*no_guard) body["guardrails"] = nullptr;
    if (*max_errors >= 0 || *max_p99 >= 0) {
      Json gr{{"window_s", *window}, {"min_requests", *min_requests}};
      if (*max_errors >= 0) gr["max_error_rate"] = *max_errors;
      if (*max_p99 >= 0) gr["max_p99_ms"] = *max_p99;
      body["guardrails"] = gr;
    }
    if (body.size() == 1) return InvalidArgument("nothing to change: give --capture-rate, --shadow, --no-shadow, --max-error-rate, --max-p99-ms or --no-guardrails");
    ASSIGN_OR_RETURN(Json j, c.Put("/api/v1/deployments/" + UrlEncode(*cname), body));
    Emit(g, j, [&] { PrintDeployment(j["deployment"]); });
    return Status::Ok();
  });

  auto* canary = host.Sub(deploy, "canary", "try a version on a growing share of the traffic: moebius deploy canary NAME --variant v4=churn:4");
  auto* kname = host.Own<std::string>();
  auto* kvariant = host.Own<std::string>();
  auto* steps = host.Own<std::vector<int64_t>>();
  auto* interval = host.Own<int64_t>(300);
  auto* kreason = host.Own<std::string>();
  canary->add_option("NAME", *kname)->required();
  canary->add_option("--variant", *kvariant, "NAME=MODEL:VERSION of the canary")->required();
  canary->add_option("--steps", *steps, "percent of the traffic per step, e.g. 10,25,50 (100 is added)")->delimiter(',');
  canary->add_option("--interval", *interval, "seconds between steps (each only while the guardrails hold)")->capture_default_str();
  canary->add_option("--reason", *kreason);
  host.OnRun(canary, [&g = g, kname, kvariant, steps, interval, kreason](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json body, ParseNewVariant(*kvariant));
    body["interval_s"] = *interval;
    body["reason"] = *kreason;
    if (!steps->empty()) body["steps"] = *steps;
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/deployments/" + UrlEncode(*kname) + "/canary", body));
    Emit(g, j, [&] {
      std::printf("canary started: ");
      PrintDeployment(j["deployment"]);
    });
    return Status::Ok();
  });

  auto* sw = host.Sub(deploy, "switch", "blue-green: move all traffic to a version, keeping the previous one warm for a rollback");
  auto* wname = host.Own<std::string>();
  auto* wvariant = host.Own<std::string>();
  auto* keep = host.Own<int64_t>(600);
  auto* wreason = host.Own<std::string>();
  sw->add_option("NAME", *wname)->required();
  sw->add_option("--variant", *wvariant, "NAME=MODEL:VERSION of the new variant")->required();
  sw->add_option("--keep", *keep, "seconds the previous variants stay loaded for an instant rollback")->capture_default_str();
  sw->add_option("--reason", *wreason);
  host.OnRun(sw, [&g = g, wname, wvariant, keep, wreason](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json body, ParseNewVariant(*wvariant));
    body["keep_s"] = *keep;
    body["reason"] = *wreason;
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/deployments/" + UrlEncode(*wname) + "/switch", body));
    Emit(g, j, [&] {
      std::printf("switched: ");
      PrintDeployment(j["deployment"]);
    });
    return Status::Ok();
  });

  auto* captures = host.Sub(deploy, "captures", "captured inferences, newest first, with their feedback");
  auto* pcname = host.Own<std::string>();
  auto* limit = host.Own<int64_t>(20);
  auto* cvariant = host.Own<std::string>();
  auto* with_feedback = host.Own<bool>(false);
  captures->add_option("NAME", *pcname)->required();
  captures->add_option("--limit", *limit)->capture_default_str();
  captures->add_option("--variant", *cvariant);
  captures->add_flag("--feedback-only", *with_feedback, "only requests that have feedback");
  host.OnRun(captures, [&g = g, pcname, limit, cvariant, with_feedback](RestClient& c) -> Status {
    std::string path = "/api/v1/deployments/" + UrlEncode(*pcname) + "/captures?limit=" + std::to_string(*limit);
    if (!cvariant->empty()) path += "&variant=" + UrlEncode(*cvariant);
    if (*with_feedback) path += "&feedback=only";
    ASSIGN_OR_RETURN(Json j, c.Get(path));
    Emit(g, j, [&] {
      for (const Json& r : j["captures"])
        std::printf("%s %s %-10s%s %7.3f ms  out %s%s\n", Time(r, "at").c_str(), Str(r, "id").c_str(), Str(r, "variant").c_str(),
                    r.value("shadow", false) ? " (shadow)" : "", r.value("latency_ms", 0.0), r["outputs"].dump().substr(0, 80).c_str(),
                    r.contains("feedback") ? ("  feedback " + r["feedback"].dump()).c_str() : "");
      const Json& n = j["counts"];
      std::printf("written %s, dropped %s\n", Str(n, "written").c_str(), Str(n, "dropped").c_str());
    });
    return Status::Ok();
  });

  auto* compare = host.Sub(deploy, "compare", "A/B: the variants' answers with feedback, each against the control with a significance test");
  auto* aname = host.Own<std::string>();
  auto* metric = host.Own<std::string>("accuracy");
  auto* label = host.Own<std::string>("label");
  auto* threshold = host.Own<double>(0.5);
  auto* control = host.Own<std::string>();
  compare->add_option("NAME", *aname)->required();
  compare->add_option("--metric", *metric, "accuracy, mse or mae")->capture_default_str();
  compare->add_option("--label", *label, "the feedback field holding the truth")->capture_default_str();
  compare->add_option("--threshold", *threshold, "a probability at or above it is the positive class")->capture_default_str();
  compare->add_option("--control", *control, "the variant the others are tested against (default: the largest weight)");
  host.OnRun(compare, [&g = g, aname, metric, label, threshold, control](RestClient& c) -> Status {
    std::string path = "/api/v1/deployments/" + UrlEncode(*aname) + "/compare?metric=" + UrlEncode(*metric) + "&label=" + UrlEncode(*label) +
                       "&threshold=" + std::to_string(*threshold) + (control->empty() ? "" : "&control=" + UrlEncode(*control));
    ASSIGN_OR_RETURN(Json j, c.Get(path));
    Emit(g, j, [&] {
      std::printf("%s on %s answers with feedback (control %s)\n", Str(j, "metric").c_str(), Str(j, "scored").c_str(), Str(j, "control").c_str());
      for (const Json& a : j["arms"]) {
        std::printf("  %-12s n %-7s %.4f  [%.4f, %.4f]", Str(a, "variant").c_str(), Str(a, "n").c_str(), a.value("value", 0.0),
                    a["ci95"][0].get<double>(), a["ci95"][1].get<double>());
        if (a.contains("vs_control"))
          std::printf("  %+.4f vs control, p = %.4g%s", a["vs_control"].value("difference", 0.0), a["vs_control"].value("p", 1.0),
                      a["vs_control"].value("significant", false) ? " (significant)" : "");
        std::printf("\n");
      }
    });
    return Status::Ok();
  });

  auto* feedback = host.Sub(deploy, "feedback", "ground truth for a request: moebius deploy feedback NAME REQUEST_ID '{\"label\": 1}'");
  auto* fname = host.Own<std::string>();
  auto* frequest = host.Own<std::string>();
  auto* fvalue = host.Own<std::string>();
  feedback->add_option("NAME", *fname)->required();
  feedback->add_option("REQUEST_ID", *frequest, "the X-Moebius-Request-Id of the answer")->required();
  feedback->add_option("VALUE", *fvalue, "JSON: a label, a number or an object")->required();
  host.OnRun(feedback, [&g = g, fname, frequest, fvalue](RestClient& c) -> Status {
    Json value = Json::parse(*fvalue, nullptr, false);
    if (value.is_discarded()) value = *fvalue;  // a bare word is a string label
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/deployments/" + UrlEncode(*fname) + "/feedback", Json{{"request_id", *frequest}, {"value", value}}));
    Emit(g, j, [&] { std::printf("feedback recorded for %s\n", frequest->c_str()); });
    return Status::Ok();
  });

  auto* set = host.Sub(deploy, "set", "replace a deployment's variants (weights, versions): the switch is atomic");
  auto* setname = host.Own<std::string>();
  auto* setvariants = host.Own<std::vector<std::string>>();
  auto* setreason = host.Own<std::string>();
  set->add_option("NAME", *setname)->required();
  set->add_option("--variant", *setvariants, "NAME=MODEL:VERSION[@WEIGHT], repeatable")->required();
  set->add_option("--reason", *setreason);
  host.OnRun(set, [&g = g, setname, setvariants, setreason](RestClient& c) -> Status {
    Json body{{"variants", Json::array()}, {"reason", *setreason}};
    for (const auto& v : *setvariants) {
      ASSIGN_OR_RETURN(Json j, ParseVariant(v));
      body["variants"].push_back(j);
    }
    ASSIGN_OR_RETURN(Json j, c.Put("/api/v1/deployments/" + UrlEncode(*setname), body));
    Emit(g, j, [&] { PrintDeployment(j["deployment"]); });
    return Status::Ok();
  });

  auto* rollback = host.Sub(deploy, "rollback", "back to the state before the last change (a canary's baseline, the variants before a switch)");
  auto* rname = host.Own<std::string>();
  auto* rreason = host.Own<std::string>();
  rollback->add_option("NAME", *rname)->required();
  rollback->add_option("--reason", *rreason);
  host.OnRun(rollback, [&g = g, rname, rreason](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/deployments/" + UrlEncode(*rname) + "/rollback", Json{{"reason", *rreason}}));
    Emit(g, j, [&] {
      std::printf("rolled back: ");
      PrintDeployment(j["deployment"]);
    });
    return Status::Ok();
  });

  auto* del = host.Sub(deploy, "delete", "remove a deployment");
  auto* dname = host.Own<std::string>();
  del->add_option("NAME", *dname)->required();
  host.OnRun(del, [dname](RestClient& c) -> Status {
    RETURN_IF_ERROR(c.Delete("/api/v1/deployments/" + UrlEncode(*dname)).status());
    std::printf("deleted %s\n", dname->c_str());
    return Status::Ok();
  });

  auto* predict = host.Noun("predict", "send a v2 inference request to a deployment: moebius predict NAME --input age=31 --input plan=basic");
  auto* pname = host.Own<std::string>();
  auto* inputs = host.Own<std::vector<std::string>>();
  auto* file = host.Own<std::string>();
  auto* variant = host.Own<std::string>();
  predict->add_option("DEPLOYMENT", *pname)->required();
  predict->add_option("--input", *inputs, "COLUMN=VALUE for a one-row request (numbers as FP64, anything else as BYTES), repeatable");
  predict->add_option("--file", *file, "a v2 request body (JSON) instead of --input");
  predict->add_option("--variant", *variant, "call this variant instead of routing");
  host.OnRun(predict, [&g = g, pname, inputs, file, variant](RestClient& c) -> Status {
    Json body;
    if (!file->empty()) {
      std::ifstream in(*file);
      if (!in) return InvalidArgument("cannot read '" + *file + "'");
      body = Json::parse(std::string(std::istreambuf_iterator<char>(in), {}), nullptr, false);
      if (body.is_discarded()) return InvalidArgument(*file + " is not JSON");
    } else {
      if (inputs->empty()) return InvalidArgument("give --input COLUMN=VALUE (repeatable) or --file BODY.json");
      body = Json{{"inputs", Json::array()}};
      for (const auto& kv : *inputs) {
        size_t eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) return InvalidArgument("--input must be COLUMN=VALUE, got '" + kv + "'");
        std::string value = kv.substr(eq + 1);
        char* end = nullptr;
        double number = std::strtod(value.c_str(), &end);
        bool numeric = !value.empty() && end && *end == '\0';
        body["inputs"].push_back({{"name", kv.substr(0, eq)},
                                  {"shape", {1}},
                                  {"datatype", numeric ? "FP64" : "BYTES"},
                                  {"data", numeric ? Json::array({number}) : Json::array({value})}});
      }
    }
    std::string path = "/v2/models/" + UrlEncode(*pname) + (variant->empty() ? "" : "/versions/" + UrlEncode(*variant)) + "/infer";
    ASSIGN_OR_RETURN(Json j, c.Post(path, body));
    Emit(g, j, [&] {
      for (const Json& o : j.value("outputs", Json::array()))
        std::printf("%s %s = %s  (variant %s)\n", Str(o, "name").c_str(), o["shape"].dump().c_str(), o["data"].dump().c_str(),
                    Str(j, "model_version").c_str());
    });
    return Status::Ok();
  });
}

}  // namespace moebius::cli
