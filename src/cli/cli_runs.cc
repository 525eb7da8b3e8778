// `moebius experiment|run`: experiments and runs (tracking) through the REST API.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <limits>
#include <map>
#include <set>

#include "base/strings.h"
#include "cli/archive_io.h"
#include "cli/cli_app.h"
#include "cli/rest_client.h"
#include "cli/table_printer.h"

namespace moebius::cli {

void AddExperimentCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* e = host.Noun("experiment", "experiments");
  e->require_subcommand(1);
  auto* list = host.Sub(e, "list", "list a project's experiments");
  auto* project = host.Own<std::string>();
  list->add_option("PROJECT", *project)->required();
  host.OnRun(list, [&g = g, project](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/projects/" + RestClient::Segment(*project) + "/experiments"));
    Emit(g, j, [&] {
      TablePrinter t({"ID", "NAME", "STAGE", "CREATED"});
      for (const auto& x : j["experiments"]) t.AddRow({Str(x, "experiment_id"), Str(x, "name"), Str(x, "lifecycle_stage"), Time(x, "creation_time")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });
  auto* show = host.Sub(e, "show", "show an experiment");
  auto* id = host.Own<std::string>();
  show->add_option("ID", *id)->required();
  host.OnRun(show, [&g = g, id](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/experiments/" + RestClient::Segment(*id)));
    Emit(g, j, [&] {
      const Json& x = j["experiment"];
      TablePrinter t({"FIELD", "VALUE"}, 80);
      for (const char* k : {"experiment_id", "name", "project", "lifecycle_stage", "artifact_location"}) t.AddRow({k, Str(x, k)});
      t.AddRow({"created", Time(x, "creation_time")});
      for (const auto& tag : x["tags"]) t.AddRow({"tag " + Str(tag, "key"), Str(tag, "value")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });
  auto* create = host.Sub(e, "create", "create an experiment in a project");
  auto* cp = host.Own<std::string>();
  auto* cn = host.Own<std::string>();
  create->add_option("PROJECT", *cp)->required();
  create->add_option("NAME", *cn)->required();
  host.OnRun(create, [&g = g, cp, cn](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/projects/" + RestClient::Segment(*cp) + "/experiments", Json{{"name", *cn}}));
    Emit(g, j, [&] { std::printf("created experiment %s (id %s)\n", cn->c_str(), Str(j["experiment"], "experiment_id").c_str()); });
    return Status::Ok();
  });
}

static std::map<std::string, std::string> KeyValues(const Json& list, bool metric) {
  std::map<std::string, std::string> out;
  for (const auto& kv : list) out[Str(kv, "key")] = metric ? Str(kv, "value") : Str(kv, "value");
  return out;
}

void AddRunCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* r = host.Noun("run", "runs");
  r->require_subcommand(1);
  AddReportCommands(host, r);
  auto* list = host.Sub(r, "list", "search an experiment's runs");
  auto* exp = host.Own<std::string>();
  auto* filter = host.Own<std::string>();
  auto* order = host.Own<std::vector<std::string>>();
  auto* max = host.Own<int>(100);
  list->add_option("EXPERIMENT_ID", *exp)->required();
  list->add_option("--filter", *filter, "MLflow search filter, e.g. \"metrics.f1 > 0.8 and params.lr = '0.1'\"");
  list->add_option("--order-by", *order, "e.g. \"metrics.f1 DESC\" (repeatable)");
  list->add_option("--max", *max, "at most this many runs")->capture_default_str();
  host.OnRun(list, [&g = g, exp, filter, order, max](RestClient& c) -> Status {
    Json body{{"experiment_ids", {*exp}}, {"filter", *filter}, {"order_by", *order}, {"max_results", *max}};
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/runs/search", body));
    Emit(g, j, [&] {
      std::set<std::string> metric_keys;
      for (const auto& run : j["runs"])
        for (const auto& m : run["data"]["metrics"]) metric_keys.insert(Str(m, "key"));
      std::vector<std::string> headers{"RUN ID", "NAME", "STATUS", "STARTED"};
      std::vector<std::string> shown(metric_keys.begin(), metric_keys.end());
      if (shown.size() > 6) shown.resize(6);
      for (const auto& k : shown) headers.push_back(k);
      TablePrinter t(headers, 32);
      for (const auto& run : j["runs"]) {
        auto metrics = KeyValues(run["data"]["metrics"], true);
        std::vector<std::string> row{Str(run["info"], "run_id"), Str(run["info"], "run_name"), Str(run["info"], "status"), Time(run["info"], "start_time")};
        for (const auto& k : shown) row.push_back(metrics.count(k) ? metrics[k] : "");
        t.AddRow(row);
      }
      std::cout << t.Render();
      if (j.contains("next_page_token")) std::cout << "(more runs: raise --max)\n";
    });
    return Status::Ok();
  });
  auto* create = host.Sub(r, "create", "create a run and log params, metrics and tags in one batch");
  auto* cexp = host.Own<std::string>();
  auto* cname = host.Own<std::string>();
  auto* cparams = host.Own<std::vector<std::string>>();
  auto* cmetrics = host.Own<std::vector<std::string>>();
  auto* ctags = host.Own<std::vector<std::string>>();
  auto* finish = host.Own<bool>(false);
  create->add_option("EXPERIMENT_ID", *cexp)->required();
  create->add_option("--name", *cname, "run name (default: generated)");
  create->add_option("--param", *cparams, "KEY=VALUE (repeatable)");
  create->add_option("--metric", *cmetrics, "KEY=NUMBER (repeatable)");
  create->add_option("--tag", *ctags, "KEY=VALUE (repeatable)");
  create->add_flag("--finish", *finish, "mark the run FINISHED");
  host.OnRun(create, [&g = g, cexp, cname, cparams, cmetrics, ctags, finish](RestClient& c) -> Status {
    auto pairs = [](const std::vector<std::string>& items, const char* what) -> Result<std::vector<std::pair<std::string, std::string>>> {
      std::vector<std::pair<std::string, std::string>> out;
      for (const auto& item : items) {
        size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0) return InvalidArgument(std::string("--") + what + " takes KEY=VALUE, got '" + item + "'");
        out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
      }
      return out;
    };
    ASSIGN_OR_RETURN(auto params, pairs(*cparams, "param"));
    ASSIGN_OR_RETURN(auto metrics, pairs(*cmetrics, "metric"));
    ASSIGN_OR_RETURN(auto tags, pairs(*ctags, "tag"));
    std::vector<std::pair<std::string, double>> numbers;  // validated before anything is created
    for (const auto& [k, v] : metrics) {
      auto num = ParseDouble(v);
      if (!num) return InvalidArgument("--metric " + k + " needs a number, got '" + v + "'");
      numbers.emplace_back(k, *num);
    }
    Json body{{"experiment_id", *cexp}};
    if (!cname->empty()) body["run_name"] = *cname;
    ASSIGN_OR_RETURN(Json created, c.Post("/api/2.0/mlflow/runs/create", body));
    std::string run_id = created["run"]["info"]["run_id"];
    int64_t now = static_cast<int64_t>(std::time(nullptr)) * 1000;
    Json batch{{"run_id", run_id}, {"params", Json::array()}, {"metrics", Json::array()}, {"tags", Json::array()}};
    for (const auto& [k, v] : params) batch["params"].push_back({{"key", k}, {"value", v}});
    for (const auto& [k, v] : tags) batch["tags"].push_back({{"key", k}, {"value", v}});
    for (const auto& [k, v] : numbers) batch["metrics"].push_back({{"key", k}, {"value", v}, {"timestamp", now}, {"step", 0}});
    if (!params.empty() || !metrics.empty() || !tags.empty()) RETURN_IF_ERROR(c.Post("/api/2.0/mlflow/runs/log-batch", batch).status());
    if (*finish) RETURN_IF_ERROR(c.Post("/api/2.0/mlflow/runs/update", Json{{"run_id", run_id}, {"status", "FINISHED"}, {"end_time", now}}).status());
    Emit(g, Json{{"run_id", run_id}}, [&] { std::printf("created run %s (%s)\n", run_id.c_str(), Str(created["run"]["info"], "run_name").c_str()); });
    return Status::Ok();
  });
  auto* show = host.Sub(r, "show", "show a run");
  auto* id = host.Own<std::string>();
  show->add_option("RUN_ID", *id)->required();
  host.OnRun(show, [&g = g, id](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/runs/" + RestClient::Segment(*id)));
    Emit(g, j, [&] {
      const Json& info = j["run"]["info"];
      TablePrinter t({"FIELD", "VALUE"}, 80);
      for (const char* k : {"run_id", "run_name", "status", "user_id", "experiment_id", "artifact_uri"}) t.AddRow({k, Str(info, k)});
      t.AddRow({"project", Str(j, "project")});
      t.AddRow({"started", Time(info, "start_time")});
      t.AddRow({"ended", Time(info, "end_time")});
      for (const auto& p : j["run"]["data"]["params"]) t.AddRow({"param " + Str(p, "key"), Str(p, "value")});
      for (const auto& m : j["run"]["data"]["metrics"]) t.AddRow({"metric " + Str(m, "key"), Str(m, "value")});
      for (const auto& tag : j["run"]["data"]["tags"]) t.AddRow({"tag " + Str(tag, "key"), Str(tag, "value")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });
  auto* compare = host.Sub(r, "compare", "compare 2 to 10 runs: params (differences marked) and latest metrics");
  auto* ids = host.Own<std::vector<std::string>>();
  compare->add_option("RUN_IDS", *ids)->required()->expected(2, 10);
  host.OnRun(compare, [&g = g, ids](RestClient& c) -> Status {
    std::vector<Json> runs;
    for (const auto& id : *ids) {
      ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/runs/" + RestClient::Segment(id)));
      runs.push_back(j["run"]);
    }
    Json all = Json::array();
    for (const auto& r : runs) all.push_back(r);
    Emit(g, Json{{"runs", all}}, [&] {
      std::vector<std::string> headers{"", "KEY"};
      for (const auto& r : runs) headers.push_back(Str(r["info"], "run_name"));
      for (const char* section : {"params", "metrics"}) {
        std::set<std::string> keys;
        std::vector<std::map<std::string, std::string>> values;
        for (const auto& r : runs) {
          values.push_back(KeyValues(r["data"][section], std::string(section) == "metrics"));
          for (const auto& [k, v] : values.back()) keys.insert(k);
        }
        TablePrinter t(headers, 24);
        for (const auto& k : keys) {
          std::vector<std::string> row{"", k};
          std::set<std::string> distinct;
          for (auto& v : values) {
            row.push_back(v.count(k) ? v[k] : "—");
            distinct.insert(row.back());
          }
          row[0] = distinct.size() > 1 ? "*" : "";
          t.AddRow(row);
        }
        std::cout << (std::string(section) == "params" ? "PARAMS (* = differs)\n" : "\nMETRICS (latest)\n") << t.Render();
      }
    });
    return Status::Ok();
  });
}

}  // namespace moebius::cli
