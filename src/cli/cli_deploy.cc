// `moebius deploy create|list|show|set|rollback|delete` and `moebius predict`: deployments and v2
// inference through the REST API (docs/design/serving.md).
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
      char line[128];
      std::snprintf(line, sizeof(line), "  %lld requests, %lld failed, mean %.2f ms", static_cast<long long>(s.value("requests", int64_t{0})),
                    static_cast<long long>(s.value("failures", int64_t{0})), s.value("mean_ms", 0.0));
      stats = line;
    }
    std::printf("  %-12s %s v%s  weight %s%s\n", Str(v, "name").c_str(), Str(v, "model").c_str(), Str(v, "version").c_str(), Str(v, "weight").c_str(),
                stats.c_str());
  }
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
      for (const Json& h : d["history"])
        std::printf("  %s %-9s by %-12s %s\n", Time(h, "at").c_str(), Str(h, "action").c_str(), Str(h, "actor").c_str(), Str(h, "reason").c_str());
    });
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

  auto* rollback = host.Sub(deploy, "rollback", "back to the variants before the last change");
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
